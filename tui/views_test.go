package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sandbug/sandbug/launcher"
)

// sampleViews gives the fake registers, code, memory and threads for demo.c stopped in
// square() (line 9) called from main, in thread 1 of two.
func sampleViews(t *testing.T, f *fakeSession) {
	t.Helper()
	path := demoPath(t)
	in := func(addr uint64, off int, text string, line int) launcher.Instruction {
		return launcher.Instruction{Addr: addr, Func: "square", Offset: off, Text: text, File: "demo.c", FullName: path, Line: line}
	}
	regs := func(rip, rax string) []launcher.Register {
		return []launcher.Register{{Name: "rip", Value: rip}, {Name: "rsp", Value: "0x7fffffffe500"},
			{Name: "rbp", Value: "0x7fffffffe510"}, {Name: "rax", Value: rax}, {Name: "eflags", Value: "0x246"}}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.views = fakeViews{
		regs: map[int][]launcher.Register{0: regs("0x401126", "0x2"), 1: regs("0x401160", "0x0")},
		code: map[int]launcher.Disassembly{
			0: {PC: 0x401126, Insns: []launcher.Instruction{
				in(0x40111a, 0, "push   %rbp", 8), in(0x40111b, 1, "mov    %rsp,%rbp", 8), in(0x40111e, 4, "mov    %edi,-0x14(%rbp)", 8),
				in(0x401121, 7, "mov    -0x14(%rbp),%eax", 9), in(0x401126, 12, "imul   %eax,%eax", 9), in(0x401129, 15, "mov    %eax,-0x4(%rbp)", 9),
				in(0x40112c, 18, "mov    -0x4(%rbp),%eax", 10), in(0x40112f, 21, "pop    %rbp", 11), in(0x401130, 22, "ret", 11),
			}},
			1: {PC: 0x401160, Insns: []launcher.Instruction{
				{Addr: 0x40115b, Func: "main", Offset: 40, Text: "call   0x40111a <square>", File: "demo.c", FullName: path, Line: 17},
				{Addr: 0x401160, Func: "main", Offset: 45, Text: "add    %eax,-0x8(%rbp)", File: "demo.c", FullName: path, Line: 17},
			}},
		},
		mem: map[string]launcher.Memory{"&p": {Expr: "&p", Addr: 0x7fffffffe508,
			Bytes: []byte{1, 0, 0, 0, 2, 0, 0, 0, 'H', 'i', '!', 0, 0xde, 0xad, 0xbe, 0xef, 0x7f, 'E', 'L', 'F'}}},
		threads: []launcher.Thread{
			{ID: 1, Name: "demo", State: "stopped", TargetID: "Thread 0x7ffff7d8a740 (LWP 4242)", Current: true,
				Frame: launcher.Frame{Func: "square", File: "demo.c", FullName: path, Line: 9, Addr: "0x401126"}},
			{ID: 2, Name: "demo", State: "stopped", TargetID: "Thread 0x7ffff75896c0 (LWP 4243)",
				Frame: launcher.Frame{Func: "clone3", File: "../sysdeps/unix/sysv/linux/x86_64/clone3.S", Line: 62, Addr: "0x7ffff7ede8d9"}},
		},
	}
}

// showViewsSample fills every view of a scene through the fake: the Asm and Threads tabs read
// when shown, the Memory view at &p.
func showViewsSample(t *testing.T, hs *harness) {
	t.Helper()
	for _, cmd := range []func() tea.Cmd{
		func() tea.Cmd { return fetchRegs(hs.m.ctx, hs.dbg, hs.m.dbgID, hs.m.viewGen, hs.m.scope(), true) },
		func() tea.Cmd { return hs.m.showView(paneAsm) },
		func() tea.Cmd { return hs.m.showView(paneThreads) },
		func() tea.Cmd { return hs.m.submitMemory("&p") },
	} {
		hs.send(cmd())
		hs.settle()
	}
}

func TestViewsFollowStopsAndFrames(t *testing.T) {
	hs := scene(t, 80, 24, Options{})
	sampleViews(t, hs.dbg)
	// The scene's stop read the registers before the fake had any: stop again.
	hs.events(launcher.StateEvent{State: launcher.Running}, sceneStop(t))
	if !hs.dbg.has("Registers(1,0)") || hs.dbg.has("Disassemble(1,0)") || hs.dbg.has("Threads") {
		t.Fatalf("a stop reads the registers, and not the hidden Asm and Threads tabs: %v", hs.dbg.Calls())
	}
	// ] from the Source pane: Processes, then Asm, which reads the code of frame 0.
	hs.key("]")
	hs.key("]")
	if hs.m.focus != paneAsm || !hs.dbg.has("Disassemble(1,0)") {
		t.Fatalf("focus %v; calls %v", hs.m.focus, hs.dbg.Calls())
	}
	scr := hs.screen()
	if !strings.Contains(scr, "[Asm]") || !strings.Contains(scr, "▶ 0x401126 <+12> imul   %eax,%eax") || !strings.Contains(scr, "int r = n * n;") {
		t.Fatalf("the Asm tab does not mark the pc with its source line:\n%s", scr)
	}
	golden(t, "views-asm-80x24", scr)
	// u: frame 1 (main); the code follows the frame.
	hs.key("u")
	if !hs.dbg.has("Disassemble(1,1)") || !hs.dbg.has("Registers(1,1)") {
		t.Fatalf("u did not read frame 1's code and registers: %v", hs.dbg.Calls())
	}
	if scr := hs.screen(); !strings.Contains(scr, "▶ 0x401160 <+45> add") {
		t.Fatalf("the Asm tab did not follow frame 1:\n%s", scr)
	}
}

// sceneStop is the scene's stop in square() again.
func sceneStop(t *testing.T) launcher.StateEvent {
	fr := launcher.Frame{Level: 0, Func: "square", File: "demo.c", FullName: demoPath(t), Line: 9, Addr: "0x401126"}
	return launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: "end-stepping-range", Frame: fr, Source: fr, Thread: 1}}
}

