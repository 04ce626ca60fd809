package tui

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/launcher"
)

func TestMain(m *testing.M) { testbin.Main(m) }

func demoPath(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("testdata/demo.c")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// started returns a harness whose debug session is up, showing main of testdata/demo.c.
func started(t *testing.T, w, h int, opts Options) *harness {
	t.Helper()
	hs := newHarness(t, w, h, opts)
	// The fake answered MainLocation before we could set it: answer again like the launcher.
	hs.dbg.main = launcher.Frame{Func: "main", File: "demo.c", FullName: demoPath(t), Line: 13}
	hs.update(mainMsg{sid: hs.m.dbgID, frame: hs.dbg.main})
	return hs
}

func stopAt(t *testing.T, line int, reason string) launcher.StateEvent {
	fr := launcher.Frame{Level: 0, Func: "main", File: "demo.c", FullName: demoPath(t), Line: line, Addr: "0x401136"}
	return launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: launcher.StopReason(reason), Frame: fr, Source: fr, BkptNo: 1}}
}

func TestStartShowsMainSource(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	if !hs.dbg.has("MainLocation") {
		t.Fatalf("MainLocation not asked; calls %v", hs.dbg.Calls())
	}
	if hs.m.src.file == nil || hs.m.src.cursor != 13 {
		t.Fatalf("source not shown at main: file=%v cursor=%d", hs.m.src.file != nil, hs.m.src.cursor)
	}
	scr := hs.screen()
	for _, want := range []string{"Source: demo.c", "int main(void)", "not started", "sandbox: default"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	if hs.m.state != launcher.NotStarted {
		t.Errorf("state %v, want not started", hs.m.state)
	}
}

func TestF9TogglesBreakpointOnCursorLine(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.key("down") // line 14
	hs.key("f9")
	want := "Break(" + demoPath(t) + ":14)"
	if !hs.dbg.has(want) {
		t.Fatalf("F9 did not call %s; calls %v", want, hs.dbg.Calls())
	}
	hs.events(launcher.BreakpointsEvent{List: []launcher.Breakpoint{{ID: "1", Enabled: true, File: "demo.c", FullName: demoPath(t), Line: 14, Func: "main"}}})
	if !strings.Contains(hs.screen(), "●") {
		t.Fatalf("gutter has no breakpoint mark:\n%s", hs.screen())
	}
	hs.key("b") // the gdb letter in the Source pane deletes it again
	if !hs.dbg.has("Delete(1)") {
		t.Fatalf("b on a breakpoint line did not delete it; calls %v", hs.dbg.Calls())
	}
}

func TestF5RunsThenContinues(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.key("f5")
	if !hs.dbg.has("Run") {
		t.Fatalf("F5 did not run; calls %v", hs.dbg.Calls())
	}
	hs.events(launcher.StateEvent{State: launcher.Running})
	if hs.m.state != launcher.Running || !strings.Contains(hs.screen(), "running (debug)") {
		t.Fatalf("not running: %v", hs.m.state)
	}
	hs.dbg.stack = []launcher.Frame{stopAt(t, 14, "breakpoint-hit").Stop.Frame}
	hs.events(stopAt(t, 14, "breakpoint-hit"))
	if !hs.dbg.has("Stack") || !hs.dbg.has("Locals(0)") {
		t.Fatalf("stop did not fetch stack and locals; calls %v", hs.dbg.Calls())
	}
	scr := hs.screen()
	if !strings.Contains(scr, "stopped at breakpoint 1 at demo.c:14 in main()") || !strings.Contains(scr, "▶") {
		t.Fatalf("stop not shown:\n%s", scr)
	}
	hs.key("f5")
	if !hs.dbg.has("Continue") {
		t.Fatalf("F5 when stopped did not continue; calls %v", hs.dbg.Calls())
	}
}

func TestStepKeysAndLetters(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 14, "breakpoint-hit"))
	for _, c := range []struct{ key, call string }{
		{"f10", "Next"}, {"f11", "Step"}, {"shift+f11", "Finish"}, {"ctrl+e", "Finish"},
		{"n", "Next"}, {"s", "Step"}, {"f", "Finish"}, {"c", "Continue"},
	} {
		before := len(hs.dbg.Calls())
		hs.key(c.key)
		calls := hs.dbg.Calls()[before:]
		if len(calls) == 0 || calls[0] != c.call {
			t.Errorf("%s: calls %v, want %s", c.key, calls, c.call)
		}
	}
	// While stopped the letters work whichever pane has focus.
	for _, p := range []paneID{paneLocals, paneProgram, paneSandbox} {
		hs.m.setFocus(p)
		before := len(hs.dbg.Calls())
		hs.key("n")
		if calls := hs.dbg.Calls()[before:]; len(calls) == 0 || calls[0] != "Next" {
			t.Errorf("n in %s called %v, want Next", p, calls)
		}
	}
}

