package launcher

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// The debugger views beyond source and variables: registers, disassembly, memory and threads.
// They are plain data, read at a stop in the scope (thread, frame) a UI shows.

// GeneralRegisters are the x86_64 general-purpose registers Registers reads, in the order a
// student meets them: instruction and stack pointers first, then the rest, then the flags.
var GeneralRegisters = []string{"rip", "rsp", "rbp", "rax", "rbx", "rcx", "rdx", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "eflags"}

// Register is one register of a frame: its name and gdb's hex value ("0x7ffe3a10"; eflags as
// its hex number too).
type Register struct {
	Name  string
	Value string
}

// Instruction is one machine instruction of a disassembly, with the source line it was
// compiled from when the program has debug information.
type Instruction struct {
	Addr     uint64
	Func     string // function name, "" when unknown
	Offset   int    // bytes from the start of Func
	Text     string // the instruction as gdb writes it (AT&T syntax): "mov    -0x10(%rbp),%rax"
	File     string // source file as compiled, "" without debug info
	FullName string
	Line     int // 0 without debug info
}

// Disassembly is the code around a frame's pc: the whole function when gdb knows where it
// starts and ends, else a few instructions from the pc.
type Disassembly struct {
	PC    uint64        // the frame's pc: the next instruction to run (frame 0) or the return address
	Insns []Instruction // in address order
}

// Current returns the index of the instruction at the pc, or -1.
func (d Disassembly) Current() int {
	for i, in := range d.Insns {
		if in.Addr == d.PC {
			return i
		}
	}
	return -1
}

// Memory is a block of the program's memory as read at a stop.
type Memory struct {
	Expr  string // what the user asked for ("arr", "&x", "0x4010")
	Addr  uint64 // where the block starts
	Bytes []byte
}

// Thread is one thread of the program at a stop.
type Thread struct {
	ID       int    // gdb's thread id (1 is the main thread)
	TargetID string // "Thread 0x7ffff7d8a740 (LWP 1234)"
	Name     string // the thread's name (the program's name unless it set one)
	State    string // "stopped" or "running"
	Frame    Frame  // its innermost frame
	Current  bool   // the thread gdb reported the stop in
}

// LWP returns the thread's kernel id from its TargetID ("(LWP 1234)"), or 0.
func (t Thread) LWP() int {
	i := strings.Index(t.TargetID, "LWP ")
	if i < 0 {
		return 0
	}
	s := t.TargetID[i+4:]
	if j := strings.IndexByte(s, ')'); j >= 0 {
		s = s[:j]
	}
	n, _ := strconv.Atoi(s)
	return n
}

// sortInsns puts instructions in address order (stable: equal addresses keep their order).
func sortInsns(in []Instruction) {
	slices.SortStableFunc(in, func(a, b Instruction) int { return cmp.Compare(a.Addr, b.Addr) })
}
