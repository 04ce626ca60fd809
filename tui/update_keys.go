package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/sandbug/sandbug/launcher"
)

// promptKind says what a one-line prompt asks for.
type promptKind int

const (
	promptSearch promptKind = iota + 1
	promptGoto
	promptWatch
	promptCondition
)

type promptState struct {
	kind  promptKind
	label string
	input lineInput
	bpID  string
}

func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	ks := k.String()
	if m.card != cardNone {
		return m.cardKey(k, ks)
	}
	if m.prompt.kind != 0 {
		return m.promptKey(k, ks)
	}
	if m.con.editing {
		return m.consoleKey(k, ks)
	}
	if c, ok := m.globalKey(ks); ok {
		return c
	}
	if m.focus == paneProgram && m.liveProgram() {
		if key.Matches(k, m.keys.LeaveProgram) {
			m.cycleFocus(1)
			return nil
		}
		if k.Mod.Contains(tea.ModShift) && (k.Code == tea.KeyUp || k.Code == tea.KeyDown || k.Code == tea.KeyPgUp || k.Code == tea.KeyPgDown) {
			// Shift+arrows and Shift+PgUp/PgDn scroll the program's scrollback, like a terminal.
			d := map[rune]int{tea.KeyUp: 1, tea.KeyDown: -1, tea.KeyPgUp: m.prog.h, tea.KeyPgDown: -m.prog.h}[k.Code]
			m.prog.scroll(d)
			return nil
		}
		m.prog.offset = 0
		m.prog.key(uv.KeyPressEvent(uv.Key(k)))
		return nil
	}
	switch {
	case key.Matches(k, m.keys.FocusNext):
		m.cycleFocus(1)
		return nil
	case key.Matches(k, m.keys.FocusPrev):
		m.cycleFocus(-1)
		return nil
	case key.Matches(k, m.keys.Console):
		m.setFocus(paneConsole)
		m.con.editing = true
		m.con.input.set("")
		return nil
	case key.Matches(k, m.keys.Help):
		m.card = cardHelp
		return nil
	case key.Matches(k, m.keys.Quit):
		return m.askQuit()
	case key.Matches(k, m.keys.Interrupt):
		if m.debugMode && m.state == launcher.Running && m.dbg != nil {
			s := m.dbg
			return do(m.dbgID, "interrupt", func() error { return s.Interrupt(m.ctx) })
		}
		m.say("Ctrl+C goes to the program in the Program pane; Shift+F5 or Ctrl+X stops it; q quits.")
		return nil
	}
	return m.paneKey(k, ks)
}

// globalKey handles the keys that work in every pane, the Program pane included.
func (m *Model) globalKey(ks string) (tea.Cmd, bool) {
	k := m.keys
	has := func(b key.Binding) bool {
		for _, x := range b.Keys() {
			if x == ks {
				return true
			}
		}
		return false
	}
	switch {
	case has(k.DebugContinue):
		return m.debugContinue(), true
	case has(k.RunNoDebug):
		return m.runNoDebug(), true
	case has(k.Stop):
		return m.stopProgram(), true
	case has(k.Next):
		return m.stepCmd("next", func(s Session) error { return s.Next(m.ctx) }), true
	case has(k.Step):
		return m.stepCmd("step", func(s Session) error { return s.Step(m.ctx) }), true
	case has(k.Finish):
		return m.stepCmd("finish", func(s Session) error { return s.Finish(m.ctx, m.scope()) }), true
	case has(k.RunToCursor):
		return m.runToCursor(), true
	case has(k.ToggleBreak):
		return m.toggleBreak(m.src.cursor), true
	case ks == "ctrl+q":
		return m.askQuit(), true
	case ks == "f1":
		m.card = cardHelp
		return nil, true
	case ks == "f6" && m.focus != paneProgram:
		m.cycleFocus(1)
		return nil, true
	}
	return nil, false
}

func (m *Model) askQuit() tea.Cmd {
	if m.liveProgram() {
		m.card = cardQuit
		return nil
	}
	return m.quit()
}