func TestLocalsChangeHighlighted(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.locals[0] = []launcher.Variable{{Name: "total", Type: "int", Value: "0"}, {Name: "i", Type: "int", Value: "0"}}
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 16, "breakpoint-hit"))
	if n := hs.m.locals.find("total"); n == nil || n.Changed {
		t.Fatalf("first stop: total=%+v", n)
	}
	hs.dbg.locals[0] = []launcher.Variable{{Name: "total", Type: "int", Value: "1"}, {Name: "i", Type: "int", Value: "0"}}
	hs.key("f10")
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 17, "end-stepping-range"))
	total, i := hs.m.locals.find("total"), hs.m.locals.find("i")
	if total == nil || !total.Changed || i == nil || i.Changed {
		t.Fatalf("after next: total=%+v i=%+v", total, i)
	}
	if !strings.Contains(hs.screen(), "total = 1") {
		t.Fatalf("locals not drawn:\n%s", hs.screen())
	}
}

func TestExpandStruct(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.locals[0] = []launcher.Variable{{Name: "p", Type: "struct point", Value: "{...}", VarObj: "var1", NumChild: 2}}
	hs.dbg.children["var1"] = []launcher.Variable{{Name: "x", Type: "int", Value: "1"}, {Name: "y", Type: "int", Value: "2"}}
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 15, "breakpoint-hit"))
	hs.m.setFocus(paneLocals)
	hs.key("right")
	if !hs.dbg.has("Children(var1)") {
		t.Fatalf("expand did not fetch children; calls %v", hs.dbg.Calls())
	}
	if scr := hs.screen(); !strings.Contains(scr, "▾ p") || !strings.Contains(scr, "x = 1") {
		t.Fatalf("children not shown:\n%s", scr)
	}
	// A new stop keeps it expanded.
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 16, "end-stepping-range"))
	if n := hs.m.locals.find("p.y"); n == nil {
		t.Fatalf("expansion lost across stops")
	}
}

func TestStackSelectsFrame(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	inner := launcher.Frame{Level: 0, Func: "square", File: "demo.c", FullName: demoPath(t), Line: 9}
	outer := launcher.Frame{Level: 1, Func: "main", File: "demo.c", FullName: demoPath(t), Line: 17}
	hs.dbg.stack = []launcher.Frame{inner, outer}
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: "breakpoint-hit", Frame: inner, Source: inner, BkptNo: 2}})
	scr := hs.screen()
	if !strings.Contains(scr, "#0 square()") || !strings.Contains(scr, "#1 main()") {
		t.Fatalf("stack not shown:\n%s", scr)
	}
	hs.key("u") // frame up, from the Source pane
	if hs.m.scope().Frame != 1 || !hs.dbg.has("Locals(1)") {
		t.Fatalf("u did not select frame 1; calls %v", hs.dbg.Calls())
	}
	if hs.m.src.execAt != 17 || hs.m.src.execTop {
		t.Fatalf("source not at caller: execAt=%d top=%v", hs.m.src.execAt, hs.m.src.execTop)
	}
}

