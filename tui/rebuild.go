package tui

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// A debug session compiles once; F5 after the program ended runs the same binary again. When
// the student edited a source since (with --make: a source, header or the Makefile in make's
// folder), F5 starts a new session instead, which builds it again.

// sourcesMsg answers whether a source changed since the build.
type sourcesMsg struct{ changed bool }

// sourcesChanged stats the build's inputs in a command (I/O stays out of Update).
func sourcesChanged(cfg launcher.Config, since time.Time) tea.Cmd {
	return func() tea.Msg {
		for _, s := range buildInputs(cfg) {
			if fi, err := os.Stat(s); err == nil && fi.ModTime().After(since) {
				return sourcesMsg{changed: true}
			}
		}
		return sourcesMsg{}
	}
}

// buildInputs lists the files a build reads: the sources, or with --make the Makefile and the
// C/C++ sources and headers in make's folder.
func buildInputs(cfg launcher.Config) []string {
	if cfg.Make == nil {
		return cfg.AllSources()
	}
	var files []string
	for _, pat := range []string{"GNUmakefile", "[Mm]akefile", "*.c", "*.h", "*.cc", "*.cpp", "*.cxx", "*.hpp"} {
		m, _ := filepath.Glob(filepath.Join(cfg.Make.Dir, pat))
		files = append(files, m...)
	}
	return files
}

// needsSourceCheck reports whether F5 must first ask whether the sources changed: a debug
// session that built the program is kept for another run.
func (m *Model) needsSourceCheck() bool {
	return !m.srcChecked && m.dbg != nil && !m.dbgDead && !m.builtAt.IsZero() &&
		(len(m.cfg.AllSources()) > 0 || m.cfg.Make != nil) && !(m.debugMode && m.liveProgram())
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

// onCompile shows a build's result: the command and its messages in the console, what went
// wrong (or that the program has no debug information) in the status line.
func (m *Model) onCompile(ev launcher.CompileEvent, sid int) {
	// A new build: the sources may have changed since they were shown.
	clear(m.files)
	m.src.diag = nil
	m.compileDir = ev.Dir
	if sid == m.dbgID {
		m.built(ev)
	}
	if ev.Command != "" {
		m.con.add(launcher.ConsoleCommand, ev.Command)
	}
	if ev.Output != "" {
		m.con.add(launcher.ConsoleLog, strings.TrimRight(ev.Output, "\n")+"\n")
	}
	if ev.OK && ev.NoDebugInfo {
		m.fail("No debug info: see the console.")
	}
	if !ev.OK {
		m.fail("compilation failed")
		if d, ok := launcher.FirstError(ev.Output); ok {
			m.fail("compilation failed at %s:%d: %s", filepath.Base(d.File), d.Line, d.Text)
		}
	}
}
