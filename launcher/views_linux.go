package launcher

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/sandbug/sandbug/gdbmi"
)

// maxInsns bounds a disassembly: a student's function is a few hundred instructions; a huge
// generated one is cut rather than sent whole to a pane of twenty lines.
const maxInsns = 4000

// MaxMemory bounds the bytes Memory reads at once.
const MaxMemory = 4096

// registerNumbers returns gdb's numbers of the GeneralRegisters it knows (nums) and their names,
// asked once per session (the numbering is the architecture's, the same for every run).
func (s *Session) registerNumbers(ctx context.Context) (nums, names []string, err error) {
	s.mu.Lock()
	nums, names = s.regNums, s.regNames
	s.mu.Unlock()
	if nums != nil {
		return nums, names, nil
	}
	r, err := s.mi(ctx, "-data-list-register-names")
	if err != nil {
		return nil, nil, err
	}
	byName := gdbmi.RegisterNumbers(gdbmi.ParseRegisterNames(r))
	for _, n := range GeneralRegisters {
		if i, ok := byName[n]; ok {
			nums, names = append(nums, strconv.Itoa(i)), append(names, n)
		}
	}
	if len(nums) == 0 {
		return nil, nil, errors.New("gdb names none of the x86_64 general-purpose registers")
	}
	s.mu.Lock()
	s.regNums, s.regNames = nums, names
	s.mu.Unlock()
	return nums, names, nil
}

// RegistersIn returns the general-purpose registers (GeneralRegisters, in that order) as the
// frame sc sees them: for an outer frame gdb unwinds rip, rsp and rbp to the caller's values.
func (s *Session) RegistersIn(ctx context.Context, sc Scope) ([]Register, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return nil, err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	nums, names, err := s.registerNumbers(ctx)
	if err != nil {
		return nil, err
	}
	t, f := s.scopeArgs(sc)
	args := append([]string{"--thread", t, "--frame", f, "--skip-unavailable", "x"}, nums...)
	r, err := s.mi(ctx, "-data-list-register-values", args...)
	if err != nil {
		return nil, err
	}
	byNum := map[int]string{}
	for _, v := range gdbmi.ParseRegisterValues(r) {
		byNum[v.Number] = v.Value
	}
	out := make([]Register, 0, len(nums))
	for i, n := range nums {
		num, _ := strconv.Atoi(n)
		if v, ok := byNum[num]; ok {
			out = append(out, Register{Name: names[i], Value: v})
		}
	}
	return out, nil
}

// frameInfo returns frame f of thread t (its pc, function and line).
func (s *Session) frameInfo(ctx context.Context, t, f string) (gdbmi.Frame, error) {
	r, err := s.mi(ctx, "-stack-info-frame", "--thread", t, "--frame", f)
	if err != nil {
		return gdbmi.Frame{}, err
	}
	fr, ok := gdbmi.ParseFrame(r.Get("frame"))
	if !ok {
		return gdbmi.Frame{}, errors.New("gdb gave no frame")
	}
	return fr, nil
}

// DisassembleIn returns the machine code around the pc of the frame sc names, with the source
// lines it comes from: the whole function when gdb knows its bounds, else the 16 instructions
// from the pc (code without symbols).
func (s *Session) DisassembleIn(ctx context.Context, sc Scope) (Disassembly, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return Disassembly{}, err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	t, f := s.scopeArgs(sc)
	fr, err := s.frameInfo(ctx, t, f)
	if err != nil {
		return Disassembly{}, err
	}
	pc := fmt.Sprintf("%#x", fr.Addr)
	// Mode 4: source lines with their instructions (no raw bytes: they do not fit a pane).
	r, err := s.mi(ctx, "-data-disassemble", "-a", pc, "--", "4")
	if err != nil {
		r, err = s.mi(ctx, "-data-disassemble", "-s", pc, "-e", fmt.Sprintf("%#x", fr.Addr+64), "--", "4")
		if err != nil {
			return Disassembly{}, err
		}
	}
	d := Disassembly{PC: fr.Addr}
	for _, in := range gdbmi.ParseDisassembly(r) {
		d.Insns = append(d.Insns, Instruction{Addr: in.Addr, Func: in.Func, Offset: in.Offset, Text: in.Inst,
			File: in.File, FullName: in.FullName, Line: in.Line})
	}
	// Mode 4 lists a function's code in source order; a view reads it by address.
	sortInsns(d.Insns)
	if len(d.Insns) > maxInsns {
		i := max(d.Current()-maxInsns/2, 0)
		d.Insns = d.Insns[i:min(i+maxInsns, len(d.Insns))]
	}
	return d, nil
}

