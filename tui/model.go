package tui

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/launcher/proctree"
)

// Options shape a TUI session beyond the launcher's Config.
type Options struct {
	Title           string // shown in the window title; default: the program's base name
	Lesson          string // markdown shown beside the source (demos); "" hides the pane
	RunWithoutDebug bool   // start by running without the debugger (sandbug demo --run)

	// Start starts sessions; nil uses the launcher (StartDebug / StartRun).
	Start Starter
	// Dark forces a dark (true) or light (false) palette; nil asks the terminal.
	Dark *bool
	// NoColor drops colours; it is also on when $NO_COLOR is set and not empty.
	NoColor bool

	// Input, Output and the initial size replace the terminal (tests).
	Input         io.Reader
	Output        io.Writer
	Width, Height int
}

// Model is the TUI's one Bubble Tea model. Panes are plain structs; Update never blocks: every
// call on a session runs in a tea.Cmd.
type Model struct {
	ctx   context.Context
	cfg   launcher.Config
	opts  Options
	start Starter
	pre   *preStart // the first debug session, started by Run before the UI (run.go)

	st      Styles
	keys    KeyMap
	dark    bool
	noColor bool
	w, h    int
	lay     layout

	// Sessions. The debug session is kept while running without debugging so its breakpoints
	// survive; the active one owns the Program pane and the state.
	nextID      int
	dbg, run    Session
	dbgID       int
	runID       int
	dbgPump     *pump
	runPump     *pump
	debugMode   bool
	starting    bool
	dbgDead     bool      // the debug session failed to start its program (compile or sandbox error)
	untilRun    bool      // run to cursor from a fresh start: continue past the stop at main
	builtAt     time.Time // when the debug session's build succeeded
	compileDir  string    // the folder the last build ran in (CompileEvent.Dir): its messages name files from there
	restarts    int       // R / Ctrl+Shift+F5 so far (restart.go)
	restarting  bool      // a restart's run has not stopped or ended yet: its status message stays
	restartKill bool      // the exit of the program a debug restart killed is coming: no exit card
	srcChecked  bool      // F5 has checked the sources for changes (rebuild.go)

	state    launcher.State
	stop     *launcher.Stop
	exit     *launcher.ExitStatus
	runSince time.Time     // when the program last started running
	ranFor   time.Duration // running time before runSince
	clockOn  bool
	msg      string
	msgErr   bool

	// The program waits for input: the kernel shows it blocked in read(0, ...) (probeInput,
	// polled while it runs); typing from any pane goes to it.
	progPid    int
	waitInput  bool
	recording  bool // gdb records the program (launcher.RecordEvent): reverse keys work
	inputBusy  int  // probes in a row that found the waiting program busy
	inputPoll  bool // an inputTick is pending
	probeInput func(pid int) bool

	src    sourcePane
	prog   *termPane
	locals localsPane
	stack  stackPane
	bps    bpPane
	watch  watchPane
	sbx    sandboxPane
	con    consolePane
	lesson lessonPane
	procs  procsPane

	// The debugger views (views_update.go): a generation per screen shown (stop, frame, thread).
	asm       asmPane
	mem       memPane
	regs      regsPane
	threads   threadsPane
	viewGen   int
	threadSel int // the thread the screen shows: the stop's, or one picked in the Threads pane

	// The Processes view's reader: one refresh in flight at a time (procs_update.go).
	procR    *proctree.Refresher
	procNew  func(root int) *proctree.Refresher // nil: no live reads (tests set the tree)
	procBusy bool                               // a refresh runs
	procDue  bool                               // another was asked for meanwhile
	procTick bool                               // a tick is scheduled

	files     map[string]*sourceFile
	loading   map[string]bool
	exec      execPos // where the program (or the selected frame) is
	known     []string
	frameSel  int
	mainShown bool

	focus  paneID
	front  [numPanes]int
	frontN int

	card     cardKind
	blocked  *launcher.Blocked
	errnoSel int
	prompt   promptState
	filesSel int
	helpTop  int

	now     func() time.Time // the clock (tests fix it)
	noClock bool             // tests: no 1 s status-bar tick

	frameDue bool
	gen      uint64
	cache    *viewCache
	closing  bool
}

