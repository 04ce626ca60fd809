package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/launcher"
)

// TestStackFramesWithArguments: the Stack pane writes each frame as gdb's bt does, with its
// arguments, and counts the frames in its title.
func TestStackFramesWithArguments(t *testing.T) {
	hs := started(t, 200, 50, Options{})
	inner := launcher.Frame{Level: 0, Func: "remove_val", File: "list.c", FullName: demoPath(t), Line: 11, Args: "head=0x4052a0, v=99"}
	outer := launcher.Frame{Level: 1, Func: "main", File: "demo.c", FullName: demoPath(t), Line: 17}
	hs.dbg.stack = []launcher.Frame{inner, outer}
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: "breakpoint-hit", Frame: inner, Source: inner, BkptNo: 2}})
	scr := hs.screen()
	for _, want := range []string{"#0 remove_val(head=0x4052a0, v=99) list.c:11", "#1 main() demo.c:17", "Stack (2)"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("screen lacks %q:\n%s", want, scr)
		}
	}
}

// TestCharArrayAsStringWithIndices: a char array reads as its string and still expands, its
// elements named [0], [1] ... (gdb says 0, 1).
func TestCharArrayAsStringWithIndices(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.locals[0] = []launcher.Variable{{Name: "name", Type: "char [8]", Value: `"alice"`, VarObj: "var1", NumChild: 8}}
	var kids []launcher.Variable
	for i, c := range "alice\x00\x00\x00" {
		kids = append(kids, launcher.Variable{Name: fmt.Sprint(i), Type: "char", Value: fmt.Sprintf("%d '%c'", c, c)})
	}
	hs.dbg.children["var1"] = kids
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 15, "breakpoint-hit"))
	if scr := hs.screen(); !strings.Contains(scr, `▸ name = "alice"`) {
		t.Fatalf("char array not shown as a string:\n%s", scr)
	}
	hs.m.setFocus(paneLocals)
	hs.key("right")
	scr := hs.screen()
	if !strings.Contains(scr, "[0] = 97 'a'") || !strings.Contains(scr, "[4] = 101 'e'") || strings.Contains(scr, " 0 = 97") {
		t.Fatalf("elements not shown with [i]:\n%s", scr)
	}
}

// TestShadowedLocalsKeptApart: two i of nested blocks are two rows, each named with its
// block's lines, and each keeps its own change mark.
func TestShadowedLocalsKeptApart(t *testing.T) {
	hs := started(t, 120, 40, Options{NoColor: true})
	two := func(inner, outer string) []launcher.Variable {
		return []launcher.Variable{
			{Name: "i", Type: "int", Value: inner, Block: "lines 8-9"},
			{Name: "i", Type: "int", Value: outer, Block: "lines 7-11", Shadowed: true},
		}
	}
	hs.dbg.locals[0] = two("0", "2")
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 16, "breakpoint-hit"))
	scr := hs.screen()
	if !strings.Contains(scr, "i (lines 8-9) = 0") || !strings.Contains(scr, "i (lines 7-11) = 2") {
		t.Fatalf("shadowed locals not kept apart:\n%s", scr)
	}
	hs.dbg.locals[0] = two("1", "2")
	hs.key("f10")
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 16, "end-stepping-range"))
	scr = hs.screen()
	if !strings.Contains(scr, "i (lines 8-9) = 1 *") || strings.Contains(scr, "i (lines 7-11) = 2 *") {
		t.Fatalf("change marks mixed up between the two i:\n%s", scr)
	}
	// The outer one cannot be watched: an expression names the inner one.
	hs.m.setFocus(paneLocals)
	hs.key("down")
	hs.key("w")
	if strings.Contains(strings.Join(hs.dbg.Calls(), " "), "Watch(") || !strings.Contains(hs.screen(), "hidden by an inner i") {
		t.Fatalf("w on a shadowed i: calls %v\n%s", hs.dbg.Calls(), hs.screen())
	}
}