// debugContinue is F5: continue a stopped program, start one under the debugger otherwise.
func (m *Model) debugContinue() tea.Cmd {
	if m.debugMode && m.state == launcher.Stopped && m.dbg != nil {
		if m.blocked != nil && m.blocked.Stopped {
			m.card = cardBlocked // a blocked call must be answered first
			return nil
		}
		s := m.dbg
		return do(m.dbgID, "continue", func() error { return s.Continue(m.ctx) })
	}
	if m.debugMode && m.state == launcher.Running {
		m.say("The program is running. Ctrl+C pauses it, Shift+F5 stops it.")
		return nil
	}
	var cmds []tea.Cmd
	if !m.debugMode {
		// Leave run-without-debugging: its session ends; the debug session takes the pane.
		if m.run != nil {
			cmds = append(cmds, closeAll(m.run))
			m.run = nil
		}
		m.runID = -1
		m.debugMode = true
		if m.dbg != nil {
			s := m.dbg
			m.prog.setSink(func(b []byte) { _ = s.Input(b) })
			cmds = append(cmds, resizeCmd(s, m.prog.h, m.prog.w))
		}
	}
	m.exit = nil
	if m.card == cardExit {
		m.card = cardNone
	}
	m.prog.write([]byte("\x1b[0m\r\n\x1b[2m── debugging ──\x1b[0m\r\n"))
	cmds = append(cmds, m.scheduleFrame())
	if m.dbg != nil && m.dbgDead {
		cmds = append(cmds, closeAll(m.dbg))
		m.dbg, m.dbgPump = nil, nil
	}
	if m.dbg == nil {
		// A new debug session compiles, starts gdb and stops before main by itself.
		if !(m.starting && m.dbgID == m.nextID) {
			cmds = append(cmds, m.startSession(true))
		}
		return tea.Batch(cmds...)
	}
	s := m.dbg
	m.setState(launcher.Starting)
	cmds = append(cmds, do(m.dbgID, "run", func() error { return s.Run(m.ctx) }))
	return tea.Batch(cmds...)
}

// runNoDebug is Ctrl+F5 / Ctrl+R: run the program with the wrapper alone.
func (m *Model) runNoDebug() tea.Cmd {
	var cmds []tea.Cmd
	if m.debugMode && m.dbg != nil && m.liveProgram() {
		s := m.dbg
		cmds = append(cmds, do(m.dbgID, "kill", func() error { return s.Kill(m.ctx) }))
	}
	if m.run != nil {
		cmds = append(cmds, closeAll(m.run))
		m.run = nil
	}
	m.debugMode = false
	m.stop, m.exit, m.blocked = nil, nil, nil
	m.card = cardNone
	m.src.execAt = 0
	m.stack.clear("Run without debugging: no stack.")
	m.locals.clear("Run without debugging: no locals.")
	m.sbx.reset()
	m.prog.write([]byte("\x1b[0m\r\n\x1b[2m── running without debugging ──\x1b[0m\r\n"))
	m.setFocus(paneProgram)
	cmds = append(cmds, m.scheduleFrame(), m.startSession(false))
	return tea.Batch(cmds...)
}

func (m *Model) stopProgram() tea.Cmd {
	s, id := m.active()
	if s == nil || !m.liveProgram() {
		m.say("No program is running.")
		return nil
	}
	if m.debugMode {
		return do(id, "kill", func() error { return s.Kill(m.ctx) })
	}
	return do(id, "stop", s.Stop)
}

// stepCmd runs next/step/finish when the program is stopped under the debugger.
func (m *Model) stepCmd(what string, f func(Session) error) tea.Cmd {
	if !m.debugMode || m.dbg == nil || m.state != launcher.Stopped {
		m.say("%s needs a program stopped under the debugger (F5 starts one).", what)
		return nil
	}
	if m.blocked != nil && m.blocked.Stopped {
		m.card = cardBlocked
		return nil
	}
	s := m.dbg
	return do(m.dbgID, what, func() error { return f(s) })
}

