package tui

import (
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// A debug session compiles once; F5 after the program ended runs the same binary again. When
// the student edited a source since, F5 starts a new session instead, which compiles it.

// sourcesMsg answers whether a source changed since the build.
type sourcesMsg struct{ changed bool }

// sourcesChanged stats the sources in a command (I/O stays out of Update).
func sourcesChanged(srcs []string, since time.Time) tea.Cmd {
	return func() tea.Msg {
		for _, s := range srcs {
			if fi, err := os.Stat(s); err == nil && fi.ModTime().After(since) {
				return sourcesMsg{changed: true}
			}
		}
		return sourcesMsg{}
	}
}

// needsSourceCheck reports whether F5 must first ask whether the sources changed: a debug
// session that built the program is kept for another run.
func (m *Model) needsSourceCheck() bool {
	return !m.srcChecked && m.dbg != nil && !m.dbgDead && !m.builtAt.IsZero() &&
		len(m.cfg.AllSources()) > 0 && !(m.debugMode && m.liveProgram())
}

func (m *Model) onSources(msg sourcesMsg) tea.Cmd {
	if msg.changed {
		m.dbgDead = true // debugContinue replaces the session: a new one compiles
		m.say("A source changed: building it again.")
	}
	m.srcChecked = true
	defer func() { m.srcChecked = false }()
	return m.debugContinue()
}

// built records when the program was built (a CompileEvent that succeeded).
func (m *Model) built(ev launcher.CompileEvent) {
	if ev.OK {
		m.builtAt = m.now()
	}
}