func blockedPtrace(t *testing.T, stopped bool) launcher.Blocked {
	return launcher.Blocked{
		Time: time.Date(2026, 11, 27, 2, 0, 1, 0, time.UTC), Pid: 4242, Nr: 101, Syscall: "ptrace",
		Call: "ptrace(PTRACE_TRACEME, 0, 0, 0)", Rule: "no-debugging",
		Explain: "ptrace lets a program control or inspect other processes, so the sandbox forbids it.",
		Action:  "errno", Errno: 1, ErrnoName: "EPERM", Count: 1, Stopped: stopped, Via: "trap",
		Where: launcher.Frame{Func: "main", File: "demo.c", FullName: demoPath(t), Line: 20},
	}
}

func TestBlockedCardContinueWithEPERM(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	b := blockedPtrace(t, true)
	st := stopAt(t, 20, "blocked-syscall")
	st.Stop.Blocked = &b
	hs.events(launcher.StateEvent{State: launcher.Running}, launcher.BlockedEvent{B: b}, st)
	if hs.m.card != cardBlocked {
		t.Fatalf("no blocked card")
	}
	scr := hs.screen()
	for _, want := range []string{"ptrace(PTRACE_TRACEME, 0, 0, 0)", "demo.c:20 in main()", "forbids it", "EPERM", "kill"} {
		if !strings.Contains(scr, want) {
			t.Errorf("card lacks %q:\n%s", want, scr)
		}
	}
	hs.key("f10") // stepping is refused until the call is answered; the card stays
	if hs.dbg.has("Next") || hs.m.card != cardBlocked {
		t.Fatalf("F10 went through a pending blocked call")
	}
	hs.key("enter")
	if !hs.dbg.has("ResolveBlocked(kill=false,errno=1)") {
		t.Fatalf("Enter did not continue with EPERM; calls %v", hs.dbg.Calls())
	}
	if hs.m.card != cardNone {
		t.Fatalf("card still open")
	}
	if hs.m.src.blocked[demoPath(t)][20] == 0 {
		t.Fatalf("no blocked mark on line 20")
	}
}

func TestBlockedCardKill(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	b := blockedPtrace(t, true)
	hs.events(launcher.StateEvent{State: launcher.Running}, launcher.BlockedEvent{B: b})
	hs.key("right") // another errno first: EACCES
	if errnoChoices[hs.m.errnoSel].Name != "EACCES" {
		t.Fatalf("right arrow chose %s", errnoChoices[hs.m.errnoSel].Name)
	}
	hs.key("k")
	if !hs.dbg.has("ResolveBlocked(kill=true,errno=0)") {
		t.Fatalf("k did not kill; calls %v", hs.dbg.Calls())
	}
}

func TestExitCardPlainWords(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindExited, Code: 3}})
	scr := hs.screen()
	if !strings.Contains(scr, "exited with status 3") || strings.Contains(scr, "03") {
		t.Fatalf("exit card:\n%s", scr)
	}
	hs.key("enter")
	if hs.m.card != cardNone {
		t.Fatal("Enter did not close the exit card")
	}
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindSignaled, Signal: "SIGSEGV", Where: "demo.c:9 in square()"}})
	if scr := hs.screen(); !strings.Contains(scr, "terminated by SIGSEGV") || !strings.Contains(scr, "demo.c:9") {
		t.Fatalf("segfault card:\n%s", scr)
	}
}

