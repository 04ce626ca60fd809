package gdbmi

import (
	"strings"
	"testing"
)

// Answers gdb 13.1 gave (--interpreter=mi3) for the debugger views, at a breakpoint in a
// worker of examples/threads (threads.c:25, three threads alive); long lists are shortened.
const (
	recThreadInfo    = `^done,threads=[{id="1",target-id="Thread 0x7ffff7dd2740 (LWP 11264)",name="threads",frame={level="0",addr="0x00007ffff7ede8d9",func="clone3",args=[],file="../sysdeps/unix/sysv/linux/x86_64/clone3.S",fullname="./misc/../sysdeps/unix/sysv/linux/x86_64/clone3.S",line="62",arch="i386:x86-64"},state="stopped",core="0"},{id="2",target-id="Thread 0x7ffff7dd16c0 (LWP 11276)",name="threads",frame={level="0",addr="0x0000555555555180",func="sum_range",args=[{name="arg",value="0x7fffffffe550"}],file="threads.c",fullname="/tmp/vw/threads.c",line="25",arch="i386:x86-64"},state="stopped",core="1"},{id="3",target-id="Thread 0x7ffff75d06c0 (LWP 11277)",name="threads",frame={level="0",addr="0x00007ffff7ede8d9",func="clone3",args=[],file="../sysdeps/unix/sysv/linux/x86_64/clone3.S",fullname="./misc/../sysdeps/unix/sysv/linux/x86_64/clone3.S",line="62",arch="i386:x86-64"},state="stopped",core="1"}],current-thread-id="2"`
	recRegisterNames = `^done,register-names=["rax","rbx","rcx","rdx","rsi","rdi","rbp","rsp","r8","r9","r10","r11","r12","r13","r14","r15","rip","eflags","cs","ss","ds","es","fs","gs","st0","st1","st2","st3","st4","st5","st6","st7","fctrl","fstat","ftag","fiseg","fioff","foseg","fooff","fop","xmm0","xmm1","xmm2","xmm3","xmm4","xmm5","xmm6","xmm7","xmm8","xmm9","xmm10","xmm11","xmm12","xmm13","xmm14","xmm15","mxcsr","ymm0h","ymm1h","ymm2h","ymm3h","ymm4h","ymm5h","ymm6h","ymm7h","ymm8h","ymm9h","ymm10h","ymm11h","ymm12h","ymm13h","ymm14h","ymm15h","","","","","","","xmm16"]`
	recRegisterVals  = `^done,register-values=[{number="16",value="0x555555555180"},{number="7",value="0x7ffff7dd0ed0"},{number="6",value="0x7ffff7dd0ed0"},{number="0",value="0xfa"},{number="75",value="0x0"}]`
	recDisasmMode4   = `^done,asm_insns=[src_and_asm_line={line="19",file="threads.c",fullname="/tmp/vw/threads.c",line_asm_insn=[{address="0x0000555555555159",func-name="sum_range",offset="0",inst="push   %rbp"},{address="0x000055555555515a",func-name="sum_range",offset="1",inst="mov    %rsp,%rbp"},{address="0x000055555555515d",func-name="sum_range",offset="4",inst="mov    %rdi,-0x18(%rbp)"}]},src_and_asm_line={line="20",file="threads.c",fullname="/tmp/vw/threads.c",line_asm_insn=[{address="0x0000555555555161",func-name="sum_range",offset="8",inst="mov    -0x18(%rbp),%rax"},{address="0x0000555555555165",func-name="sum_range",offset="12",inst="mov    %rax,-0x10(%rbp)"}]},src_and_asm_line={line="21",file="threads.c",fullname="/tmp/vw/threads.c",line_asm_insn=[]},src_and_asm_line={line="22",file="threads.c",fullname="/tmp/vw/threads.c",line_asm_insn=[]},src_and_asm_line={line="23",file="threads.c",fullname="/tmp/vw/threads.c",line_asm_insn=[{address="0x0000555555555169",func-name="sum_range",offset="16",inst="mov    -0x10(%rbp),%rax"},{address="0x000055555555516d",func-name="sum_range",offset="20",inst="movq   $0x0,0x8(%rax)"}]}]`
	recDisasmMode5   = `^done,asm_insns=[src_and_asm_line={line="25",file="threads.c",fullname="/tmp/vw/threads.c",line_asm_insn=[{address="0x0000555555555180",func-name="sum_range",offset="39",opcodes="48 8b 45 f0",inst="mov    -0x10(%rbp),%rax"},{address="0x0000555555555184",func-name="sum_range",offset="43",opcodes="48 8b 50 08",inst="mov    0x8(%rax),%rdx"}]}]`
	recMemory        = `^done,memory=[{begin="0x00007fffffffe550",offset="0x0000000000000000",end="0x00007fffffffe558",contents="01000000fa000000"}]`
	recThreadSelect  = `^done,new-thread-id="1",frame={level="0",addr="0x00007ffff7ede8d9",func="clone3",args=[],file="../sysdeps/unix/sysv/linux/x86_64/clone3.S",fullname="./misc/../sysdeps/unix/sysv/linux/x86_64/clone3.S",line="62",arch="i386:x86-64"}`
)