// TestChangedValuesMarkedWithoutColour: with NO_COLOR a changed value still stands out: a *
// follows it (and only it).
func TestChangedValuesMarkedWithoutColour(t *testing.T) {
	hs := started(t, 120, 40, Options{NoColor: true})
	hs.dbg.locals[0] = []launcher.Variable{{Name: "total", Type: "int", Value: "0"}, {Name: "i", Type: "int", Value: "0"}}
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 16, "breakpoint-hit"))
	if scr := hs.screen(); strings.Contains(scr, "total = 0 *") {
		t.Fatalf("first stop marks a change:\n%s", scr)
	}
	hs.dbg.locals[0] = []launcher.Variable{{Name: "total", Type: "int", Value: "1"}, {Name: "i", Type: "int", Value: "0"}}
	hs.key("f10")
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 17, "end-stepping-range"))
	scr := hs.screen()
	if !strings.Contains(scr, "total = 1 *") || strings.Contains(scr, "i = 0 *") {
		t.Fatalf("changed value not marked without colour:\n%s", scr)
	}
	if v := hs.m.View().Content; strings.Contains(v, "38;2;") || strings.Contains(v, "38;5;") {
		t.Fatal("NO_COLOR view has colour sequences")
	}
}

// TestPointerAsArray: @ on a pointer asks for a length and shows *p@n as an expandable
// variable, asked for again at the next stop in the same function; @ elsewhere says why not.
func TestPointerAsArray(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.locals[0] = []launcher.Variable{
		{Name: "n", Type: "int", Value: "5"},
		{Name: "arr", Type: "int *", Value: "0x7ffe10", VarObj: "var1", NumChild: 1},
	}
	hs.dbg.children["arr:*arr@3"] = []launcher.Variable{{Name: "0", Type: "int", Value: "1"}, {Name: "1", Type: "int", Value: "2"}, {Name: "2", Type: "int", Value: "3"}}
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 16, "breakpoint-hit"))
	hs.m.setFocus(paneLocals)
	hs.key("@")
	if !strings.Contains(hs.screen(), "@ works on a pointer") || hs.m.prompt.kind != 0 {
		t.Fatalf("@ on an int:\n%s", hs.screen())
	}
	hs.key("down")
	hs.key("@")
	if hs.m.prompt.kind != promptArray {
		t.Fatalf("@ on a pointer opened no prompt:\n%s", hs.screen())
	}
	hs.key("3")
	hs.key("enter")
	if !hs.dbg.has("Array(0,arr,,3)") {
		t.Fatalf("no Array call; calls %v", hs.dbg.Calls())
	}
	if scr := hs.screen(); !strings.Contains(scr, "▸ *arr@3 = [3]") {
		t.Fatalf("*arr@3 not shown:\n%s", scr)
	}
	hs.key("down")
	hs.key("right")
	if scr := hs.screen(); !strings.Contains(scr, "[2] = 3") {
		t.Fatalf("*arr@3 not expanded:\n%s", scr)
	}
	before := len(hs.dbg.Calls())
	hs.key("f10")
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 17, "end-stepping-range"))
	if calls := strings.Join(hs.dbg.Calls()[before:], " "); !strings.Contains(calls, "Array(0,arr,,3)") || !strings.Contains(calls, "Children(arr:*arr@3)") {
		t.Fatalf("*arr@3 not shown again at the next stop; calls %s", calls)
	}
	if scr := hs.screen(); !strings.Contains(scr, "[2] = 3") {
		t.Fatalf("*arr@3 lost its expansion:\n%s", scr)
	}
}

// deepStack is a recursion of n frames of rec() under main, as gdb lists it.
func deepStack(t *testing.T, n int) []launcher.Frame {
	fr := make([]launcher.Frame, 0, n+1)
	for i := 0; i < n; i++ {
		fr = append(fr, launcher.Frame{Level: i, Func: "rec", File: "demo.c", FullName: demoPath(t), Line: 9, Args: fmt.Sprintf("n=%d", i)})
	}
	return append(fr, launcher.Frame{Level: n, Func: "main", File: "demo.c", FullName: demoPath(t), Line: 17})
}

