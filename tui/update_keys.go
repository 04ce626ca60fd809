package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// promptKind says what a one-line prompt asks for.
type promptKind int

const (
	promptSearch promptKind = iota + 1
	promptGoto
	promptWatch
	promptCondition
	promptOutputSearch
	promptArray
	promptMemory
)

type promptState struct {
	kind  promptKind
	label string
	input lineInput
	bpID  string
	// promptArray: the pointer, as an expression of the frame or a Locals varobj.
	expr, varobj string
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
	if m.needsSourceCheck() {
		return sourcesChanged(m.cfg, m.builtAt)
	}
	var cmds []tea.Cmd
	if !m.debugMode {
		// Leave run-without-debugging: its session ends; the debug session takes the pane.
		if m.run != nil {
			cmds = append(cmds, closeQuiet(m.run))
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
		cmds = append(cmds, closeQuiet(m.dbg))
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
func (m *Model) runNoDebug() tea.Cmd { return m.runNoDebugAs("running without debugging") }

// runNoDebugAs runs the program without the debugger, under a separator line saying banner.
func (m *Model) runNoDebugAs(banner string) tea.Cmd {
	var cmds []tea.Cmd
	if m.debugMode && m.dbg != nil && m.liveProgram() {
		s := m.dbg
		cmds = append(cmds, do(m.dbgID, "kill", func() error { return s.Kill(m.ctx) }))
	}
	if m.run != nil {
		cmds = append(cmds, closeQuiet(m.run))
		m.run = nil
	}
	m.debugMode = false
	m.stop, m.exit, m.blocked = nil, nil, nil
	m.card = cardNone
	m.src.execAt = 0
	m.stack.clear("Run without debugging: no stack.")
	m.locals.clear("Run without debugging: no locals.")
	m.sbx.reset()
	m.prog.write([]byte("\x1b[0m\r\n\x1b[2m── " + banner + " ──\x1b[0m\r\n"))
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

// cycleFocus moves focus to the pane shown in the next (d=1) or previous slot: Tab moves
// between panes only, never to a hidden tab of the same slot (] and [ do that, cycleTab).
func (m *Model) cycleFocus(d int) {
	n := len(m.lay.Slots)
	if m.lay.TooSmall || n == 0 {
		return
	}
	i := m.lay.slotOf(m.focus)
	if i < 0 {
		i = 0
	} else {
		i = (i + d + n) % n
	}
	m.setFocus(m.visible(m.lay.Slots[i]))
}

// cycleTab shows the next (d=1) or previous tab of the focused pane's slot and focuses it.
func (m *Model) cycleTab(d int) bool {
	i := m.lay.slotOf(m.focus)
	if m.lay.TooSmall || i < 0 || len(m.lay.Slots[i].Panes) < 2 {
		return false
	}
	ps := m.lay.Slots[i].Panes
	j := 0
	for k, p := range ps {
		if p == m.focus {
			j = k
		}
	}
	m.setFocus(ps[(j+d+len(ps))%len(ps)])
	return true
}

func (m *Model) cardKey(k tea.KeyPressMsg) tea.Cmd {
	dk := &m.keys.Dialogs
	switch m.card {
	case cardHelp:
		km := dk.Help
		switch {
		case key.Matches(k, km.Close):
			m.card = cardNone
			m.helpTop = 0
		case key.Matches(k, km.Up):
			m.helpTop = max(m.helpTop-1, 0)
		case key.Matches(k, km.Down):
			m.helpTop++
		case key.Matches(k, km.PageUp):
			m.helpTop = max(m.helpTop-10, 0)
		case key.Matches(k, km.PageDown):
			m.helpTop += 10
		}
	case cardQuit:
		switch {
		case key.Matches(k, dk.Quit.Yes):
			m.card = cardNone
			return m.quit()
		case key.Matches(k, dk.Quit.No):
			m.card = cardNone
		}
	case cardExit:
		switch {
		case key.Matches(k, dk.Exit.Close):
			m.card = cardNone
		case key.Matches(k, dk.Exit.Quit):
			m.card = cardNone
			return m.quit()
		default:
			card := m.card
			m.card = cardNone
			if c, ok := m.globalKey(k, m.globals()); ok {
				return c
			}
			m.card = card
		}
	case cardBlocked:
		return m.blockedKey(k)
	case cardFiles:
		km := dk.Files
		switch {
		case key.Matches(k, km.Close):
			m.card = cardNone
		case key.Matches(k, km.Up):
			m.filesSel = max(m.filesSel-1, 0)
		case key.Matches(k, km.Down):
			m.filesSel = min(m.filesSel+1, max(len(m.known)-1, 0))
		case key.Matches(k, km.Open):
			m.card = cardNone
			if m.filesSel < len(m.known) {
				return m.openFile(m.known[m.filesSel], 0)
			}
		}
	}
	return nil
}

func (m *Model) blockedKey(k tea.KeyPressMsg) tea.Cmd {
	if m.blocked == nil || m.dbg == nil {
		m.card = cardNone
		return nil
	}
	s := m.dbg
	km := m.keys.Dialogs.Blocked
	switch {
	case key.Matches(k, km.Prev):
		m.errnoSel = (m.errnoSel + len(errnoChoices) - 1) % len(errnoChoices)
	case key.Matches(k, km.Next):
		m.errnoSel = (m.errnoSel + 1) % len(errnoChoices)
	case key.Matches(k, km.Continue):
		e := errnoChoices[m.errnoSel]
		m.card = cardNone
		m.blocked.Stopped = false
		m.say("continuing: %s fails with %s", m.blocked.Syscall, e.Name)
		return do(m.dbgID, "continue with "+e.Name, func() error {
			return s.ResolveBlocked(m.ctx, launcher.Verdict{Errno: e.Nr})
		})
	case key.Matches(k, km.Kill):
		m.card = cardNone
		m.blocked.Stopped = false
		return do(m.dbgID, "let the sandbox kill it", func() error {
			return s.ResolveBlocked(m.ctx, launcher.Verdict{Kill: true})
		})
	case key.Matches(k, km.Close):
		m.card = cardNone
	case key.Matches(k, km.Quit):
		m.card = cardQuit
	}
	return nil
}

func (m *Model) promptKey(k tea.KeyPressMsg) tea.Cmd {
	p := &m.prompt
	km := m.keys.Dialogs.Prompt
	switch {
	case key.Matches(k, km.Cancel):
		p.kind = 0
		return nil
	case key.Matches(k, km.Submit):
		val := strings.TrimSpace(p.input.value())
		kind := p.kind
		p.kind = 0
		return m.submitPrompt(kind, val)
	}
	p.input.key(k, m.keys.Dialogs.Edit)
	return nil
}

func (m *Model) submitPrompt(kind promptKind, val string) tea.Cmd {
	switch kind {
	case promptArray:
		return m.submitArray(val)
	case promptMemory:
		return m.submitMemory(strings.TrimSpace(val))
	case promptSearch:
		if val == "" {
			m.src.search = ""
			return nil
		}
		if !m.src.find(val, m.src.cursor) {
			m.say("%q not found", val)
		}
	case promptOutputSearch:
		if val != "" && !m.prog.find(val) {
			m.say("%q not found in the program's output", val)
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

func (m *Model) consoleKey(k tea.KeyPressMsg) tea.Cmd {
	c := &m.con
	km := m.keys.Dialogs.Console
	switch {
	case key.Matches(k, km.Leave):
		c.editing = false
		return nil
	case key.Matches(k, km.Run):
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
	case key.Matches(k, km.Older):
		c.recall(-1)
		return nil
	case key.Matches(k, km.Newer):
		c.recall(1)
		return nil
	case key.Matches(k, km.PageUp):
		c.scroll(5)
		return nil
	case key.Matches(k, km.PageDown):
		c.scroll(-5)
		return nil
	case key.Matches(k, km.FocusNext):
		c.editing = false
		m.cycleFocus(1)
		return nil
	case key.Matches(k, km.FocusPrev):
		c.editing = false
		m.cycleFocus(-1)
		return nil
	case key.Matches(k, km.FKeys):
		if c2, ok := m.globalKey(k, m.globals()); ok {
			return c2 // F-keys still drive the program while typing
		}
	}
	c.input.key(k, m.keys.Dialogs.Edit)
	return nil
}

func (m *Model) onPaste(s string) tea.Cmd {
	switch {
	case m.prompt.kind != 0:
		m.prompt.input.insert(s)
	case m.con.editing:
		m.con.input.insert(s)
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
