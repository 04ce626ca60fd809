package tui

import (
	"strings"
	"testing"

	"github.com/sandbug/sandbug/launcher"
)

// The student's first breakpoint is number 1, in the Breakpoints pane and in the status line,
// although gdb numbered it 2 (the launcher's temporary breakpoint at main took 1).
func TestFirstBreakpointIsNumberOne(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	path := demoPath(t)
	hs.events(launcher.BreakpointsEvent{List: []launcher.Breakpoint{{ID: "1", Temp: true, Enabled: true, Func: "main", File: "demo.c", FullName: path, Line: 13}}},
		launcher.BreakpointsEvent{List: []launcher.Breakpoint{{ID: "2", Enabled: true, Func: "square", File: "demo.c", FullName: path, Line: 9}}},
		launcher.BreakpointsEvent{List: []launcher.Breakpoint{
			{ID: "2", Enabled: true, Func: "square", File: "demo.c", FullName: path, Line: 9},
			{ID: "3", Enabled: true, Func: "main", File: "demo.c", FullName: path, Line: 17}}},
		launcher.StateEvent{State: launcher.Running})
	fr := launcher.Frame{Func: "square", File: "demo.c", FullName: path, Line: 9}
	hs.events(launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: launcher.StopBreakpointHit, Frame: fr, Source: fr, BkptNo: 2}})
	if s := hs.m.statusLine(); !strings.Contains(s, "stopped at breakpoint 1 at demo.c:9") {
		t.Errorf("status line: %q", s)
	}
	body := strings.Join(hs.m.bps.view(&hs.m.st, 50, 5, false), "\n")
	if !strings.Contains(body, "1 demo.c:9 in square()") || !strings.Contains(body, "2 demo.c:17 in main()") {
		t.Errorf("Breakpoints pane:\n%s", body)
	}
}