// MemoryIn reads n bytes (at most MaxMemory) at the address expr gives in the frame sc: a
// pointer or an array ("arr", "p"), an address ("&x", "0x4010"). An unreadable address is an
// error that says so.
func (s *Session) MemoryIn(ctx context.Context, sc Scope, expr string, n int) (Memory, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return Memory{}, err
	}
	if n <= 0 || n > MaxMemory {
		return Memory{}, fmt.Errorf("memory reads are 1 to %d bytes, not %d", MaxMemory, n)
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	t, f := s.scopeArgs(sc)
	r, err := s.mi(ctx, "-data-read-memory-bytes", "--thread", t, "--frame", f, expr, strconv.Itoa(n))
	if err != nil {
		return Memory{}, err
	}
	blocks := gdbmi.ParseMemory(r)
	if len(blocks) == 0 {
		return Memory{}, fmt.Errorf("no byte at %s can be read", expr)
	}
	// gdb splits a read that crosses into unreadable memory: keep the first readable run.
	b := blocks[0]
	return Memory{Expr: expr, Addr: b.Begin + b.Offset, Bytes: b.Contents}, nil
}

// Threads lists the program's threads, each with its innermost frame.
func (s *Session) Threads(ctx context.Context) ([]Thread, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return nil, err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	r, err := s.mi(ctx, "-thread-info")
	if err != nil {
		return nil, err
	}
	list, cur := gdbmi.ParseThreads(r)
	out := make([]Thread, 0, len(list))
	for _, th := range list {
		t := Thread{ID: th.ID, TargetID: th.TargetID, Name: th.Name, State: th.State, Current: th.ID == cur}
		if th.Frame != nil {
			t.Frame = fromMIFrame(*th.Frame)
		}
		out = append(out, t)
	}
	return out, nil
}

// SelectThread makes thread id the one the scope-less calls (Next, Step, Locals, ...) act on,
// at its frame 0, and returns that frame. Calls that take a Scope are not affected.
func (s *Session) SelectThread(ctx context.Context, id int) (Frame, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return Frame{}, err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	r, err := s.mi(ctx, "-thread-select", strconv.Itoa(id))
	if err != nil {
		return Frame{}, err
	}
	ts, ok := gdbmi.ParseThreadSelected(r)
	if !ok || ts.Frame == nil {
		return Frame{}, fmt.Errorf("gdb selected no frame in thread %d", id)
	}
	s.owner(func(d *debugState) { d.thread, d.frame = id, 0 })
	return fromMIFrame(*ts.Frame), nil
}

// StepInstruction runs one machine instruction, into calls (gdb's stepi).
func (s *Session) StepInstruction() error { return s.StepInstructionIn(s.ctx, s.selected()) }

// StepInstructionIn runs one machine instruction of the thread sc names, into calls.
func (s *Session) StepInstructionIn(ctx context.Context, sc Scope) error {
	if s.dbg == nil {
		return ErrNotDebugging
	}
	t, _ := s.scopeArgs(sc)
	return s.execRunCtx(ctx, "-exec-step-instruction", "--thread", t)
}

// NextInstruction runs one machine instruction, over calls (gdb's nexti).
func (s *Session) NextInstruction() error { return s.NextInstructionIn(s.ctx, s.selected()) }

// NextInstructionIn runs one machine instruction of the thread sc names, over calls.
func (s *Session) NextInstructionIn(ctx context.Context, sc Scope) error {
	if s.dbg == nil {
		return ErrNotDebugging
	}
	t, _ := s.scopeArgs(sc)
	return s.execRunCtx(ctx, "-exec-next-instruction", "--thread", t)
}
