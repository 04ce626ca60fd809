package gdbmi

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sandbug/sandbug/internal/machine"
	"github.com/sandbug/sandbug/internal/testbin"
)

// scenarioInspect drives what a front end asks beyond stops: frame arguments, watchpoints and
// catchpoints, memory, disassembly, registers, completion, symbols, thread groups, libraries,
// *running and =thread-selected; each answer is read through its typed view.
func scenarioInspect(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "prog", progC)
	s.exec("-file-exec-and-symbols", bin)
	s.exec("-break-insert", "sum")
	s.exec("-exec-arguments")
	s.exec("-exec-run")
	st, seen := s.waitStop()
	s.want(st, ReasonBreakpointHit)
	running, libc := false, false
	for _, r := range seen {
		if id, ok := ParseRunning(r); ok && id == "all" {
			running = true
		}
		if l, ok := ParseLibrary(r); ok && l.Loaded && strings.Contains(l.TargetName, "libc.so") && len(l.Ranges) > 0 && l.Ranges[0][0] < l.Ranges[0][1] && l.ThreadGroup == "i1" {
			libc = true
		}
	}
	if !running || !libc {
		t.Fatalf("*running seen %v, libc's =library-loaded seen %v", running, libc)
	}

	args := ParseStackArgs(s.exec("-stack-list-arguments", "--simple-values"))
	if len(args) != 2 || args[0].Level != 0 || len(args[0].Args) != 2 || args[0].Args[1].Name != "n" || args[0].Args[1].Value != "5" ||
		args[0].Args[0].Type != "const int *" || args[1].Args[0].Name != "argc" {
		t.Fatalf("stack-args: %+v", args)
	}

	if !machine.HardwareWatchpoints().Present {
		s.exec("-gdb-set", "can-use-hw-watchpoints", "0")
	}
	w, ok := ParseWatchpoint(s.exec("-break-watch", "counter"))
	if !ok || w.Exp != "counter" || w.Number == "" || (w.Kind != WatchSoftware && w.Kind != WatchHardware) {
		t.Fatalf("watchpoint: %+v %v", w, ok)
	}
	s.console("catch fork")
	var catch, watch *Breakpoint
	list := ParseBreakpoints(s.exec("-break-list"))
	for i := range list {
		switch list[i].Type {
		case "catchpoint":
			catch = &list[i]
		case "watchpoint", "hw watchpoint":
			watch = &list[i]
		}
	}
	if catch == nil || catch.CatchType != "fork" || watch == nil || watch.What != "counter" {
		t.Fatalf("break-list: %+v", list)
	}

	mem := ParseMemory(s.exec("-data-read-memory-bytes", "a", "20"))
	want := []byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0}
	if len(mem) != 1 || !bytes.Equal(mem[0].Contents, want) || mem[0].End-mem[0].Begin != 20 {
		t.Fatalf("memory: %+v", mem)
	}

	pc := st.Frame.Addr
	ins := ParseDisassembly(s.exec("-data-disassemble", "-s", "$pc", "-e", "$pc+8", "--", "0"))
	if len(ins) == 0 || ins[0].Func != "sum" || ins[0].Inst == "" || ins[0].Addr != pc {
		t.Fatalf("disassembly at pc: %+v", ins)
	}
	mixed := ParseDisassembly(s.exec("-data-disassemble", "-a", "sum", "--", "1"))
	if len(mixed) < 5 || filepath.Base(mixed[0].File) != "prog.c" || mixed[0].Line == 0 || mixed[0].Offset != 0 {
		t.Fatalf("mixed disassembly: %+v", mixed[:min(len(mixed), 3)])
	}

	names := ParseRegisterNames(s.exec("-data-list-register-names", "0", "1", "16"))
	if strings.Join(names, ",") != "rax,rbx,rip" {
		t.Fatalf("register names %q", names)
	}
	regs := ParseRegisterValues(s.exec("-data-list-register-values", "--skip-unavailable", "x", "16"))
	if len(regs) != 1 || regs[0].Number != 16 {
		t.Fatalf("registers: %+v", regs)
	}
	if rip, err := strconv.ParseUint(strings.TrimPrefix(regs[0].Value, "0x"), 16, 64); err != nil || rip != pc {
		t.Fatalf("rip %s, the stop's pc %#x", regs[0].Value, pc)
	}

	c := ParseCompletion(s.exec("-complete", "p cou"))
	if c.Completion != "p counter" || len(c.Matches) != 1 || c.MaxReached {
		t.Fatalf("completion: %+v", c)
	}
	syms := ParseSymbols(s.exec("-symbol-info-functions", "--name", "^square$"))
	if len(syms) != 1 || syms[0].Name != "square" || syms[0].Line != lineOf(t, progC, "int square") || filepath.Base(syms[0].File) != "prog.c" || !syms[0].Debug {
		t.Fatalf("symbols: %+v", syms)
	}
	groups := ParseThreadGroups(s.exec("-list-thread-groups"))
	if len(groups) != 1 || groups[0].ID != "i1" || groups[0].PID == 0 || groups[0].Executable != bin {
		t.Fatalf("thread groups: %+v", groups)
	}

	// A console frame change is announced as =thread-selected.
	s.console("frame 1")
	sel, found := ThreadSelected{}, false
	timeout := time.After(10 * time.Second)
	for !found {
		select {
		case r := <-s.c.Events():
			sel, found = ParseThreadSelected(r)
		case <-timeout:
			t.Fatal("no =thread-selected after `frame 1`")
		}
	}
	if sel.ThreadID != "1" || sel.Frame == nil || sel.Frame.Func != "main" || sel.Frame.Level != 1 {
		t.Fatalf("thread-selected: %+v frame %+v", sel, sel.Frame)
	}
	ts, ok := ParseThreadSelected(s.exec("-thread-select", "1"))
	if !ok || ts.ThreadID != "1" || ts.Frame == nil {
		t.Fatalf("-thread-select: %+v", ts)
	}
	s.exec("-break-delete")
	st = s.step("-exec-continue")
	s.want(st, ReasonExitedNormally)
}