func TestProgramPaneTakesKeys(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running})
	hs.m.setFocus(paneProgram)
	for _, k := range []string{"h", "i", "enter", "ctrl+c", "q"} {
		hs.key(k)
	}
	waitFor(t, func() bool {
		hs.dbg.mu.Lock()
		defer hs.dbg.mu.Unlock()
		return bytes.Equal(hs.dbg.input, []byte("hi\r\x03q"))
	}, func() string { return string(hs.dbg.input) })
	if hs.m.card == cardQuit || hs.m.focus != paneProgram {
		t.Fatalf("q was taken by the UI in the Program pane")
	}
	hs.key("ctrl+o")
	if hs.m.focus == paneProgram {
		t.Fatalf("Ctrl+O did not leave the Program pane")
	}
	// Tab moves between panes only: it leaves the Program pane too.
	hs.m.setFocus(paneProgram)
	hs.key("tab")
	if hs.m.focus == paneProgram {
		t.Fatalf("Tab went to the program instead of the next pane")
	}
}

func waitFor(t *testing.T, cond func() bool, got func() string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met; got %q", got())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestProgramOutputCannotEscape(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.OutputEvent{Data: []byte("\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b]8;;http://x\x07link\x1b]8;;\x07 bad:\xff\xfe ok\r\n")})
	v := hs.m.View()
	if strings.Contains(v.Content, "pwned") || strings.Contains(v.Content, "\x1b]") || strings.Contains(v.Content, "ZXZpbA") {
		t.Fatalf("program escape sequences reached the view: %q", v.Content)
	}
	if v.WindowTitle != "sandbug: demo.c" {
		t.Fatalf("window title changed to %q", v.WindowTitle)
	}
	scr := hs.screen()
	if !strings.Contains(scr, "link bad:\uFFFD\uFFFD ok") {
		t.Fatalf("invalid UTF-8 not shown as U+FFFD:\n%s", scr)
	}
}

func TestOutputFloodKeepsKeysAndBoundsMemory(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running})
	line := bytes.Repeat([]byte("0123456789"), 7)
	line = append(line, '\n')
	chunk := bytes.Repeat(line, 1<<14) // ~1.1 MB
	// The UI thread's own CPU time: a loaded machine (CI runs packages in parallel) stretches
	// wall time with waits that are not Update's work.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := threadCPU()
	for i := 0; i < 8; i++ {
		hs.m.Update(eventsMsg{sid: hs.m.dbgID, evs: []launcher.Event{launcher.OutputEvent{Data: chunk}}})
	}
	if d := threadCPU() - start; d > 500*time.Millisecond {
		t.Fatalf("8 MB of output took %v of CPU in Update", d)
	}
	if len(hs.m.prog.pending) > floodLimit {
		t.Fatalf("pending output %d > %d", len(hs.m.prog.pending), floodLimit)
	}
	if hs.m.prog.skipped == 0 {
		t.Fatalf("nothing skipped in a flood")
	}
	// A key is handled at once, output notwithstanding.
	t0 := time.Now()
	hs.m.Update(keyMsg("tab"))
	if d := time.Since(t0); d > 50*time.Millisecond {
		t.Fatalf("a key took %v during a flood", d)
	}
	// Frames drain the rest within a bounded number of ticks.
	for i := 0; i < 500 && hs.m.prog.busy(); i++ {
		hs.m.Update(frameMsg{})
	}
	if hs.m.prog.busy() {
		t.Fatalf("output never drained")
	}
	if !strings.Contains(hs.m.prog.text(), "0123456789") {
		t.Fatalf("program pane shows no output: %q", hs.m.prog.text())
	}
}

func TestSandboxEventsNeverDropped(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running})
	want := 0
	var evs []launcher.Event
	for i := 0; i < 7000; i++ {
		b := blockedPtrace(t, false)
		b.Pid = 1000 + i%3 // interleaved pids: rows do not merge
		b.Count = 1 + i%2
		want += b.Count
		evs = append(evs, launcher.BlockedEvent{B: b})
	}
	for i := 0; i < len(evs); i += maxBatch {
		hs.m.Update(eventsMsg{sid: hs.m.dbgID, evs: evs[i:min(i+maxBatch, len(evs))]})
	}
	if hs.m.sbx.total != want {
		t.Fatalf("total %d, want %d", hs.m.sbx.total, want)
	}
	var hits int
	for _, h := range hs.m.sbx.hits {
		hits += h.Count
	}
	if hits != want {
		t.Fatalf("rule counts %d, want %d", hits, want)
	}
	if len(hs.m.sbx.events)+hs.m.sbx.dropped != 7000 {
		t.Fatalf("rows %d + folded %d != 7000", len(hs.m.sbx.events), hs.m.sbx.dropped)
	}
}

