//go:build linux

package launcher

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

const srcViews = `#include <stdio.h>
unsigned char table[8] = {0xde, 0xad, 0xbe, 0xef, 'H', 'i', 0, 7};
int square(int x) {
	int y = x * x; /* L_SQUARE */
	return y;
}
int main(void) {
	int r = square(table[7]);
	printf("%d\n", r);
	return 0;
}
`

func addrOf(t *testing.T, s string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		t.Fatalf("address %q: %v", s, err)
	}
	return n
}

func regValue(regs []Register, name string) string {
	for _, r := range regs {
		if r.Name == name {
			return r.Value
		}
	}
	return ""
}

// TestDebugViews: at a breakpoint in square, the registers hold rip = the frame's pc (also for
// the caller's frame), the disassembly contains the pc, memory of the global table reads its
// bytes, and stepping by instruction moves the pc.
func TestDebugViews(t *testing.T) {
	prog := program(t, "views", srcViews)
	r := startDebug(t, baseConfig(t, prog))
	ctx := context.Background()
	r.stopped()
	if _, err := r.s.Break("square"); err != nil {
		t.Fatal(err)
	}
	r.s.Continue()
	st := r.stopped()
	if st == nil || st.Frame.Func != "square" {
		t.Fatalf("stop %+v", st)
	}
	pc := addrOf(t, st.Frame.Addr)

	regs, err := r.s.RegistersIn(ctx, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range regs {
		names = append(names, g.Name)
	}
	if strings.Join(names, " ") != strings.Join(GeneralRegisters, " ") {
		t.Errorf("registers %v, want %v", names, GeneralRegisters)
	}
	if rip := addrOf(t, regValue(regs, "rip")); rip != pc {
		t.Errorf("rip %#x, the frame's pc %#x", rip, pc)
	}
	stack, err := r.s.StackIn(ctx, 0)
	if err != nil || len(stack) < 2 {
		t.Fatalf("stack %+v %v", stack, err)
	}
	outer, err := r.s.RegistersIn(ctx, Scope{Frame: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rip := addrOf(t, regValue(outer, "rip")); rip != addrOf(t, stack[1].Addr) {
		t.Errorf("frame 1: rip %#x, its pc %s", rip, stack[1].Addr)
	}

	d, err := r.s.DisassembleIn(ctx, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	cur := d.Current()
	if d.PC != pc || cur < 0 || d.Insns[cur].Func != "square" || d.Insns[cur].Line != lineOf(t, srcViews, "L_SQUARE") || d.Insns[cur].Text == "" {
		t.Fatalf("disassembly at %#x: current %d of %d: %+v", pc, cur, len(d.Insns), d.Insns[max(cur, 0)])
	}
	if d.Insns[0].Offset != 0 || !strings.HasSuffix(d.Insns[0].FullName, "views.c") {
		t.Errorf("the function's first instruction: %+v", d.Insns[0])
	}
	caller, err := r.s.DisassembleIn(ctx, Scope{Frame: 1})
	if err != nil || caller.Current() < 0 || caller.Insns[caller.Current()].Func != "main" {
		t.Errorf("frame 1's disassembly: pc %#x current %d, %v", caller.PC, caller.Current(), err)
	}

	mem, err := r.s.MemoryIn(ctx, Scope{}, "table", 8)
	want := []byte{0xde, 0xad, 0xbe, 0xef, 'H', 'i', 0, 7}
	if err != nil || !bytes.Equal(mem.Bytes, want) || mem.Addr == 0 {
		t.Fatalf("memory of table: %+v %v", mem, err)
	}
	if amp, err := r.s.MemoryIn(ctx, Scope{}, "&table[4]", 2); err != nil || string(amp.Bytes) != "Hi" || amp.Addr != mem.Addr+4 {
		t.Errorf("memory at &table[4]: %+v %v", amp, err)
	}
	if _, err := r.s.MemoryIn(ctx, Scope{}, "0", 4); err == nil {
		t.Error("reading address 0 gave no error")
	}
	if _, err := r.s.MemoryIn(ctx, Scope{}, "table", MaxMemory+1); err == nil {
		t.Error("a read over MaxMemory gave no error")
	}

	if err := r.s.StepInstruction(); err != nil {
		t.Fatal(err)
	}
	st = r.stopped()
	if st == nil || addrOf(t, st.Frame.Addr) == pc || st.Frame.Func != "square" {
		t.Fatalf("stepi from %#x: %+v", pc, st)
	}
	if err := r.s.NextInstruction(); err != nil {
		t.Fatal(err)
	}
	if st2 := r.stopped(); st2 == nil || st2.Frame.Addr == st.Frame.Addr {
		t.Fatalf("nexti from %s: %+v", st.Frame.Addr, st2)
	}
}

// TestDebugThreads: at a breakpoint in a worker of examples/threads, Threads lists the main
// thread and the worker (the stop's thread marked current); SelectThread moves to the main
// thread, and a scope naming a thread reads that thread's registers.
func TestDebugThreads(t *testing.T) {
	src, err := os.ReadFile("../examples/threads/threads.c")
	if err != nil {
		t.Fatal(err)
	}
	prog := testbin.CompileC(t, "threads", string(src), "-pthread")
	r := startDebug(t, baseConfig(t, prog))
	ctx := context.Background()
	r.stopped()
	if _, err := r.s.Break("threads.c:" + strconv.Itoa(lineOf(t, string(src), "w->sum += i;"))); err != nil {
		t.Fatal(err)
	}
	r.s.Continue()
	st := r.stopped()
	if st == nil || st.Frame.Func != "sum_range" || st.Thread < 2 {
		t.Fatalf("stop %+v", st)
	}
	// The stop names the thread it happened in: not the main one.
	if want := fmt.Sprintf("(thread %d)", st.Thread); !strings.HasSuffix(st.Summary(), want) {
		t.Errorf("summary %q does not end with %q", st.Summary(), want)
	}
	threads, err := r.s.Threads(ctx)
	if err != nil || len(threads) < 2 {
		t.Fatalf("threads %+v %v", threads, err)
	}
	var cur, main *Thread
	for i := range threads {
		th := &threads[i]
		if th.Current {
			cur = th
		}
		if th.ID == 1 {
			main = th
		}
		if th.Name == "" || th.State != "stopped" || th.LWP() == 0 || th.Frame.Addr == "" {
			t.Errorf("thread %+v", *th)
		}
	}
	if cur == nil || cur.ID != st.Thread || cur.Frame.Func != "sum_range" || main == nil {
		t.Fatalf("current %+v main %+v of %+v", cur, main, threads)
	}
	f, err := r.s.SelectThread(ctx, 1)
	if err != nil || f.Addr != main.Frame.Addr || f.Level != 0 {
		t.Fatalf("SelectThread(1) = %+v %v; the main thread is at %s", f, err, main.Frame.Addr)
	}
	regs, err := r.s.RegistersIn(ctx, Scope{Thread: 1})
	if err != nil || addrOf(t, regValue(regs, "rip")) != addrOf(t, main.Frame.Addr) {
		t.Fatalf("thread 1's rip %s, its frame %s (%v)", regValue(regs, "rip"), main.Frame.Addr, err)
	}
	if sc := r.s.selected(); sc.Thread != 1 || sc.Frame != 0 {
		t.Errorf("the session's scope after SelectThread: %+v", sc)
	}
}
