package tui

import (
	"strings"
	"testing"

	"github.com/sandbug/sandbug/launcher"
)

// A stop in another process under the debugger (--follow-forks all) names it in the status
// line; P shows the next process (its thread's source, stack and locals), and says when there
// is no other one.
func TestSwitchProcessKey(t *testing.T) {
	hs := scene(t, 160, 48, Options{})
	sampleViews(t, hs.dbg)
	hs.dbg.mu.Lock()
	hs.dbg.views.procs = []launcher.Process{
		{Group: "i1", Pid: 4242, Main: true, Command: "./demo", Thread: 1},
		{Group: "i2", Pid: 4250, Parent: 4242, Command: "./demo", Thread: 2, Shown: true},
		{Group: "i3", Pid: 4260, Parent: 4242, Exited: true, HasCode: true, Code: 1},
	}
	hs.dbg.mu.Unlock()
	st := sceneStop(t)
	st.Stop.Thread, st.Stop.Pid, st.Stop.OtherProcess = 2, 4250, true
	hs.events(launcher.StateEvent{State: launcher.Running}, st)
	if scr := hs.screen(); !strings.Contains(scr, "in process 4250") {
		t.Fatalf("the status line does not name the process:\n%s", scr)
	}
	hs.key("P")
	if !hs.dbg.has("Processes") || !hs.dbg.has("SelectThread(1)") || hs.m.scope().Thread != 1 {
		t.Fatalf("P: scope %+v; calls %v", hs.m.scope(), hs.dbg.Calls())
	}
	if !strings.Contains(hs.m.msg, "process 4242") || !hs.dbg.has("Registers(1,0)") {
		t.Fatalf("P: msg %q; calls %v", hs.m.msg, hs.dbg.Calls())
	}
	// Only the program is left: P says so and selects nothing.
	hs.dbg.mu.Lock()
	hs.dbg.views.procs = hs.dbg.views.procs[:1]
	hs.dbg.views.procs[0].Shown = true
	hs.dbg.calls = nil
	hs.dbg.mu.Unlock()
	hs.key("P")
	if hs.dbg.has("SelectThread(1)") || !strings.Contains(hs.m.msg, "no other process") {
		t.Fatalf("P alone: msg %q; calls %v", hs.m.msg, hs.dbg.Calls())
	}
}

func TestPickProcess(t *testing.T) {
	ps := []launcher.Process{
		{Pid: 10, Main: true, Thread: 1, Shown: true},
		{Pid: 11, Thread: 2},
		{Pid: 12, Exited: true},
		{Pid: 13, Thread: 4},
	}
	for _, tc := range []struct{ pid, want int }{{0, 11}, {13, 13}, {10, 10}} {
		if p, err := pickProcess(ps, tc.pid); err != nil || p.Pid != tc.want {
			t.Errorf("pick %d: %+v %v, want %d", tc.pid, p, err, tc.want)
		}
	}
	if _, err := pickProcess(ps, 12); err == nil {
		t.Error("an exited process was picked")
	}
	ps[0].Shown, ps[3].Shown = false, true
	if p, _ := pickProcess(ps, 0); p.Pid != 10 {
		t.Errorf("after the last: %d, want the program", p.Pid)
	}
}

// Enter on a process in the Processes view shows it when every process is under the debugger.
func TestProcessesEnterShowsProcess(t *testing.T) {
	hs := scene(t, 160, 48, Options{})
	hs.m.cfg.FollowForks = launcher.FollowAll
	sampleViews(t, hs.dbg)
	hs.dbg.mu.Lock()
	hs.dbg.views.procs = []launcher.Process{
		{Group: "i1", Pid: 4242, Main: true, Thread: 1, Shown: true},
		{Group: "i2", Pid: 4250, Parent: 4242, Thread: 2},
	}
	hs.dbg.mu.Unlock()
	hs.events(launcher.StateEvent{State: launcher.Running}, sceneStop(t))
	hs.m.setFocus(paneProcs)
	hs.m.procs.sel = 4250
	hs.key("enter")
	if !hs.dbg.has("SelectThread(2)") || hs.m.scope().Thread != 2 || !strings.Contains(hs.m.msg, "process 4250") {
		t.Fatalf("Enter on 4250: scope %+v msg %q; calls %v", hs.m.scope(), hs.m.msg, hs.dbg.Calls())
	}
}