func (m *Model) runToCursor() tea.Cmd {
	if m.src.file == nil || m.dbg == nil || !m.debugMode {
		m.say("Run to cursor needs a source line and the debugger (F5).")
		return nil
	}
	file, line := m.src.file.Path, m.src.cursor
	s := m.dbg
	switch m.state {
	case launcher.Stopped:
		return do(m.dbgID, "run to cursor", func() error { return s.Until(m.ctx, file, line) })
	case launcher.Running, launcher.Starting:
		return nil
	}
	m.setState(launcher.Starting)
	m.untilRun = true
	return do(m.dbgID, "run to cursor", func() error {
		if _, err := s.Console(m.ctx, m.scope(), fmt.Sprintf("tbreak %s:%d", file, line)); err != nil {
			return err
		}
		return s.Run(m.ctx)
	})
}

// toggleBreak sets or deletes the breakpoint on a line of the shown file.
func (m *Model) toggleBreak(line int) tea.Cmd {
	if m.src.file == nil || line <= 0 {
		m.say("No source line to put a breakpoint on.")
		return nil
	}
	if m.dbg == nil {
		m.say("Breakpoints need the debugger: press F5 first.")
		return nil
	}
	s := m.dbg
	path := m.src.file.Path
	if b, ok := bpAt(m.bps.list, path, line); ok {
		id := b.ID
		return do(m.dbgID, "delete breakpoint", func() error { return s.Delete(m.ctx, id) })
	}
	loc := fmt.Sprintf("%s:%d", path, line)
	return do(m.dbgID, "breakpoint", func() error { return s.Break(m.ctx, loc) })
}

func (m *Model) setFocus(p paneID) {
	m.focus = p
	m.touch(p)
	m.setState(m.state)
}

// cycleFocus moves focus to the next (d=1) or previous pane that exists in the layout.
func (m *Model) cycleFocus(d int) {
	p := m.focus
	for i := 0; i < int(numPanes); i++ {
		p = (p + paneID(d) + numPanes) % numPanes
		if p == paneLesson && m.opts.Lesson == "" {
			continue
		}
		if m.lay.TooSmall || m.lay.slotOf(p) >= 0 {
			break
		}
	}
	m.setFocus(p)
}

func (m *Model) cardKey(k tea.KeyPressMsg, ks string) tea.Cmd {
	switch m.card {
	case cardHelp:
		switch ks {
		case "esc", "?", "q", "enter", "f1":
			m.card = cardNone
			m.helpTop = 0
		case "up", "k":
			m.helpTop = max(m.helpTop-1, 0)
		case "down", "j":
			m.helpTop++
		case "pgup":
			m.helpTop = max(m.helpTop-10, 0)
		case "pgdown", "space":
			m.helpTop += 10
		}
	case cardQuit:
		switch ks {
		case "y", "enter", "q", "ctrl+q":
			m.card = cardNone
			return m.quit()
		case "n", "esc":
			m.card = cardNone
		}
	case cardExit:
		switch ks {
		case "enter", "esc", "space":
			m.card = cardNone
		case "q", "ctrl+q":
			m.card = cardNone
			return m.quit()
		default:
			card := m.card
			m.card = cardNone
			if c, ok := m.globalKey(ks); ok {
				return c
			}
			m.card = card
		}
	case cardBlocked:
		return m.blockedKey(ks)
	case cardFiles:
		switch ks {
		case "esc":
			m.card = cardNone
		case "up", "k":
			m.filesSel = max(m.filesSel-1, 0)
		case "down", "j":
			m.filesSel = min(m.filesSel+1, max(len(m.known)-1, 0))
		case "enter":
			m.card = cardNone
			if m.filesSel < len(m.known) {
				return m.openFile(m.known[m.filesSel], 0)
			}
		}
	}
	return nil
}

func (m *Model) blockedKey(ks string) tea.Cmd {
	if m.blocked == nil || m.dbg == nil {
		m.card = cardNone
		return nil
	}
	s := m.dbg
	switch ks {
	case "left", "h":
		m.errnoSel = (m.errnoSel + len(errnoChoices) - 1) % len(errnoChoices)
	case "right", "l", "tab":
		m.errnoSel = (m.errnoSel + 1) % len(errnoChoices)
	case "enter", "f5", "c":
		e := errnoChoices[m.errnoSel]
		m.card = cardNone
		m.blocked.Stopped = false
		m.say("continuing: %s fails with %s", m.blocked.Syscall, e.Name)
		return do(m.dbgID, "continue with "+e.Name, func() error {
			return s.ResolveBlocked(m.ctx, launcher.Verdict{Errno: e.Nr})
		})
	case "k":
		m.card = cardNone
		m.blocked.Stopped = false
		return do(m.dbgID, "let the sandbox kill it", func() error {
			return s.ResolveBlocked(m.ctx, launcher.Verdict{Kill: true})
		})
	case "esc":
		m.card = cardNone
	case "q", "ctrl+q":
		m.card = cardQuit
	}
	return nil
}

