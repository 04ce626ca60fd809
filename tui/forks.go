package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// procSelMsg: the process pid (its gdb thread) is now the one the screen shows.
type procSelMsg struct {
	sid, pid, thread int
	frame            launcher.Frame
	err              error
}

// switchProcess shows the process pid, one under the debugger (--follow-forks all): its source,
// stack and locals. pid 0 is the next live process after the one shown (P).
func (m *Model) switchProcess(pid int) tea.Cmd {
	if !m.viewsReady() {
		m.say("P needs a program stopped under the debugger.")
		return nil
	}
	s, sid, ctx := m.dbg, m.dbgID, m.ctx
	return func() tea.Msg {
		ps, err := s.Processes(ctx)
		if err != nil {
			return procSelMsg{sid: sid, err: err}
		}
		p, err := pickProcess(ps, pid)
		if err != nil {
			return procSelMsg{sid: sid, err: err}
		}
		f, err := s.SelectThread(ctx, p.Thread)
		if err != nil {
			err = fmt.Errorf("process %d: %w", p.Pid, err)
		}
		return procSelMsg{sid: sid, pid: p.Pid, thread: p.Thread, frame: f, err: err}
	}
}

// pickProcess chooses the live process pid among ps, or with pid 0 the one after the shown one.
func pickProcess(ps []launcher.Process, pid int) (launcher.Process, error) {
	var live []launcher.Process
	shown := -1
	for _, p := range ps {
		if p.Exited || p.Thread == 0 {
			continue
		}
		if p.Shown {
			shown = len(live)
		}
		live = append(live, p)
		if pid != 0 && p.Pid == pid {
			return p, nil
		}
	}
	switch {
	case pid != 0:
		return launcher.Process{}, fmt.Errorf("process %d is not under the debugger (--follow-forks all keeps every process)", pid)
	case len(live) < 2:
		return launcher.Process{}, fmt.Errorf("no other process is under the debugger (--follow-forks all keeps every process)")
	}
	return live[(shown+1)%len(live)], nil
}
