package tui

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sandbug/sandbug/launcher"
)

// View draws the screen. Frames are cached: a message that changed nothing visible (program
// output waiting for the next frame tick) costs nothing.
func (m *Model) View() tea.View {
	if m.cache.valid && m.cache.gen == m.gen {
		return m.cache.view
	}
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "sandbug: " + m.title()
	if c := m.cursor(); c != nil {
		v.Cursor = c
	}
	m.cache.gen, m.cache.valid, m.cache.view = m.gen, true, v
	return v
}

func (m *Model) title() string {
	if m.opts.Title != "" {
		return clean(m.opts.Title)
	}
	return clean(filepath.Base(m.cfg.Program))
}

// render returns the whole screen as a string (the golden tests strip its ANSI).
func (m *Model) render() string {
	if m.w == 0 || m.h == 0 {
		return ""
	}
	if m.lay.TooSmall {
		return m.tooSmall()
	}
	// The slots tile the screen: without a card, rows are plain concatenations (no cell
	// compositing, which costs more than drawing the panes).
	rows := make([][]string, m.h)
	for _, sl := range m.lay.Slots {
		p := m.visible(sl)
		var titles []string
		active := 0
		for i, q := range sl.Panes {
			titles = append(titles, m.paneTitle(q))
			if q == p {
				active = i
			}
		}
		in := sl.R.inner()
		body := m.paneBody(p, in.W, in.H)
		first := firstTab(titles, active, sl.R.W)
		lines := strings.Split(frame(&m.st, titles[first:], active-first, m.focus == p, body, sl.R.W, sl.R.H), "\n")
		for i, l := range lines {
			if y := sl.R.Y + i; y < m.h {
				rows[y] = append(rows[y], l)
			}
		}
	}
	out := make([]string, 0, m.h)
	for y := 0; y < m.lay.Status.Y; y++ {
		out = append(out, strings.Join(rows[y], ""))
	}
	out = append(out, m.statusLine(), m.hintLine())
	screen := strings.Join(out, "\n")
	ov, w, h := m.overlay()
	if ov == "" {
		return screen
	}
	c := lipgloss.NewCanvas(m.w, m.h)
	c.Compose(lipgloss.NewCompositor(
		lipgloss.NewLayer(screen),
		lipgloss.NewLayer(ov).X(max((m.w-w)/2, 0)).Y(max((m.h-h)/2-1, 0)).Z(1),
	))
	return c.Render()
}

func (m *Model) tooSmall() string {
	msg := []string{
		"sandbug needs a terminal of at least 80x24.",
		fmt.Sprintf("This one is %dx%d: make it bigger, or press q to quit.", m.w, m.h),
	}
	var out []string
	for i := 0; i < m.h; i++ {
		j := i - (m.h-len(msg))/2
		if j >= 0 && j < len(msg) {
			out = append(out, fit(strings.Repeat(" ", max((m.w-len(msg[j]))/2, 0))+msg[j], m.w))
		} else {
			out = append(out, "")
		}
	}
	return strings.Join(out, "\n")
}

func (m *Model) paneTitle(p paneID) string {
	switch p {
	case paneSource:
		return m.src.title()
	case paneProgram:
		t := m.prog.title()
		switch {
		case m.waitInput:
			t += " — waiting for input"
		case m.focus == paneProgram && m.state == launcher.Running:
			t += " — typing goes to the program, Tab leaves"
		case m.focus == paneProgram && m.state == launcher.Stopped:
			t += " — stopped: c continues"
		}
		return t
	case paneStack:
		return m.stack.title()
	case paneSandbox:
		if m.sbx.total > 0 {
			return fmt.Sprintf("Sandbox (%d blocked)", m.sbx.total)
		}
	}
	return p.String()
}

func (m *Model) paneBody(p paneID, w, h int) []string {
	if w <= 0 || h <= 0 {
		return nil
	}
	focused := m.focus == p
	switch p {
	case paneSource:
		body := m.src.view(&m.st, w, h-m.promptRows(paneSource))
		return m.withPrompt(paneSource, body, w, h)
	case paneProgram:
		return m.prog.view(w, h)
	case paneLocals:
		return m.locals.view(&m.st, w, h, focused)
	case paneStack:
		return m.stack.view(&m.st, w, h, focused)
	case paneBreakpoints:
		body := m.bps.view(&m.st, w, h-m.promptRows(paneBreakpoints), focused)
		return m.withPrompt(paneBreakpoints, body, w, h)
	case paneWatch:
		body := m.watch.view(&m.st, w, h-m.promptRows(paneWatch), focused)
		return m.withPrompt(paneWatch, body, w, h)
	case paneSandbox:
		return m.sbx.view(&m.st, w, h, focused)
	case paneConsole:
		return m.con.view(&m.st, w, h, focused)
	case paneLesson:
		return m.lesson.view(&m.st, w, h)
	case paneProcs:
		return m.procs.view(&m.st, w, h, focused)
	case paneAsm:
		return m.asm.view(&m.st, w, h, m.sourceText)
	case paneMemory:
		body := m.mem.view(&m.st, w, h-m.promptRows(paneMemory))
		return m.withPrompt(paneMemory, body, w, h)
	case paneRegisters:
		return m.regs.view(&m.st, w, h)
	case paneThreads:
		return m.threads.view(&m.st, w, h, focused, m.scope().Thread)
	}
	return nil
}

// promptRows is 1 when the open prompt belongs to pane p.
func (m *Model) promptRows(p paneID) int {
	if m.prompt.kind == 0 || m.focus != p {
		return 0
	}
	return 1
}