func TestRegistersMarkChangesSinceTheLastStop(t *testing.T) {
	hs := scene(t, 160, 48, Options{})
	sampleViews(t, hs.dbg)
	hs.events(launcher.StateEvent{State: launcher.Running}, sceneStop(t))
	if got := hs.m.regs.changed; len(got) != 0 {
		t.Fatalf("the first stop with registers marks %v", got)
	}
	hs.dbg.mu.Lock()
	hs.dbg.views.regs[0][3].Value = "0x4" // rax
	hs.dbg.mu.Unlock()
	hs.events(launcher.StateEvent{State: launcher.Running}, sceneStop(t))
	if !hs.m.regs.changed["rax"] || len(hs.m.regs.changed) != 1 {
		t.Fatalf("changed %v, want rax alone", hs.m.regs.changed)
	}
	hs.m.setFocus(paneRegisters)
	scr := hs.screen()
	if !strings.Contains(scr, "[Registers]") || !strings.Contains(scr, "rax    0x4 *") || !strings.Contains(scr, "rip    0x401126") {
		t.Fatalf("Registers tab:\n%s", scr)
	}
	golden(t, "views-registers-160x48", scr)
}

func TestMemoryPromptAndChangedBytes(t *testing.T) {
	hs := scene(t, 80, 24, Options{})
	sampleViews(t, hs.dbg)
	hs.m.setFocus(paneMemory)
	hs.key("a")
	for _, r := range "&p" {
		hs.key(string(r))
	}
	hs.key("enter")
	if !hs.dbg.has("Memory(0,&p,256)") {
		t.Fatalf("the prompt did not read memory: %v", hs.dbg.Calls())
	}
	hs.dbg.mu.Lock()
	m := hs.dbg.views.mem["&p"]
	m.Bytes = append([]byte(nil), m.Bytes...)
	m.Bytes[4] = 3 // p.y = 3
	hs.dbg.views.mem["&p"] = m
	hs.dbg.mu.Unlock()
	hs.events(launcher.StateEvent{State: launcher.Running}, sceneStop(t))
	scr := hs.screen()
	// 8 bytes a row on an 80-column screen; the changed byte has * before it.
	for _, want := range []string{"&p at 0x7fffffffe508, 20 bytes", "+000 01 00 00 00*03 00 00 00  ........", "+008 48 69 21 00 de ad be ef  Hi!.....", "+010 7f 45 4c 46"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("memory view lacks %q:\n%s", want, scr)
		}
	}
	golden(t, "views-memory-80x24", scr)
	if len(hs.m.mem.changed) != 1 {
		t.Errorf("changed bytes %v, want one", hs.m.mem.changed)
	}
	// The expression is read in the frame shown.
	hs.key("u")
	if !hs.dbg.has("Memory(1,&p,256)") {
		t.Errorf("u did not read &p in frame 1: %v", hs.dbg.Calls())
	}
	// 16 bytes a row where the pane is wide enough.
	if body := ansi.Strip(strings.Join(hs.m.mem.view(&hs.m.st, 80, 5), "\n")); !strings.Contains(body, "+000 01 00 00 00*03 00 00 00 48 69 21 00 de ad be ef  ........Hi!.....") {
		t.Errorf("16-byte rows:\n%s", body)
	}
}