// execPos is a source position the UI wants shown once its file is loaded.
type execPos struct {
	path string
	line int
	top  bool // the innermost frame (the program's own position)
}

type viewCache struct {
	gen   uint64
	valid bool
	view  tea.View
}

// New builds the model. Run is the usual entry point; New serves tests.
func New(ctx context.Context, cfg launcher.Config, opts Options) *Model {
	m := &Model{ctx: ctx, cfg: cfg, opts: opts, start: opts.Start, now: time.Now, probeInput: waitsForInput,
		procNew: proctree.NewRefresher}
	if m.start == nil {
		m.start = launcherStarter
	}
	m.noColor = opts.NoColor || os.Getenv("NO_COLOR") != ""
	m.dark = true
	if opts.Dark != nil {
		m.dark = *opts.Dark
	}
	m.st = NewStyles(m.dark, m.noColor)
	m.keys = DefaultKeyMap()
	m.src = newSourcePane()
	m.locals = newLocalsPane()
	m.sbx = newSandboxPane(cfg.Profile, limitsString(cfg))
	if cfg.PolicyFile != "" {
		m.sbx.profile = filepath.Base(cfg.PolicyFile)
	}
	m.lesson.text = opts.Lesson
	m.files = map[string]*sourceFile{}
	m.loading = map[string]bool{}
	m.cache = &viewCache{}
	m.debugMode = !opts.RunWithoutDebug
	m.prog = newTermPane(80, 10, nil)
	m.focus = paneSource
	if opts.RunWithoutDebug {
		m.focus = paneProgram
	}
	m.touch(m.focus)
	if opts.Width > 0 && opts.Height > 0 {
		m.resize(opts.Width, opts.Height)
	}
	return m
}

func limitsString(cfg launcher.Config) string {
	s := cfg.Limits.String()
	if cfg.Timeout > 0 {
		if s != "" {
			s += ","
		}
		s += "wall=" + cfg.Timeout.String()
	}
	return s
}