func TestQuitAsksWhenRunning(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running})
	hs.key("q")
	if hs.m.card != cardQuit {
		t.Fatalf("q did not ask")
	}
	hs.key("n")
	if hs.m.card != cardNone || hs.quit {
		t.Fatalf("n did not stay")
	}
	hs.key("q")
	hs.key("y")
	if !hs.quit || !hs.dbg.has("Close") {
		t.Fatalf("y did not close and quit: quit=%v calls %v", hs.quit, hs.dbg.Calls())
	}
}

func TestQuitAtOnceWhenIdle(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.key("q")
	if !hs.quit || !hs.dbg.has("Close") {
		t.Fatalf("q did not quit an idle session")
	}
}

func TestTooSmall(t *testing.T) {
	hs := started(t, 60, 20, Options{})
	scr := hs.screen()
	if !strings.Contains(scr, "at least 80x24") || !strings.Contains(scr, "60x20") {
		t.Fatalf("too-small message missing:\n%s", scr)
	}
	hs.update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if scr := hs.screen(); !strings.Contains(scr, "Source") {
		t.Fatalf("no panes at 80x24:\n%s", scr)
	}
}

func TestConsoleCommand(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.dbg.console["info frame"] = "Stack level 0, frame at 0x7ffe\n"
	hs.events(launcher.ConsoleEvent{Kind: launcher.ConsoleCommand, Text: "-exec-next --thread 1"})
	hs.key(":")
	for _, r := range "info frame" {
		hs.key(string(r))
	}
	hs.key("enter")
	if !hs.dbg.has("Console(info frame)") {
		t.Fatalf("console did not run; calls %v", hs.dbg.Calls())
	}
	scr := hs.screen()
	for _, want := range []string{"(gdb) info frame", "Stack level 0", "→ -exec-next --thread 1"} {
		if !strings.Contains(scr, want) {
			t.Errorf("console lacks %q:\n%s", want, scr)
		}
	}
}

func TestRunWithoutDebugging(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.key("ctrl+r")
	if hs.m.debugMode || hs.m.focus != paneProgram {
		t.Fatalf("Ctrl+R: debugMode=%v focus=%v", hs.m.debugMode, hs.m.focus)
	}
	run := hs.run
	waitFor(t, func() bool { return hs.m.run == Session(run) }, func() string { return "run session not started" })
	run.ev <- launcher.StateEvent{State: launcher.Running}
	run.ev <- launcher.OutputEvent{Data: []byte("type a line: ")}
	hs.settle()
	hs.key("x")
	hs.key("enter")
	run.ev <- launcher.OutputEvent{Data: []byte("x\r\nyou typed: x\r\n")}
	run.ev <- launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindExited}}
	hs.settle()
	hs.m.prog.feed(0)
	waitFor(t, func() bool {
		run.mu.Lock()
		defer run.mu.Unlock()
		return string(run.input) == "x\r"
	}, func() string { return string(run.input) })
	scr := hs.screen()
	if !strings.Contains(scr, "you typed: x") || !strings.Contains(scr, "exited normally") {
		t.Fatalf("run without debugging:\n%s", scr)
	}
	// F5 goes back to the debugger: the run session closes, the debug session runs.
	hs.key("f5")
	if !hs.m.debugMode || !hs.dbg.has("Run") || !run.has("Close") {
		t.Fatalf("F5 after a run: debug=%v dbg calls %v run calls %v", hs.m.debugMode, hs.dbg.Calls(), run.Calls())
	}
}