func (m *Model) promptKey(k tea.KeyPressMsg, ks string) tea.Cmd {
	p := &m.prompt
	switch ks {
	case "esc":
		p.kind = 0
		return nil
	case "enter":
		val := strings.TrimSpace(p.input.value())
		kind := p.kind
		p.kind = 0
		return m.submitPrompt(kind, val)
	}
	p.input.key(ks, k.Text)
	return nil
}

func (m *Model) submitPrompt(kind promptKind, val string) tea.Cmd {
	switch kind {
	case promptSearch:
		if val == "" {
			m.src.search = ""
			return nil
		}
		if !m.src.find(val, m.src.cursor) {
			m.say("%q not found", val)
		}
	case promptGoto:
		n, err := strconv.Atoi(val)
		if err != nil || n <= 0 {
			m.say("not a line number: %q", val)
			return nil
		}
		m.src.cursor = n
		m.src.center()
	case promptWatch:
		if val == "" {
			return nil
		}
		m.watch.add(val)
		if m.dbg != nil && m.state == launcher.Stopped {
			return evalWatch(m.ctx, m.dbg, m.dbgID, m.scope(), len(m.watch.items)-1, val)
		}
	case promptCondition:
		if m.dbg == nil {
			return nil
		}
		s, id := m.dbg, m.prompt.bpID
		return do(m.dbgID, "condition", func() error { return s.Condition(m.ctx, id, val) })
	}
	return nil
}

func (m *Model) openPrompt(kind promptKind, label, initial string) {
	m.prompt = promptState{kind: kind, label: label}
	m.prompt.input.set(initial)
}

func (m *Model) consoleKey(k tea.KeyPressMsg, ks string) tea.Cmd {
	c := &m.con
	switch ks {
	case "esc":
		c.editing = false
		return nil
	case "enter":
		cmd := strings.TrimSpace(c.input.value())
		c.input.set("")
		if cmd == "" {
			return nil
		}
		c.user(cmd)
		c.offset = 0
		if m.dbg == nil {
			c.add(launcher.ConsoleLog, "gdb is not running: press F5 to start the debugger.\n")
			return nil
		}
		return runConsole(m.ctx, m.dbg, m.dbgID, m.scope(), cmd)
	case "up":
		c.recall(-1)
		return nil
	case "down":
		c.recall(1)
		return nil
	case "pgup":
		c.scroll(5)
		return nil
	case "pgdown":
		c.scroll(-5)
		return nil
	case "tab", "shift+tab":
		c.editing = false
		if ks == "tab" {
			m.cycleFocus(1)
		} else {
			m.cycleFocus(-1)
		}
		return nil
	}
	if c2, ok := m.globalKey(ks); ok && strings.HasPrefix(ks, "f") && len(ks) > 1 {
		return c2 // F-keys still drive the program while typing
	}
	c.input.key(ks, k.Text)
	return nil
}

func (m *Model) onPaste(s string) tea.Cmd {
	switch {
	case m.prompt.kind != 0:
		m.prompt.input.key("", s)
	case m.con.editing:
		m.con.input.key("", s)
	case m.focus == paneProgram:
		m.prog.paste(s)
	}
	return nil
}

// openFile shows another source file (loading it when needed).
func (m *Model) openFile(path string, line int) tea.Cmd {
	if f, ok := m.files[path]; ok {
		m.src.show(f, line)
		m.src.execAt = 0
		if m.exec.path == path && m.stop != nil {
			m.src.execAt, m.src.execTop = m.exec.line, m.exec.top
		}
		return nil
	}
	if m.loading[path] {
		return nil
	}
	m.loading[path] = true
	return loadFile(path, max(line, 1))
}
