package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/launcher/proctree"
)

// procInterval is the pause between two refreshes of the Processes view while the program
// runs: with the refresh itself (a few ms, 20 at worst) under half a second, so at least
// twice a second (issue 16) and not more, the rate the cost goal is set at. A refresh reads
// /proc only: it never stops or traces the program.
const procInterval = 480 * time.Millisecond

// procsMsg carries one snapshot of the program's processes (read in a command).
type procsMsg struct {
	root int
	tree *proctree.Tree
}

// procTickMsg asks for the next refresh while the program runs.
type procTickMsg struct{ root int }

// followProcs starts the Processes view on a new program (its pid from the sandbox's hello).
func (m *Model) followProcs(pid int) tea.Cmd {
	if pid <= 0 || pid == m.procs.root {
		return nil
	}
	m.procs.reset(pid)
	m.procR = nil
	if m.procNew != nil {
		m.procR = m.procNew(pid)
	}
	m.procBusy, m.procDue, m.procTick = false, false, false
	return m.refreshProcs()
}

// refreshProcs reads the processes in a command; one refresh at a time (the Refresher keeps
// caches), a request made meanwhile runs when the current one is done.
func (m *Model) refreshProcs() tea.Cmd {
	if m.procR == nil {
		return nil
	}
	if m.procBusy {
		m.procDue = true
		return nil
	}
	m.procBusy, m.procDue = true, false
	r, root, focus := m.procR, m.procs.root, m.procs.selectedPid()
	return func() tea.Msg { return procsMsg{root: root, tree: r.Refresh(focus, true)} }
}

// onProcs shows a snapshot and, while the program runs, schedules the next one.
func (m *Model) onProcs(msg procsMsg) (tea.Cmd, bool) {
	if msg.root != m.procs.root {
		return nil, false // a replaced program's
	}
	m.procBusy = false
	m.procs.set(msg.tree)
	var cmds []tea.Cmd
	if m.procDue {
		cmds = append(cmds, m.refreshProcs())
	}
	cmds = append(cmds, m.procTicker())
	return tea.Batch(cmds...), m.slotShows(paneProcs)
}

// procTicker schedules the next refresh while the program runs (one tick at a time).
func (m *Model) procTicker() tea.Cmd {
	if m.procTick || m.state != launcher.Running || m.procR == nil {
		return nil
	}
	m.procTick = true
	root := m.procs.root
	return tea.Tick(procInterval, func(time.Time) tea.Msg { return procTickMsg{root: root} })
}

func (m *Model) onProcTick(msg procTickMsg) (tea.Cmd, bool) {
	m.procTick = false
	if msg.root != m.procs.root || m.state != launcher.Running {
		return nil, false
	}
	return m.refreshProcs(), false
}

// procsEnded records how the program ended and takes the last picture: every process it left
// is gone by now (the launcher kills what remains of the tree).
func (m *Model) procsEnded(st launcher.ExitStatus) tea.Cmd {
	m.procs.rootExit = &st
	if m.procR == nil {
		return nil
	}
	return m.refreshProcs()
}

// toggleProcs shows the Processes view, or goes back to the source from it.
func (m *Model) toggleProcs() tea.Cmd {
	if m.focus == paneProcs {
		m.setFocus(paneSource)
		return nil
	}
	m.setFocus(paneProcs)
	return m.refreshProcs()
}
