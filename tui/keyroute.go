package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/sandbug/sandbug/launcher"
)

// onKey routes one key (the key model is written down on KeyMap and in the README): cards,
// prompts and the console line first; then the global keys; then the program, while it runs
// and either the Program pane has focus or it waits for input; then focus, tabs, the gdb
// letters and the focused pane. A key nobody takes says why in the status line.
func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	if m.card != cardNone {
		return m.cardKey(k)
	}
	if m.prompt.kind != 0 {
		return m.promptKey(k)
	}
	if m.con.editing {
		return m.consoleKey(k)
	}
	if c, ok := m.globalKey(k, m.globals()); ok {
		return c
	}
	km := m.keys
	switch {
	case key.Matches(k, km.FocusNext):
		m.cycleFocus(1)
		return nil
	case key.Matches(k, km.FocusPrev):
		m.cycleFocus(-1)
		return nil
	}
	if m.programTakes(k) {
		return m.programKey(k)
	}
	switch {
	case key.Matches(k, km.LeaveProgram):
		m.cycleFocus(1)
		return nil
	case key.Matches(k, km.NextTab), key.Matches(k, km.PrevTab):
		d := 1
		if key.Matches(k, km.PrevTab) {
			d = -1
		}
		if !m.cycleTab(d) {
			m.say("The %s pane has no other tab: Tab moves to the next pane.", m.focus)
			return nil
		}
		return m.showView(m.focus)
	case key.Matches(k, km.Console):
		m.setFocus(paneConsole)
		m.con.editing = true
		m.con.input.set("")
		return nil
	case key.Matches(k, km.Help):
		m.card = cardHelp
		return nil
	case key.Matches(k, km.Processes):
		return m.toggleProcs()
	case key.Matches(k, km.Quit):
		return m.askQuit()
	case key.Matches(k, km.Interrupt):
		if m.debugMode && m.state == launcher.Running && m.dbg != nil {
			s := m.dbg
			return do(m.dbgID, "interrupt", func() error { return s.Interrupt(m.ctx) })
		}
		m.say("Ctrl+C goes to the program in the Program pane; Shift+F5 or Ctrl+X stops it; q quits.")
		return nil
	}
	// The Stack pane's u and d move its own selection (the same frames).
	if m.focus != paneStack {
		if c, ok := m.globalKey(k, m.letters()); ok {
			return c
		}
	}
	if c, ok := m.paneKey(k); ok {
		return c
	}
	m.unusedKey(k)
	return nil
}

// programTakes reports whether k goes to the program: only while it runs, in the Program pane,
// or from any pane when it waits for input and k is typing (text, Enter, Backspace, Ctrl+D).
func (m *Model) programTakes(k tea.KeyPressMsg) bool {
	if m.state != launcher.Running {
		return false
	}
	if m.focus == paneProgram {
		return true
	}
	return m.waitInput && isTyping(k)
}

func isTyping(k tea.KeyPressMsg) bool {
	if k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
		return true
	}
	switch k.String() {
	case "enter", "backspace", "ctrl+d", "space":
		return true
	}
	return false
}

// programKey types k into the program; Shift+arrows and Shift+PgUp/PgDn scroll its scrollback,
// like a terminal, and Ctrl+O leaves the pane.
func (m *Model) programKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.keys
	switch {
	case key.Matches(k, km.LeaveProgram):
		m.cycleFocus(1)
		return nil
	case key.Matches(k, km.ScrollBackUp):
		m.prog.scroll(1)
		return nil
	case key.Matches(k, km.ScrollBackDown):
		m.prog.scroll(-1)
		return nil
	case key.Matches(k, km.ScrollBackPageUp):
		m.prog.scroll(m.prog.h)
		return nil
	case key.Matches(k, km.ScrollBackPageDown):
		m.prog.scroll(-m.prog.h)
		return nil
	}
	m.prog.live()
	m.prog.key(uv.KeyPressEvent(uv.Key(k)))
	return nil
}

// globalBinding is one key that works in every pane, the Program pane included.
type globalBinding struct {
	b   *key.Binding
	do  func(m *Model) tea.Cmd
	why string // what it needs, said when the binding is disabled now
}

// needsStop says why a stepping key does nothing now.
func (m *Model) needsStop() string {
	if m.state == launcher.Running && m.debugMode {
		return "needs the program stopped: it is running (Ctrl+C pauses it)"
	}
	return "needs a program stopped under the debugger (F5 starts one)"
}

