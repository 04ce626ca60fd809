package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/sandbug/sandbug/launcher"
)

// Reverse stepping: v starts gdb's record full while the program is stopped; while it records,
// N, S, F and C go back (reverse next, step, finish, continue) and the status line says
// "recording".

// needsRecording says why a reverse key does nothing now.
func (m *Model) needsRecording() string {
	if m.state == launcher.Stopped && m.debugMode {
		return "works while recording: v starts it"
	}
	return m.needsStop()
}

// toggleRecording starts or stops gdb's record full (v).
func (m *Model) toggleRecording() tea.Cmd {
	on := !m.recording
	what := "record"
	if !on {
		what = "stop recording"
	}
	return m.stepCmd(what, func(s Session) error { return s.SetRecording(m.ctx, on) })
}

// onRecordEvent follows gdb's recording: the reverse keys, the status line, and one clear
// line when gdb gave up recording (an instruction or call it cannot record).
func (m *Model) onRecordEvent(ev launcher.RecordEvent) bool {
	m.recording = ev.On
	m.setState(m.state) // the reverse keys follow
	switch {
	case ev.On:
		m.con.add(launcher.ConsoleOutput, "recording: N S F C step back (reverse next, step, finish, continue); v stops")
		m.say("Recording: every instruction is logged (slower); N, S, F, C go back.")
	case ev.Reason != "":
		m.con.add(launcher.ConsoleOutput, ev.Reason)
		m.fail("%s", ev.Reason)
	default:
		m.say("Recording stopped.")
	}
	return true
}