// Init starts the first session and asks the terminal for its background colour.
func (m *Model) Init() tea.Cmd {
	start := m.startSession
	if p := m.pre; p != nil {
		start = func(bool) tea.Cmd { return p.result } // Run started it already
	}
	cmds := []tea.Cmd{start(m.debugMode)}
	if m.opts.Dark == nil {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

func (m *Model) startSession(debug bool) tea.Cmd {
	m.nextID++
	id := m.nextID
	if debug {
		m.dbgID = id
		m.bps.resetLabels() // a new gdb numbers from 1 again
	} else {
		m.runID = id
	}
	m.starting = true
	m.setState(launcher.Starting)
	cfg := m.cfg
	in := m.prog
	cfg.Rows, cfg.Cols = in.h, in.w
	return startSession(m.ctx, m.start, cfg, id, debug)
}

// active returns the session that owns the program pane and the state.
func (m *Model) active() (Session, int) {
	if m.debugMode {
		return m.dbg, m.dbgID
	}
	return m.run, m.runID
}

// touch brings p to the front of its slot.
func (m *Model) touch(p paneID) {
	m.frontN++
	m.front[p] = m.frontN
}

// visible returns the pane a slot shows.
func (m *Model) visible(s slot) paneID {
	best := s.Panes[0]
	for _, p := range s.Panes {
		if m.front[p] > m.front[best] {
			best = p
		}
	}
	return best
}

func (m *Model) resize(w, h int) tea.Cmd {
	m.w, m.h = w, h
	m.lay = computeLayout(w, h, m.opts.Lesson != "")
	if m.lay.TooSmall {
		return nil
	}
	i := m.lay.slotOf(paneProgram)
	r := m.lay.Slots[i].R.inner()
	if m.prog.resize(r.W, r.H) {
		if s, _ := m.active(); s != nil {
			return resizeCmd(s, r.H, r.W)
		}
	}
	return nil
}

// scope is where the screen is: the stopped thread and the frame the stack pane selected.
// Every query of the stopped program carries it, so the console, the watches and the locals
// evaluate in the frame the screen shows.
func (m *Model) scope() launcher.Scope {
	sc := launcher.Scope{Frame: m.frameSel}
	if m.stop != nil {
		sc.Thread = m.stop.Thread
	}
	if m.threadSel > 0 {
		sc.Thread = m.threadSel
	}
	return sc
}

func (m *Model) setState(s launcher.State) {
	now := m.now()
	if m.state == launcher.Running && s != launcher.Running && !m.runSince.IsZero() {
		m.ranFor += now.Sub(m.runSince)
		m.runSince = time.Time{}
	}
	if s == launcher.Running && m.state != launcher.Running {
		m.runSince = now
	}
	if s != m.state && !m.msgErr && !m.restarting {
		m.msg = "" // a hint about the previous state is stale now
	}
	if s == launcher.Stopped {
		m.restarting = false // "Restarted (n)" stays until the new run's first stop is left
	}
	m.state = s
	m.keys.applyState(keyState{
		debug:   m.debugMode,
		running: s == launcher.Running,
		stopped: s == launcher.Stopped,
		live:    s == launcher.Running || s == launcher.Stopped,
		ended:   !m.debugMode && m.run != nil && s == launcher.Exited,

		recording: m.recording,
	})
	if s != launcher.Running {
		m.waitInput = false
	}
}

func (m *Model) elapsed() time.Duration {
	d := m.ranFor
	if !m.runSince.IsZero() {
		d += m.now().Sub(m.runSince)
	}
	return d
}

func (m *Model) say(format string, a ...any) {
	m.msg, m.msgErr = fmt.Sprintf(format, a...), false
}

func (m *Model) fail(format string, a ...any) {
	m.msg, m.msgErr = fmt.Sprintf(format, a...), true
}

// Update handles one message. It never blocks.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd, visible := m.update(msg)
	if visible {
		m.gen++
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.resize(msg.Width, msg.Height), true
	case tea.BackgroundColorMsg:
		if m.opts.Dark == nil {
			m.dark = msg.IsDark()
			m.st = NewStyles(m.dark, m.noColor)
			m.src.cacheFile = nil // drop lines highlighted with the old palette
		}
		return nil, true
	case tea.KeyPressMsg:
		return m.onKey(msg), true
	case tea.PasteMsg:
		return m.onPaste(msg.Content), true
	case tea.MouseClickMsg:
		return m.onClick(msg.Mouse()), true
	case tea.MouseWheelMsg:
		return m.onWheel(msg.Mouse()), true
	case eventsMsg:
		return m.onEvents(msg)
	case frameMsg:
		m.frameDue = false
		m.prog.feed(feedBudget)
		if m.prog.busy() {
			m.frameDue = true
			return frameTick(), true
		}
		return nil, true
	case inputMsg:
		return m.onInput(msg)
	case regsMsg, asmMsg, memMsg, threadsMsg, threadSelMsg, memPathMsg, procSelMsg:
		return m.onViews(msg)
	case procsMsg:
		return m.onProcs(msg)
	case procTickMsg:
		return m.onProcTick(msg)
	case sourcesMsg:
		return m.onSources(msg), true
	case clockMsg:
		if m.state == launcher.Running {
			return clockTick(), true
		}
		m.clockOn = false
		return nil, false
	case closedMsg:
		// Sessions are also closed when replaced (a restart, a rebuild, leaving a run): only
		// the closing of quit ends the UI.
		if !m.closing {
			return nil, false
		}
		return tea.Quit, false
	}
	return m.onResult(msg)
}

// scheduleFrame asks for a frame unless one is due.
func (m *Model) scheduleFrame() tea.Cmd {
	if m.frameDue {
		return nil
	}
	m.frameDue = true
	return frameTick()
}

// quit closes the sessions and then quits; the program is killed with them.
func (m *Model) quit() tea.Cmd {
	if m.closing {
		return nil
	}
	m.closing = true
	m.prog.close()
	return closeAll(m.run, m.dbg)
}

// liveProgram reports whether a program runs or is stopped (quitting would kill it).
func (m *Model) liveProgram() bool {
	return m.state == launcher.Running || m.state == launcher.Stopped
}
