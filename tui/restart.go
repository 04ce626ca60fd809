package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// restart is R / Ctrl+Shift+F5 (VS Code's restart): a debug session kills its program and runs
// it again on the same gdb, so breakpoints and watches stay; it stops before main as a first run
// does. Without the debugger the run starts again. The Program pane gets a separator line and
// the status line counts the restarts until the new run's first stop.
func (m *Model) restart() tea.Cmd {
	if m.debugMode {
		if m.dbg == nil || m.dbgDead || !m.liveProgram() {
			m.say("Nothing to restart: the program is not running (F5 debugs it, Ctrl+R runs it).")
			return nil
		}
		m.noteRestart()
		m.restartKill = true
		m.exit, m.stop, m.blocked = nil, nil, nil
		if m.card == cardExit || m.card == cardBlocked {
			m.card = cardNone
		}
		m.setState(launcher.Starting)
		s := m.dbg
		return tea.Batch(m.scheduleFrame(), do(m.dbgID, "restart", func() error { return s.Run(m.ctx) }))
	}
	if m.run == nil {
		m.say("Nothing to restart: the program has not run (F5 debugs it, Ctrl+R runs it).")
		return nil
	}
	m.noteRestart()
	return m.runNoDebugAs("restarted")
}

// noteRestart counts a restart, draws the separator and says so in the status line.
func (m *Model) noteRestart() {
	m.restarts++
	m.restarting = true
	m.prog.write([]byte("\x1b[0m\r\n\x1b[2m── restarted ──\x1b[0m\r\n"))
	m.say("Restarted (%d)", m.restarts)
}