// TestLongStackFoldedAndPaged: a 29,999-frame stack comes in pages (arguments on the first),
// counts its frames in the title, folds the recursion into one row that Enter opens, and
// takes Home, End, PgUp and PgDn.
func TestLongStackFoldedAndPaged(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.stack = deepStack(t, 29998)
	top := hs.dbg.stack[0]
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: "breakpoint-hit", Frame: top, Source: top, BkptNo: 2}})
	calls := strings.Join(hs.dbg.Calls(), " ")
	for _, want := range []string{"Stack ", "Stack(100,2000,false)", "Stack(28100,2000,false)"} {
		if !strings.Contains(calls+" ", want) {
			t.Fatalf("pages: no %s in %s", want, calls)
		}
	}
	scr := hs.screen()
	for _, want := range []string{"Stack (29,999)", "▶ ▸ #0-29997 rec() ×29,998", "#29998 main() demo.c:17"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("screen lacks %q:\n%s", want, scr)
		}
	}
	hs.key("]") // Locals -> Stack tab
	hs.m.setFocus(paneStack)
	// Until its arguments are read, a deep frame says they are unknown.
	hs.m.stack.args[29998] = argsUnread
	hs.m.stack.frames[29998].Args = ""
	if scr := hs.screen(); !strings.Contains(scr, "#29998 main(…) demo.c:17") {
		t.Fatalf("a frame without its arguments read:\n%s", scr)
	}
	hs.key("end")
	if f, _ := hs.m.stack.selected(); f.Level != 29998 || !hs.dbg.has("Locals(29998)") {
		t.Fatalf("End selected %+v; calls %v", f, hs.dbg.Calls())
	}
	hs.key("home")
	hs.key("enter")
	scr = hs.screen()
	if !strings.Contains(scr, "▾ #0-29997 rec() ×29,998") || !strings.Contains(scr, "#0 rec(n=0) demo.c:9") || !strings.Contains(scr, "#1 rec(n=1)") {
		t.Fatalf("Enter did not open the fold:\n%s", scr)
	}
	hs.key("pgdown")
	hs.key("pgdown")
	f, _ := hs.m.stack.selected()
	if f.Level < 10 || f.Level > 200 {
		t.Fatalf("PgDn twice selected frame %d", f.Level)
	}
	hs.key("end")
	hs.key("pgup")
	if f, _ := hs.m.stack.selected(); f.Level < 29900 || f.Level >= 29998 {
		t.Fatalf("End, PgUp selected frame %d", f.Level)
	}
	// Frames past the first page were listed without their arguments; those scrolled to are
	// read again with them.
	f, _ = hs.m.stack.selected()
	if scr := hs.screen(); !strings.Contains(scr, fmt.Sprintf("#%d rec(n=%d) demo.c:9", f.Level, f.Level)) || strings.Contains(scr, "rec(…)") {
		t.Fatalf("frames scrolled to lack their arguments:\n%s", scr)
	}
	if !strings.Contains(strings.Join(hs.dbg.Calls(), " "), ",true)") {
		t.Fatalf("no frames read again with their arguments; calls %v", hs.dbg.Calls())
	}
	if hs.m.stack.args[5000] != argsUnread {
		t.Fatal("frames never shown had their arguments read")
	}
	hs.key("home")
	hs.key("enter")
	if len(hs.m.stack.rows) != 2 {
		t.Fatalf("Enter on the open fold did not close it: %d rows", len(hs.m.stack.rows))
	}
}

// TestStackPagesStopWhenRunning: once the program runs again, no deeper page is asked for,
// and a page of the previous stop is dropped.
func TestStackPagesStopWhenRunning(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.stack = deepStack(t, 5000)
	top := hs.dbg.stack[0]
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: "breakpoint-hit", Frame: top, Source: top, BkptNo: 2}})
	gen := hs.m.stack.gen
	hs.events(launcher.StateEvent{State: launcher.Running})
	before := len(hs.dbg.Calls())
	hs.update(stackMsg{sid: hs.m.dbgID, gen: gen, from: 100, page: launcher.StackPage{Frames: deepStack(t, 10)[:5], More: true}})
	if calls := hs.dbg.Calls()[before:]; len(calls) != 0 {
		t.Fatalf("a page of a running program asked for more: %v", calls)
	}
}

// TestStackTitleWhilePaging: until the last page arrives the count says more are coming, and a
// fold still growing says so too.
func TestStackTitleWhilePaging(t *testing.T) {
	var p stackPane
	st := NewStyles(true, true)
	fr := deepStack(t, 3000)
	p.set(fr[:100], true)
	if got := p.title(); got != "Stack (100+)" {
		t.Errorf("title after the first page = %q", got)
	}
	p.add(fr[100:2100], true)
	if got := p.title(); got != "Stack (2,100+)" {
		t.Errorf("title after two pages = %q", got)
	}
	if v := strings.Join(p.view(&st, 60, 5, true), "\n"); !strings.Contains(v, "rec() ×2,100+") {
		t.Errorf("a growing fold:\n%s", v)
	}
	p.add(fr[2100:], false)
	if got := p.title(); got != "Stack (3,001)" {
		t.Errorf("title at the end = %q", got)
	}
	if got := thousands(1234567); got != "1,234,567" {
		t.Errorf("thousands = %q", got)
	}
}
