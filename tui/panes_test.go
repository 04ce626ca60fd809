package tui

import (
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

func TestBreakpointsPane(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.BreakpointsEvent{List: []launcher.Breakpoint{
		{ID: "1", Enabled: true, File: "demo.c", FullName: demoPath(t), Line: 9, Func: "square"},
		{ID: "2", Enabled: false, File: "demo.c", FullName: demoPath(t), Line: 17, Func: "main", Cond: "i == 2"},
	}})
	hs.m.setFocus(paneBreakpoints)
	scr := hs.screen()
	if !strings.Contains(scr, "1 demo.c:9 in square()") || !strings.Contains(scr, "if i == 2") {
		t.Fatalf("breakpoints pane:\n%s", scr)
	}
	hs.key("space")
	hs.key("down")
	hs.key("x")
	if !hs.dbg.has("Enable(1,false)") || !hs.dbg.has("Delete(2)") {
		t.Fatalf("space/x: calls %v", hs.dbg.Calls())
	}
	hs.key("e")
	hs.key("ctrl+u")
	for _, r := range "i > 0" {
		hs.key(string(r))
	}
	hs.key("enter")
	if !hs.dbg.has("Condition(2,i > 0)") {
		t.Fatalf("condition: calls %v", hs.dbg.Calls())
	}
	hs.key("enter") // jump to the source of breakpoint 2
	if hs.m.focus != paneSource || hs.m.src.cursor != 17 {
		t.Fatalf("enter: focus %v cursor %d", hs.m.focus, hs.m.src.cursor)
	}
}

func TestWatchPane(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.eval["total * 2"] = "10"
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 19, "breakpoint-hit"))
	hs.m.setFocus(paneWatch)
	hs.key("a")
	for _, r := range "total * 2" {
		hs.key(string(r))
	}
	hs.key("enter")
	if !hs.dbg.has("Evaluate(0,total * 2)") || !strings.Contains(hs.screen(), "total * 2 = 10") {
		t.Fatalf("watch: calls %v\n%s", hs.dbg.Calls(), hs.screen())
	}
	hs.dbg.eval["total * 2"] = "12"
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 20, "end-stepping-range"))
	if it := hs.m.watch.items[0]; it.Value != "12" || !it.Changed {
		t.Fatalf("watch after a stop: %+v", it)
	}
	hs.key("x")
	if len(hs.m.watch.items) != 0 {
		t.Fatal("x did not remove the watch")
	}
}

func TestSandboxEventShowsWhere(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	b := blockedPtrace(t, false)
	hs.events(launcher.StateEvent{State: launcher.Running}, launcher.BlockedEvent{B: b})
	hs.m.setFocus(paneSandbox)
	hs.m.src.cursor = 1
	hs.key("enter")
	if hs.m.src.cursor != 20 {
		t.Fatalf("enter on the event: cursor %d, want 20", hs.m.src.cursor)
	}
	scr := hs.screen()
	for _, want := range []string{"Rules hit: ptrace×1 (no-debugging, errno)", "02:00:01.000 4242 ptrace(PTRACE_TRACEME"} {
		if !strings.Contains(scr, want) {
			t.Errorf("sandbox pane lacks %q:\n%s", want, scr)
		}
	}
	if got, want := eventLine(b), "02:00:01.000 4242 ptrace(PTRACE_TRACEME, 0, 0, 0) → EPERM @ demo.c:20 in main()"; got != want {
		t.Errorf("event row %q, want %q", got, want)
	}
}

func TestTabClickAndWheel(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	i := hs.m.lay.slotOf(paneSandbox)
	sl := hs.m.lay.Slots[i]
	// "╭─[Sandbox]─ Console ──": the Console title starts after "╭─[Sandbox]─ ".
	x := sl.R.X + len([]rune("╭─[Sandbox]─ ")) + 1
	hs.update(tea.MouseClickMsg{X: x, Y: sl.R.Y, Button: tea.MouseLeft})
	if hs.m.focus != paneConsole || !hs.m.slotShows(paneConsole) {
		t.Fatalf("tab click: focus %v", hs.m.focus)
	}
	src := hs.m.lay.Slots[hs.m.lay.slotOf(paneSource)].R
	top := hs.m.src.top
	hs.update(tea.MouseWheelMsg{X: src.X + 5, Y: src.Y + 5, Button: tea.MouseWheelDown})
	if hs.m.src.top <= top {
		t.Fatalf("wheel did not scroll the source: top %d -> %d", top, hs.m.src.top)
	}
}