func (m *Model) withPrompt(p paneID, body []string, w, h int) []string {
	if m.promptRows(p) == 0 {
		return body
	}
	body = block(body, w, h-1)
	return append(body, m.prompt.input.view(&m.st, m.prompt.label+": ", w))
}

// statusLine: state, sandbox, limits and elapsed time, or the latest message.
func (m *Model) statusLine() string {
	st := &m.st
	var state string
	mode := "debug"
	if !m.debugMode {
		mode = "run"
	}
	switch m.state {
	case launcher.NotStarted:
		state = st.Dim.Render("■") + " not started"
	case launcher.Starting:
		state = st.Running.Render("…") + " starting (" + mode + ")"
	case launcher.Running:
		state = st.Running.Render("▶") + " running (" + mode + ")"
		if m.waitInput {
			state = st.Stopped.Render("⌨") + " waiting for input: type, Enter sends"
		}
	case launcher.Stopped:
		s := "stopped"
		if m.stop != nil {
			stop := *m.stop
			if n, err := strconv.Atoi(m.bps.label(strconv.Itoa(stop.BkptNo))); err == nil {
				stop.BkptNo = n // the number the student knows
			}
			s = stop.Summary()
		}
		state = st.Stopped.Render("‖") + " " + clean(shortPaths(s))
	case launcher.Exited:
		s := "exited"
		if m.exit != nil {
			s = m.exit.Summary()
		}
		if d := m.src.diag; d != nil && m.exit != nil && m.exit.Kind == launcher.KindCompileError {
			s = fmt.Sprintf("compile error at %s:%d", filepath.Base(d.path), d.line)
		}
		if m.exit != nil && m.exit.Kind == launcher.KindDebuggerEnded {
			s = "gdb ended" // the message says how, and what F5 does
		}
		state = st.Dim.Render("■") + " " + clean(shortPaths(s))
	}
	if m.recording && (m.state == launcher.Stopped || m.state == launcher.Running) {
		state = st.Stopped.Render("●") + " recording │ " + state
	}
	sbx := "sandbox: " + clean(m.sbx.profile)
	if m.sbx.profile == "" {
		sbx = "sandbox: " + launcher.DefaultProfile
	}
	if m.sbx.verified != nil {
		if m.sbx.verified.OK {
			sbx += " ✓"
		} else {
			sbx += " ✗ NOT VERIFIED"
		}
	}
	right := sbx
	if m.sbx.limits != "" {
		right += " │ " + clean(m.sbx.limits)
	}
	if m.state != launcher.NotStarted {
		right += " │ " + m.elapsed().Truncate(100*time.Millisecond).String()
	}
	left := " " + state
	if m.msg != "" {
		style := st.Dim
		if m.msgErr {
			style = st.Error
		}
		left += "  " + style.Render("· "+clean(m.msg))
	}
	// rw counts a space on each side of the right part, so that a long left part cut to fit
	// never runs into it ("compilation failedsandbox: default").
	lw := lipgloss.Width(left)
	rw := lipgloss.Width(right) + 2
	if lw+rw > m.w {
		right = sbx // the state matters more than limits and the clock
		rw = lipgloss.Width(right) + 2
	}
	if lw+rw > m.w {
		left = fit(left, max(m.w-rw, 10))
		lw = lipgloss.Width(left)
	}
	gap := max(m.w-lw-rw, 0) + 1
	return st.Status.Render(fit(left+strings.Repeat(" ", gap)+right+" ", m.w))
}

// hintLine is the always-visible one-line key hint.
func (m *Model) hintLine() string {
	h := help.New()
	h.Styles.ShortKey = m.st.Key
	h.Styles.ShortDesc = m.st.Desc
	h.Styles.ShortSeparator = m.st.Dim
	h.Styles.Ellipsis = m.st.Dim
	h.SetWidth(m.w - 1)
	return fit(" "+h.ShortHelpView(m.keys.ShortHelp()), m.w)
}

// overlay returns the open card and its size.
func (m *Model) overlay() (string, int, int) {
	w := min(m.w-4, 84)
	var s string
	switch m.card {
	case cardBlocked:
		if m.blocked != nil {
			s = blockedCard(&m.st, *m.blocked, m.errnoSel, w)
		}
	case cardExit:
		if m.exit != nil {
			s = exitCard(&m.st, *m.exit, m.debugMode, min(w, 76))
		}
	case cardHelp:
		s = helpCard(&m.st, m.keys, min(m.w-2, 110), m.h, m.helpTop)
	case cardQuit:
		s = quitCard(&m.st, min(w, 60))
	case cardFiles:
		s = filesCard(&m.st, m.known, m.filesSel, min(w, 70), m.h)
	}
	if s == "" {
		return "", 0, 0
	}
	return s, lipgloss.Width(s), lipgloss.Height(s)
}

// cursor places the terminal cursor in the Program pane when it has focus and the program shows
// its cursor, so typing looks like a terminal.
func (m *Model) cursor() *tea.Cursor {
	if m.lay.TooSmall || m.focus != paneProgram || m.card != cardNone || m.prog.offset > 0 || m.prog.emu.CursorHidden() {
		return nil
	}
	i := m.lay.slotOf(paneProgram)
	if i < 0 {
		return nil
	}
	in := m.lay.Slots[i].R.inner()
	pos := m.prog.emu.CursorPosition()
	if pos.X >= in.W || pos.Y >= in.H {
		return nil
	}
	return tea.NewCursor(in.X+pos.X, in.Y+pos.Y)
}

// sourceText is line n of a loaded source file, "" when it is not loaded.
func (m *Model) sourceText(path string, n int) string {
	f := m.files[path]
	if f == nil || n < 1 || n > len(f.Lines) {
		return ""
	}
	return f.Lines[n-1]
}