func TestRecordedThreadInfo(t *testing.T) {
	threads, cur := ParseThreads(mustParse(t, recThreadInfo))
	if len(threads) != 3 || cur != 2 {
		t.Fatalf("%d threads, current %d; want 3, 2", len(threads), cur)
	}
	w := threads[1]
	if w.ID != 2 || w.Name != "threads" || w.State != "stopped" || w.Core != 1 || !strings.Contains(w.TargetID, "LWP 11276") {
		t.Errorf("worker: %+v", w)
	}
	if w.Frame == nil || w.Frame.Func != "sum_range" || w.Frame.Line != 25 || w.Frame.Addr != 0x555555555180 || w.Frame.Level != 0 {
		t.Errorf("worker frame: %+v", w.Frame)
	}
	if f := threads[0].Frame; f == nil || f.Func != "clone3" {
		t.Errorf("main thread frame: %+v", f)
	}
}

func TestRecordedRegisters(t *testing.T) {
	names := ParseRegisterNames(mustParse(t, recRegisterNames))
	nums := RegisterNumbers(names)
	for name, n := range map[string]int{"rax": 0, "rbp": 6, "rsp": 7, "r15": 15, "rip": 16, "eflags": 17, "xmm16": 79} {
		if nums[name] != n {
			t.Errorf("%s is number %d, want %d", name, nums[name], n)
		}
	}
	if _, ok := nums[""]; ok {
		t.Error("the holes of the names list got a number")
	}
	regs := NameRegisters(names, ParseRegisterValues(mustParse(t, recRegisterVals)))
	var got []string
	for _, r := range regs {
		got = append(got, r.Name+"="+r.Value)
	}
	// Number 75 is a hole in the list (""): left out.
	if want := "rip=0x555555555180 rsp=0x7ffff7dd0ed0 rbp=0x7ffff7dd0ed0 rax=0xfa"; strings.Join(got, " ") != want {
		t.Errorf("registers %q, want %q", strings.Join(got, " "), want)
	}
}

func TestRecordedDisassembly(t *testing.T) {
	ins := ParseDisassembly(mustParse(t, recDisasmMode4))
	if len(ins) != 7 {
		t.Fatalf("%d instructions, want 7: %+v", len(ins), ins)
	}
	first, last := ins[0], ins[6]
	if first.Addr != 0x555555555159 || first.Func != "sum_range" || first.Offset != 0 || first.Inst != "push   %rbp" || first.Line != 19 || first.File != "threads.c" || first.FullName != "/tmp/vw/threads.c" {
		t.Errorf("first: %+v", first)
	}
	// Source lines 21 and 22 have no code: the next instruction belongs to line 23.
	if last.Line != 23 || last.Offset != 20 || last.Opcodes != "" {
		t.Errorf("last: %+v", last)
	}
	raw := ParseDisassembly(mustParse(t, recDisasmMode5))
	if len(raw) != 2 || raw[0].Opcodes != "48 8b 45 f0" || raw[1].Addr != 0x555555555184 || raw[1].Line != 25 {
		t.Errorf("mode 5: %+v", raw)
	}
}

func TestRecordedMemoryAndThreadSelect(t *testing.T) {
	mem := ParseMemory(mustParse(t, recMemory))
	if len(mem) != 1 || mem[0].Begin != 0x7fffffffe550 || mem[0].End != 0x7fffffffe558 || string(mem[0].Contents) != "\x01\x00\x00\x00\xfa\x00\x00\x00" {
		t.Fatalf("memory: %+v", mem)
	}
	ts, ok := ParseThreadSelected(mustParse(t, recThreadSelect))
	if !ok || ts.ThreadID != "1" || ts.Frame == nil || ts.Frame.Func != "clone3" || ts.Frame.Level != 0 {
		t.Fatalf("thread-select: %+v", ts)
	}
}