func TestRunToCursorFromExit(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindExited}})
	hs.key("enter") // close the exit card
	hs.key("g")
	hs.key("1")
	hs.key("9")
	hs.key("enter")
	hs.key("f4")
	want := "Console(tbreak " + demoPath(t) + ":19)"
	if !hs.dbg.has(want) || !hs.dbg.has("Run") {
		t.Fatalf("F4 after exit: calls %v", hs.dbg.Calls())
	}
	entry := stopAt(t, 13, "breakpoint-hit")
	entry.Stop.Entry = true
	hs.events(launcher.StateEvent{State: launcher.Running}, entry)
	if !hs.dbg.has("Continue") {
		t.Fatalf("no continue past main; calls %v", hs.dbg.Calls())
	}
	hs.m.src.cursor = 19
	hs.key("f4") // stopped: F4 is until
	if !hs.dbg.has("Until(" + demoPath(t) + ",19)") {
		t.Fatalf("F4 when stopped: calls %v", hs.dbg.Calls())
	}
}

func TestCompileErrorThenF5StartsAgain(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	old := hs.dbg
	hs.events(launcher.CompileEvent{OK: false, Command: "cc -g -O0 -Wall demo.c", Output: "demo.c:3: error: expected ';'"},
		launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindCompileError, Message: "demo.c:3: error: expected ';'"}})
	scr := hs.screen()
	if !strings.Contains(scr, "compilation failed") || !strings.Contains(scr, "expected ';'") {
		t.Fatalf("compile error not shown:\n%s", scr)
	}
	hs.key("f5")
	if !old.has("Close") || hs.starts != 2 || hs.dbg == old {
		t.Fatalf("F5 after a compile error: old calls %v, starts %d", old.Calls(), hs.starts)
	}
}

func TestProgramScrollback(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		b.WriteString("line " + strconv.Itoa(i) + "\r\n")
	}
	hs.events(launcher.StateEvent{State: launcher.Running}, launcher.OutputEvent{Data: []byte(b.String())})
	hs.m.prog.feed(0)
	if scr := hs.screen(); !strings.Contains(scr, "line 100") || strings.Contains(scr, "line 50\n") {
		t.Fatalf("live view:\n%s", scr)
	}
	hs.m.setFocus(paneProgram)
	hs.update(tea.KeyPressMsg{Code: tea.KeyPgUp, Mod: tea.ModShift})
	hs.update(tea.KeyPressMsg{Code: tea.KeyPgUp, Mod: tea.ModShift})
	scr := hs.screen()
	if !strings.Contains(scr, "scrolled back") || strings.Contains(scr, "line 100") {
		t.Fatalf("scrollback view:\n%s", scr)
	}
	hs.key("x") // typing returns to the live screen
	if hs.m.prog.offset != 0 {
		t.Fatalf("typing did not return to the live screen")
	}
}

func TestNullPointerDoesNotExpand(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.locals[0] = []launcher.Variable{{Name: "next", Type: "struct node *", Value: "0x0", VarObj: "var9", NumChild: 2}}
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 15, "breakpoint-hit"))
	hs.m.setFocus(paneLocals)
	hs.key("right")
	if hs.dbg.has("Children(var9)") || strings.Contains(hs.screen(), "▸ next") {
		t.Fatalf("a NULL pointer offered members")
	}
}

// TestWatchChangeKey: w on a local asks for a watchpoint on its name; on a field, through its
// varobj; the breakpoints pane lists the watchpoint; its stop says old and new values.
func TestWatchChangeKey(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.locals[0] = []launcher.Variable{{Name: "total", Type: "int", Value: "0"},
		{Name: "p", Type: "struct point", Value: "{...}", VarObj: "var1", NumChild: 2}}
	hs.dbg.children["var1"] = []launcher.Variable{{Name: "x", Type: "int", Value: "1", VarObj: "var1.x"}}
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 16, "breakpoint-hit"))
	hs.m.setFocus(paneLocals)
	hs.key("w")
	hs.key("down")
	hs.key("right")
	hs.key("down")
	hs.key("w")
	if !hs.dbg.has("Watch(0,total,)") || !hs.dbg.has("Watch(0,p.x,var1.x)") {
		t.Fatalf("w: calls %v", hs.dbg.Calls())
	}
	hs.events(launcher.BreakpointsEvent{List: []launcher.Breakpoint{{ID: "3", Enabled: true, Watch: "total", Hits: 1}}})
	hs.m.setFocus(paneBreakpoints)
	// Numbered as the student set them (1), not by gdb (3).
	if scr := hs.screen(); !strings.Contains(scr, "1 watch total hits 1") {
		t.Fatalf("breakpoints pane:\n%s", scr)
	}
	st := stopAt(t, 17, "watchpoint-trigger")
	st.Stop.Watch = &launcher.WatchHit{ID: "3", Expr: "total", Old: "0", New: "4"}
	hs.events(launcher.StateEvent{State: launcher.Running}, st)
	if scr := hs.screen(); !strings.Contains(scr, "total changed from 0 to 4") {
		t.Fatalf("no old and new values on screen:\n%s", scr)
	}
}