// globals lists the global bindings in the order they are tried.
func (m *Model) globals() []globalBinding {
	k := &m.keys
	stopped := m.needsStop()
	return []globalBinding{
		{&k.DebugContinue, (*Model).debugContinue, ""},
		{&k.RunNoDebug, (*Model).runNoDebug, ""},
		{&k.Stop, (*Model).stopProgram, "needs a running program"},
		{&k.Restart, (*Model).restart, "needs a program to restart (F5 debugs it, Ctrl+R runs it)"},
		{&k.Next, func(m *Model) tea.Cmd {
			return m.stepCmd("next", func(s Session) error { return s.Next(m.ctx) })
		}, stopped},
		{&k.Step, func(m *Model) tea.Cmd {
			return m.stepCmd("step", func(s Session) error { return s.Step(m.ctx) })
		}, stopped},
		{&k.Finish, func(m *Model) tea.Cmd {
			return m.stepCmd("finish", func(s Session) error { return s.Finish(m.ctx, m.scope()) })
		}, stopped},
		{&k.RunToCursor, (*Model).runToCursor, "needs the debugger and a program that is not running"},
		{&k.ToggleBreak, func(m *Model) tea.Cmd { return m.toggleBreak(m.src.cursor) }, ""},
		{&k.QuitAnywhere, (*Model).askQuit, ""},
		{&k.HelpAnywhere, func(m *Model) tea.Cmd { m.card = cardHelp; return nil }, ""},
		{&k.NextPaneAnywhere, func(m *Model) tea.Cmd { m.cycleFocus(1); return nil }, ""},
	}
}

// letters lists the gdb letters: in every pane but the program's own typing.
func (m *Model) letters() []globalBinding {
	k := &m.keys
	stopped := m.needsStop()
	frame := func(d int) func(m *Model) tea.Cmd {
		return func(m *Model) tea.Cmd {
			if m.stack.stepFrame(d) {
				return tea.Batch(m.selectFrame(), m.stackArgs())
			}
			return nil
		}
	}
	return []globalBinding{
		{&k.LetterRun, func(m *Model) tea.Cmd {
			if m.state == launcher.Stopped && m.debugMode {
				m.say("Already running under the debugger: c continues, Shift+F5 stops.")
				return nil
			}
			return m.debugContinue()
		}, "needs a program that is not running (Ctrl+C pauses it)"},
		{&k.LetterContinue, (*Model).debugContinue, stopped},
		{&k.LetterNext, func(m *Model) tea.Cmd {
			return m.stepCmd("next", func(s Session) error { return s.Next(m.ctx) })
		}, stopped},
		{&k.LetterStep, func(m *Model) tea.Cmd {
			return m.stepCmd("step", func(s Session) error { return s.Step(m.ctx) })
		}, stopped},
		{&k.LetterFinish, func(m *Model) tea.Cmd {
			return m.stepCmd("finish", func(s Session) error { return s.Finish(m.ctx, m.scope()) })
		}, stopped},
		{&k.LetterBreak, func(m *Model) tea.Cmd { return m.toggleBreak(m.src.cursor) }, ""},
		{&k.LetterUntil, (*Model).runToCursor, "needs the debugger and a program that is not running"},
		{&k.FrameUp, frame(1), stopped},
		{&k.FrameDown, frame(-1), stopped},
		{&k.StepInsn, func(m *Model) tea.Cmd { return m.stepInsn(false) }, stopped},
		{&k.NextInsn, func(m *Model) tea.Cmd { return m.stepInsn(true) }, stopped},
		{&k.SwitchProcess, func(m *Model) tea.Cmd { return m.switchProcess(0) }, stopped},
		{&k.LetterRestart, (*Model).restart, "needs a program to restart (F5 debugs it, Ctrl+R runs it)"},
		{&k.Record, (*Model).toggleRecording, "needs a program stopped under the debugger (F5 starts one)"},
		{&k.ReverseNext, func(m *Model) tea.Cmd {
			return m.stepCmd("reverse next", func(s Session) error { return s.ReverseNext(m.ctx) })
		}, m.needsRecording()},
		{&k.ReverseStep, func(m *Model) tea.Cmd {
			return m.stepCmd("reverse step", func(s Session) error { return s.ReverseStep(m.ctx) })
		}, m.needsRecording()},
		{&k.ReverseFinish, func(m *Model) tea.Cmd {
			return m.stepCmd("reverse finish", func(s Session) error { return s.ReverseFinish(m.ctx) })
		}, m.needsRecording()},
		{&k.ReverseContinue, func(m *Model) tea.Cmd {
			return m.stepCmd("reverse continue", func(s Session) error { return s.ReverseContinue(m.ctx) })
		}, m.needsRecording()},
	}
}

// globalKey runs the first binding of gs that matches k. A binding disabled now (applyState)
// does nothing but say why: it never reaches the program as an escape sequence either.
func (m *Model) globalKey(k tea.KeyPressMsg, gs []globalBinding) (tea.Cmd, bool) {
	for _, g := range gs {
		if key.Matches(k, *g.b) {
			return g.do(m), true
		}
	}
	for _, g := range gs {
		if g.b.Enabled() {
			continue
		}
		on := *g.b
		on.SetEnabled(true)
		if key.Matches(k, on) {
			h := g.b.Help()
			m.say("%s (%s) %s.", h.Key, h.Desc, g.why)
			return nil, true
		}
	}
	return nil, false
}

// unusedKey says why a key did nothing.
func (m *Model) unusedKey(k tea.KeyPressMsg) {
	switch {
	case m.focus == paneProgram && m.state == launcher.Stopped && isTyping(k):
		m.say("The program is stopped, so typing does not reach it: c or F5 continues.")
	case m.focus == paneProgram && !m.liveProgram() && isTyping(k):
		m.say("The program is not running: F5 debugs it, Ctrl+R runs it.")
	default:
		m.say("%s does nothing in the %s pane (? lists the keys).", k.String(), m.focus)
	}
}