func TestThreadsEnterShowsAnotherThread(t *testing.T) {
	hs := scene(t, 160, 48, Options{})
	sampleViews(t, hs.dbg)
	hs.dbg.mu.Lock()
	hs.dbg.stack = append(hs.dbg.stack, launcher.Frame{Level: 0, Func: "clone3", From: "/lib/x86_64-linux-gnu/libc.so.6", Addr: "0x7ffff7ede8d9"})
	hs.dbg.mu.Unlock()
	hs.events(launcher.StateEvent{State: launcher.Running}, sceneStop(t))
	hs.m.setFocus(paneStack)
	hs.key("]")
	hs.key("]")
	if hs.m.focus != paneThreads || !hs.dbg.has("Threads") {
		t.Fatalf("focus %v; calls %v", hs.m.focus, hs.dbg.Calls())
	}
	scr := hs.screen()
	if !strings.Contains(scr, "▶ 1 demo  square demo.c:9") || !strings.Contains(scr, "2 demo  clone3") {
		t.Fatalf("Threads tab:\n%s", scr)
	}
	golden(t, "views-threads-160x48", scr)
	hs.key("down")
	hs.key("enter")
	if !hs.dbg.has("SelectThread(2)") || hs.m.scope().Thread != 2 || hs.m.frameSel != 0 {
		t.Fatalf("Enter on thread 2: scope %+v; calls %v", hs.m.scope(), hs.dbg.Calls())
	}
	calls := strings.Join(hs.dbg.Calls(), " ")
	if !strings.Contains(calls, "Registers(2,0)") || !strings.Contains(calls, "Threads") {
		t.Fatalf("thread 2's views not read: %v", calls)
	}
	if !strings.Contains(hs.screen(), "▶ 2 demo  clone3") {
		t.Fatalf("the Threads tab does not mark thread 2:\n%s", hs.screen())
	}
}

func TestStepInstructionNeedsTheAsmTab(t *testing.T) {
	hs := scene(t, 80, 24, Options{})
	sampleViews(t, hs.dbg)
	hs.key("i")
	if hs.dbg.has("StepInstruction(0)") || !strings.Contains(hs.m.msg, "Asm tab") {
		t.Fatalf("i without the Asm tab: msg %q calls %v", hs.m.msg, hs.dbg.Calls())
	}
	hs.key("]")
	hs.key("]")
	hs.key("i")
	hs.key("I")
	calls := strings.Join(hs.dbg.Calls(), " ")
	if !strings.Contains(calls, "StepInstruction(") || !strings.Contains(calls, "NextInstruction(") {
		t.Fatalf("i and I in the Asm tab: %v", calls)
	}
}

