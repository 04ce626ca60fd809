package tui

import (
	"context"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// Messages. Each one that comes from a session carries the session's id (sid) so that a late
// answer from a session the UI has since replaced is ignored.
type (
	// eventsMsg carries one or more launcher events, in order.
	eventsMsg struct {
		sid    int
		evs    []launcher.Event
		pump   *pump // where evs came from: released when the UI has dropped the session
		closed bool  // the stream ended after evs
	}
	sessionMsg struct {
		sid   int
		debug bool
		sess  Session
		pump  *pump
		err   error
	}
	// doneMsg reports the result of a control command (continue, next, break ...).
	doneMsg struct {
		sid  int
		what string
		err  error
	}
	// stackMsg is one page of the stack of the stop gen.
	stackMsg struct {
		sid, gen int
		from     int
		argsOnly bool // frames read again for their arguments (see stackArgs)
		page     launcher.StackPage
		err      error
	}
	// arrayMsg is a *p@n root for the Locals of frame.
	arrayMsg struct {
		sid   int
		frame int
		v     launcher.Variable
		err   error
	}
	localsMsg struct {
		sid   int
		frame int
		fn    string
		vars  []launcher.Variable
		err   error
	}
	childrenMsg struct {
		sid  int
		path string
		vars []launcher.Variable
		err  error
	}
	watchMsg struct {
		sid   int
		i     int
		expr  string
		value string
		err   error
	}
	consoleMsg struct {
		sid int
		cmd string
		out string
		err error
	}
	fileMsg struct {
		path string
		line int
		file *sourceFile
		err  error
	}
	mainMsg struct {
		sid   int
		frame launcher.Frame
		err   error
	}
	filesMsg struct {
		sid   int
		files []string
		err   error
	}
	frameMsg  struct{} // time to feed program output and draw a frame
	clockMsg  struct{} // one second passed while the program runs
	closedMsg struct{} // sessions are closed: quit now
)

// waitHook, when set (tests), is told when a command starts (+1) and stops (-1) waiting for
// session events, so a test driver knows which running commands merely wait.
var waitHook atomic.Pointer[func(delta int)]

// frameInterval caps how often program output is drawn (about 60 frames a second).
const frameInterval = 16 * time.Millisecond

// maxBatch is how many events the tests put in one message.
const maxBatch = 256

// waitEvents waits for the session's next events and takes all that are queued (see pump).
// The model issues it again after each eventsMsg: events are never dropped.
func waitEvents(sid int, p *pump) tea.Cmd {
	return func() tea.Msg {
		if h := waitHook.Load(); h != nil {
			(*h)(1)
			defer (*h)(-1)
		}
		evs, closed := p.take()
		return eventsMsg{sid: sid, pump: p, evs: evs, closed: closed}
	}
}

func startSession(ctx context.Context, start Starter, cfg launcher.Config, sid int, debug bool) tea.Cmd {
	return func() tea.Msg {
		s, err := start(ctx, cfg, debug)
		if err != nil {
			return sessionMsg{sid: sid, debug: debug, err: err}
		}
		return sessionMsg{sid: sid, debug: debug, sess: s, pump: startPump(s.Events())}
	}
}

// do runs one control call on the session and reports its error.
func do(sid int, what string, f func() error) tea.Cmd {
	return func() tea.Msg {
		return doneMsg{sid: sid, what: what, err: f()}
	}
}

// fetchStack reads one page of the stack of stop gen: the first (from 0) with the frames'
// arguments, deeper ones without.
func fetchStack(ctx context.Context, s Session, sid, gen, thread, from int) tea.Cmd {
	return func() tea.Msg {
		n := stackPage
		if from == 0 {
			n = stackFirstPage
		}
		p, err := s.StackPage(ctx, thread, from, n, from == 0)
		return stackMsg{sid: sid, gen: gen, from: from, page: p, err: err}
	}
}

// fetchStackArgs reads frames [from, to) of stop gen again, with their arguments.
func fetchStackArgs(ctx context.Context, s Session, sid, gen, thread, from, to int) tea.Cmd {
	return func() tea.Msg {
		p, err := s.StackPage(ctx, thread, from, to-from, true)
		return stackMsg{sid: sid, gen: gen, from: from, argsOnly: true, page: p, err: err}
	}
}

func fetchArray(ctx context.Context, s Session, sid int, sc launcher.Scope, expr, varobj string, n int) tea.Cmd {
	return func() tea.Msg {
		v, err := s.Array(ctx, sc, expr, varobj, n)
		return arrayMsg{sid: sid, frame: sc.Frame, v: v, err: err}
	}
}

func fetchLocals(ctx context.Context, s Session, sid int, sc launcher.Scope, fn string) tea.Cmd {
	return func() tea.Msg {
		vs, err := s.Locals(ctx, sc)
		return localsMsg{sid: sid, frame: sc.Frame, fn: fn, vars: vs, err: err}
	}
}

func fetchChildren(ctx context.Context, s Session, sid int, path, varobj string) tea.Cmd {
	return func() tea.Msg {
		vs, err := s.Children(ctx, varobj)
		return childrenMsg{sid: sid, path: path, vars: vs, err: err}
	}
}

func evalWatch(ctx context.Context, s Session, sid int, sc launcher.Scope, i int, expr string) tea.Cmd {
	return func() tea.Msg {
		v, err := s.Evaluate(ctx, sc, expr)
		return watchMsg{sid: sid, i: i, expr: expr, value: v, err: err}
	}
}

func runConsole(ctx context.Context, s Session, sid int, sc launcher.Scope, cmd string) tea.Cmd {
	return func() tea.Msg {
		out, err := s.Console(ctx, sc, cmd)
		return consoleMsg{sid: sid, cmd: cmd, out: out, err: err}
	}
}

func loadFile(path string, line int) tea.Cmd {
	return func() tea.Msg {
		f, err := loadSource(path)
		return fileMsg{path: path, line: line, file: f, err: err}
	}
}

func fetchMain(ctx context.Context, s Session, sid int) tea.Cmd {
	return func() tea.Msg {
		f, err := s.MainLocation(ctx)
		return mainMsg{sid: sid, frame: f, err: err}
	}
}

func fetchFiles(ctx context.Context, s Session, sid int) tea.Cmd {
	return func() tea.Msg {
		fs, err := s.SourceFiles(ctx)
		return filesMsg{sid: sid, files: fs, err: err}
	}
}

func resizeCmd(s Session, rows, cols int) tea.Cmd {
	return func() tea.Msg {
		_ = s.Resize(rows, cols) // the program may be gone; a later resize tries again
		return nil
	}
}

func inputCmd(s Session, b []byte) tea.Cmd {
	return func() tea.Msg {
		_ = s.Input(b)
		return nil
	}
}

// closeAll ends the sessions, then the UI quits.
func closeAll(ss ...Session) tea.Cmd {
	return func() tea.Msg {
		for _, s := range ss {
			if s != nil {
				_ = s.Close()
			}
		}
		return closedMsg{}
	}
}

// closeQuiet ends sessions the UI replaces (a dead debugger's, a finished run's); the UI goes on.
func closeQuiet(ss ...Session) tea.Cmd {
	return func() tea.Msg {
		for _, s := range ss {
			if s != nil {
				_ = s.Close()
			}
		}
		return nil
	}
}

func frameTick() tea.Cmd {
	return tea.Tick(frameInterval, func(time.Time) tea.Msg { return frameMsg{} })
}

func clockTick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return clockMsg{} })
}