func TestClickGutterTogglesBreakpoint(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	sl := hs.m.lay.Slots[hs.m.lay.slotOf(paneSource)]
	in := sl.R.inner()
	row := 13 - 1 - hs.m.src.top // line 13
	hs.update(tea.MouseClickMsg{X: in.X, Y: in.Y + row, Button: tea.MouseLeft})
	want := "Break(" + demoPath(t) + ":13)"
	if !hs.dbg.has(want) {
		t.Fatalf("gutter click: calls %v, want %s", hs.dbg.Calls(), want)
	}
}

func TestResizeFollowsPane(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.update(tea.WindowSizeMsg{Width: 160, Height: 48})
	in := hs.m.lay.Slots[hs.m.lay.slotOf(paneProgram)].R.inner()
	if !hs.dbg.has("Resize(" + itoa(in.H) + "," + itoa(in.W) + ")") {
		t.Fatalf("no Resize(%d,%d); calls %v", in.H, in.W, hs.dbg.Calls())
	}
	if hs.m.prog.emu.Width() != in.W || hs.m.prog.emu.Height() != in.H {
		t.Fatalf("emulator %dx%d, pane %dx%d", hs.m.prog.emu.Width(), hs.m.prog.emu.Height(), in.W, in.H)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestNoColorHasNoColours(t *testing.T) {
	hs := started(t, 120, 40, Options{NoColor: true})
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 14, "breakpoint-hit"))
	v := hs.m.View().Content
	if strings.Contains(v, "38;2;") || strings.Contains(v, "48;2;") || strings.Contains(v, "38;5;") {
		t.Fatalf("NO_COLOR view has colour sequences")
	}
	if !strings.Contains(ansi.Strip(v), "▶") {
		t.Fatalf("current line arrow missing without colour")
	}
}

func TestSearchAndGotoLine(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.key("/")
	for _, r := range "printf" {
		hs.key(string(r))
	}
	hs.key("enter")
	if hs.m.src.cursor != 19 {
		t.Fatalf("search printf: cursor %d, want 19", hs.m.src.cursor)
	}
	hs.key("ctrl+n")
	if hs.m.src.cursor != 21 {
		t.Fatalf("next match: cursor %d, want 21", hs.m.src.cursor)
	}
	hs.key("g")
	hs.key("8")
	hs.key("enter")
	if hs.m.src.cursor != 8 {
		t.Fatalf("go to line 8: cursor %d", hs.m.src.cursor)
	}
}

func TestNoSourceNote(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	libc := launcher.Frame{Level: 0, Func: "__GI_raise", From: "/lib/x86_64-linux-gnu/libc.so.6", Addr: "0x7ffff7e2"}
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: "signal-received", Signal: "SIGABRT", Frame: libc}})
	if scr := hs.screen(); !strings.Contains(scr, "No source for") {
		t.Fatalf("no friendly note:\n%s", scr)
	}
}

func TestHelpShowsKeys(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.key("?")
	scr := hs.screen()
	for _, want := range []string{"Ctrl+F5/Ctrl+R", "Shift+F5/Ctrl+X", "Shift+F11/Ctrl+E", "Ctrl+O", "run to cursor", "every key works in every pane", "waits for input", "Tab: next pane"} {
		if !strings.Contains(scr, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	hs.key("esc")
	if hs.m.card != cardNone {
		t.Fatal("Esc did not close help")
	}
}

// TestConsoleEvaluatesInShownFrame: after "u" shows the caller, a console command runs in the
// caller's frame (the scope travels with the call), on the stopped thread.
func TestConsoleEvaluatesInShownFrame(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	inner := launcher.Frame{Level: 0, Func: "square", File: "demo.c", FullName: demoPath(t), Line: 9}
	outer := launcher.Frame{Level: 1, Func: "main", File: "demo.c", FullName: demoPath(t), Line: 17}
	hs.dbg.stack = []launcher.Frame{inner, outer}
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: launcher.StopBreakpointHit,
			Thread: 3, Frame: inner, Source: inner, BkptNo: 2}})
	hs.key("u")
	hs.key(":")
	for _, r := range "print n" {
		hs.key(string(r))
	}
	hs.key("enter")
	if !hs.dbg.has("Console(print n)") {
		t.Fatalf("console did not run; calls %v", hs.dbg.Calls())
	}
	hs.dbg.mu.Lock()
	sc := hs.dbg.consoleScope
	hs.dbg.mu.Unlock()
	if sc != (launcher.Scope{Thread: 3, Frame: 1}) {
		t.Fatalf("console ran in %+v, want thread 3 frame 1 (the frame on screen)", sc)
	}
}