// TestViewsTabClick: a click on a view's title in a top edge shows it and reads it.
func TestViewsTabClick(t *testing.T) {
	hs := scene(t, 80, 24, Options{})
	sampleViews(t, hs.dbg)
	hs.events(launcher.StateEvent{State: launcher.Running}, sceneStop(t))
	top := strings.Split(hs.screen(), "\n")[0]
	x := strings.Index(top, " Asm ")
	if x < 0 {
		t.Fatalf("no Asm title in %q", top)
	}
	hs.update(tea.MouseClickMsg{X: len([]rune(top[:x])) + 2, Y: 0, Button: tea.MouseLeft})
	if hs.m.focus != paneAsm || !hs.dbg.has("Disassemble(1,0)") {
		t.Fatalf("click on Asm: focus %v, calls %v", hs.m.focus, hs.dbg.Calls())
	}
}

// TestAsmScrollAndHome: a long function scrolls away from the pc; Home brings it back.
func TestAsmScrollAndHome(t *testing.T) {
	var d launcher.Disassembly
	for i := range 60 {
		d.Insns = append(d.Insns, launcher.Instruction{Addr: 0x1000 + uint64(4*i), Offset: 4 * i, Text: "nop", Line: 10 + i/3, File: "a.c", FullName: "/a.c"})
	}
	d.PC = 0x1000 + 4*30
	var p asmPane
	p.set(d, nil, 1)
	st := NewStyles(true, true)
	has := func() bool {
		return strings.Contains(ansi.Strip(strings.Join(p.view(&st, 50, 10, func(string, int) string { return "" }), "\n")), "▶ 0x1078")
	}
	if !has() {
		t.Fatal("the pc is not in view")
	}
	p.scroll(20)
	if has() {
		t.Fatal("20 rows down still show the pc")
	}
	p.home()
	if !has() {
		t.Fatal("Home did not bring the pc back")
	}
}

// TestLocalsMShowsMemory: m on a Locals row opens the Memory view at that value: a local's
// address (&r), where a pointer points (p), and a field by the C expression gdb gives for it.
func TestLocalsMShowsMemory(t *testing.T) {
	hs := scene(t, 80, 24, Options{})
	sampleViews(t, hs.dbg)
	hs.dbg.mu.Lock()
	hs.dbg.locals[0] = []launcher.Variable{{Name: "r", Type: "int", Value: "4"},
		{Name: "p", Type: "struct point *", Value: "0x4052a0", VarObj: "var1", NumChild: 2}}
	hs.dbg.children["var1"] = []launcher.Variable{{Name: "x", Type: "int", Value: "1", VarObj: "var1.x"}}
	hs.dbg.mu.Unlock()
	hs.events(launcher.StateEvent{State: launcher.Running}, sceneStop(t))
	hs.m.setFocus(paneLocals)
	hs.key("m")
	if !hs.dbg.has("Memory(0,&r,256)") || hs.m.focus != paneMemory {
		t.Fatalf("m on r: focus %v, calls %v", hs.m.focus, hs.dbg.Calls())
	}
	hs.m.setFocus(paneLocals)
	hs.key("down")
	hs.key("m")
	if !hs.dbg.has("Memory(0,p,256)") {
		t.Fatalf("m on the pointer p did not show where it points: %v", hs.dbg.Calls())
	}
	hs.m.setFocus(paneLocals)
	hs.key("right") // expand p
	hs.key("down")
	hs.key("m")
	if !hs.dbg.has("PathExpression(var1.x)") || !hs.dbg.has("Memory(0,&(path(var1.x)),256)") {
		t.Fatalf("m on p->x: %v", hs.dbg.Calls())
	}
	// Not while the program runs: the status line says when it works.
	hs.events(launcher.StateEvent{State: launcher.Running})
	hs.m.setFocus(paneLocals)
	hs.key("m")
	if !strings.Contains(hs.screen(), "m needs a stopped program.") {
		t.Errorf("m while running says nothing:\n%s", hs.screen())
	}
}