// TestGDBDiedThenF5DebugsAgain: gdb dies under a stopped program. The status line says how and
// offers F5, the console keeps gdb's last stderr lines, the exit card blames gdb (not the
// sandbox), and F5 closes the dead session and starts a new one without quitting the UI.
func TestGDBDiedThenF5DebugsAgain(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 13, "breakpoint-hit"))
	old := hs.dbg
	hs.events(launcher.DebuggerEndedEvent{Code: -1, Signal: "SIGKILL", Stderr: "internal-error: fake"},
		launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindDebuggerEnded, Code: -1, Signal: "SIGKILL", Message: "internal-error: fake"}},
		launcher.StateEvent{State: launcher.Exited})
	scr := hs.screen()
	for _, want := range []string{"gdb ended  · gdb was killed by SIGKILL: press F5 to debug again", "gdb (the debugger) was killed by SIGKILL: the program", "internal-error: fake"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "sandbox could not start") {
		t.Errorf("the sandbox is blamed:\n%s", scr)
	}
	hs.key("f5")
	if hs.quit {
		t.Fatal("F5 after gdb died quit the UI")
	}
	if !old.has("Close") || hs.dbg == old || hs.m.dbg != hs.dbg {
		t.Fatalf("F5 did not replace the dead session: old calls %v, new is old %v", old.Calls(), hs.dbg == old)
	}
	if !hs.dbg.has("MainLocation") || hs.m.state != launcher.NotStarted {
		t.Fatalf("the new session is not starting: calls %v state %v", hs.dbg.Calls(), hs.m.state)
	}
}

// A stop in another function drops the old function's values at once: between the stop and the
// new locals arriving, main's a must never be drawn as add()'s a. The same function keeps its
// values (no flicker on a step) and a frame switch always drops them.
func TestLocalsNeverShowAnotherFunctionsValues(t *testing.T) {
	p := newLocalsPane()
	p.set("main", []launcher.Variable{{Name: "a", Type: "int", Value: "10"}})
	p.reading("main")
	if len(p.visible()) != 1 {
		t.Fatalf("a step in the same function dropped its values")
	}
	p.reading("add")
	if len(p.visible()) != 0 {
		t.Fatalf("main's values still shown for add(): %+v", p.visible())
	}
	st := NewStyles(true, true)
	if v := strings.Join(p.view(&st, 40, 3, false), "\n"); !strings.Contains(v, "Reading the locals of add()") {
		t.Fatalf("no reading note:\n%s", v)
	}
	hs := started(t, 120, 40, Options{})
	inner := launcher.Frame{Level: 0, Func: "square", File: "demo.c", FullName: demoPath(t), Line: 9}
	outer := launcher.Frame{Level: 1, Func: "main", File: "demo.c", FullName: demoPath(t), Line: 17}
	hs.dbg.stack = []launcher.Frame{inner, outer}
	hs.dbg.locals[0] = []launcher.Variable{{Name: "x", Type: "int", Value: "4"}}
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: "breakpoint-hit", Frame: inner, Source: inner, BkptNo: 2}})
	if !strings.Contains(hs.screen(), "x = 4") {
		t.Fatalf("locals of square not shown:\n%s", hs.screen())
	}
}
