package policy

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/bpf"
)

// Seccomp return values from <linux/seccomp.h>.
const (
	RetKillProcess = 0x80000000
	RetKillThread  = 0x00000000
	RetTrap        = 0x00030000
	RetErrno       = 0x00050000
	RetUserNotif   = 0x7fc00000
	RetTrace       = 0x7ff00000
	RetLog         = 0x7ffc0000
	RetAllow       = 0x7fff0000
)

// Offsets in struct seccomp_data (<linux/seccomp.h>): int nr; __u32 arch; __u64
// instruction_pointer; __u64 args[6]. Words are loaded in native (little-endian) order, so the
// low half of args[i] sits at 16+8*i and the high half at 20+8*i.
const (
	offNr   = 0
	offArch = 4
	offArgs = 16
)

// MaxInstructions is BPF_MAXINSNS, the kernel's limit on the length of one filter.
const MaxInstructions = 4096

// CompileOptions tune Compile.
type CompileOptions struct {
	Notify bool // reported actions become SECCOMP_RET_USER_NOTIF (the supervisor applies the action)
	// NotifyFailedExit (with Notify) also notifies exit_group with a nonzero status, whatever
	// the policy says of it: the supervisor reads the process's peak address space while it
	// still has one (a zombie's /proc shows none) and lets the call run. That is how a memory
	// limit that was hit is told from a plain error exit (SupervisorConfig.OnFailedExit).
	NotifyFailedExit bool
}

// SysExitGroup is exit_group's number on x86_64 (NotifyFailedExit).
const SysExitGroup = 231

// RetValue returns the seccomp return value of action a under options o when the call is
// (report=true) or is not reported.
func RetValue(a Action, report bool, o CompileOptions) uint32 {
	if o.Notify && report {
		return RetUserNotif
	}
	switch a.Kind {
	case Allow:
		return RetAllow
	case Errno:
		return RetErrno | uint32(a.ErrnoValue())&0xffff
	case Kill:
		return RetKillProcess
	case Trap:
		return RetTrap
	case Log:
		return RetLog
	}
	return RetKillProcess // unreachable for a validated policy: fail closed
}

// Compile validates the policy and turns it into a seccomp BPF program.
//
// The program is generated here with golang.org/x/net/bpf rather than by go-seccomp-bpf's
// Policy.Assemble, for three reasons (FIELD-NOTES.md): go-seccomp-bpf compares arguments in 64
// bits (bypassed by the upper-32-bit truncation trick), takes the default action on an arch
// mismatch (a blocklist is bypassed by i386 "int $0x80"), and answers x32 numbers with ENOSYS
// instead of killing; its linear chain also costs one comparison per listed syscall, where this
// binary search costs ~log2(n). The syscall table is go-seccomp-bpf's, generated into
// linux_tables.go (internal/gen), so the package does not import it at run time.
//
// Layout:
//
//	ld arch; jeq AUDIT_ARCH_X86_64 ? next : kill   (before anything else)
//	ld nr;   jge X32_SYSCALL_BIT   ? kill : next
//	(NotifyFailedExit) jeq exit_group && low(arg0) != 0 ? notify : next
//	binary search on nr over ranges of numbers that share one outcome; leaves are a single
//	ret (unconditional: hot syscalls always land here, with no argument load on their path,
//	so the kernel's action cache skips the filter) or a block that tests the argument
//	conditions of the rules naming that syscall, in rule order, then returns the default.
func (p *Policy) Compile(o CompileOptions) ([]bpf.RawInstruction, error) {
	prog, err := p.program(o)
	if err != nil {
		return nil, err
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("policy %q: assemble: %w", p.Name, err)
	}
	return raw, nil
}

// program builds the symbolic instructions of Compile.
func (p *Policy) program(o CompileOptions) ([]bpf.Instruction, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("policy %q: %w", p.Name, err)
	}
	leaves := p.leaves(o)
	// Refuse early, by counting, a policy whose leaves alone are over the kernel's limit: the
	// tree over them only adds to it.
	size := 8
	for _, l := range leaves {
		size += len(l.code)
	}
	if size > MaxInstructions {
		return nil, p.tooLong(size, "at least ")
	}
	tree, err := buildTree(leaves)
	if err != nil {
		return nil, fmt.Errorf("policy %q: %w", p.Name, err)
	}
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: offArch, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: AuditArchX86_64, SkipTrue: 1},
		bpf.RetConstant{Val: RetKillProcess},
		bpf.LoadAbsolute{Off: offNr, Size: 4},
		// x32 calls (the x32 bit and a number of the x32 table) are killed; a number past
		// them (syscall(-1), the x32 bit with high bits set) can run nothing in any kernel:
		// ENOSYS, as the kernel itself answers.
		bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: X32SyscallBit, SkipFalse: 3},
		bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: X32SyscallBit + X32Span, SkipTrue: 1},
		bpf.RetConstant{Val: RetKillProcess},
		bpf.RetConstant{Val: RetValue(noSuchCall, false, o)},
	}
	if o.Notify && o.NotifyFailedExit {
		// exit_group(status != 0): notify. Other numbers load no argument on this path, so
		// the kernel's per-number action cache still skips the filter for hot calls.
		prog = append(prog,
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: SysExitGroup, SkipFalse: 3},
			bpf.LoadAbsolute{Off: offArgs, Size: 4},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0, SkipTrue: 1},
			bpf.RetConstant{Val: RetUserNotif},
			bpf.LoadAbsolute{Off: offNr, Size: 4},
		)
	}
	prog = append(prog, tree...)
	if len(prog) > MaxInstructions {
		return nil, p.tooLong(len(prog), "")
	}
	return prog, nil
}

// tooLong is the error for a filter over the kernel's limit, with the counts that explain it.
func (p *Policy) tooLong(n int, qualifier string) error {
	return fmt.Errorf("policy %q: its %d rules make a filter of %s%d instructions, over the kernel's limit of %d; merge rules (one rule can list many syscalls) or use groups", p.Name, len(p.Rules), qualifier, n, MaxInstructions)
}

// leaf is the code for one range of syscall numbers [lo, hi]. The code never falls off its end
// (it always returns), and it never refers to the range it sits in.
type leaf struct {
	lo, hi uint32
	code   []bpf.Instruction
	key    string
}

// cand is one rule that may decide a syscall: its conditions and return value.
type cand struct {
	args []ArgCond
	ret  uint32
}

// leaves computes, for every number from 0 to just past the table's largest, the code
// deciding it, merged into ranges with identical code. Numbers past the last range get the
// default.
func (p *Policy) leaves(o CompileOptions) []leaf {
	res := p.resolve()
	rets := make([]uint32, len(p.Rules))
	for i := range p.Rules {
		rets[i] = RetValue(p.Rules[i].Action, p.Rules[i].Reports(), o)
	}
	defRet := RetValue(p.Default, defaultReport(p.Default), o)
	var out []leaf
	var keyBuf []byte
	var candRets []uint32
	for nr := range res.perNr {
		es := res.perNr[nr]
		hot := IsHot(nr)
		candRets = candRets[:0]
		for _, e := range es {
			candRets = append(candRets, rets[e.rule])
		}
		keyBuf = leafKey(keyBuf, hot, es, candRets, defRet)
		if n := len(out); n > 0 && out[n-1].key == string(keyBuf) {
			out[n-1].hi = uint32(nr)
			continue
		}
		var code []bpf.Instruction
		if hot {
			code = []bpf.Instruction{bpf.RetConstant{Val: RetAllow}}
		} else {
			cs := make([]cand, len(es))
			for k, e := range es {
				cs[k] = cand{args: e.args, ret: candRets[k]}
			}
			code = blockCode(cs, defRet)
		}
		out = append(out, leaf{lo: uint32(nr), hi: uint32(nr), code: code, key: string(keyBuf)})
	}
	// Numbers past the table: the default (merged with a trailing default range).
	keyBuf = leafKey(keyBuf, false, nil, nil, defRet)
	if n := len(out); n > 0 && out[n-1].key == string(keyBuf) {
		out[n-1].hi = X32SyscallBit - 1
		return out
	}
	return append(out, leaf{lo: uint32(len(res.perNr)), hi: X32SyscallBit - 1,
		code: []bpf.Instruction{bpf.RetConstant{Val: defRet}}, key: string(keyBuf)})
}

// blockCode tests the candidates in order; the first whose conditions all hold returns its
// value; when none does, the default. Conditions compare the low 32-bit word only unless
// Width64. Candidates after an unconditional one are unreachable and left out.
func blockCode(cs []cand, defRet uint32) []bpf.Instruction {
	tail := []bpf.Instruction{bpf.RetConstant{Val: defRet}}
	for i, c := range cs {
		if len(c.args) == 0 {
			cs = cs[:i+1]
			tail = nil
			break
		}
	}
	// Each candidate is built on its own (backwards, so each failed condition knows how far
	// the rest of the candidate is) and appended: linear in the number of candidates.
	var code []bpf.Instruction
	for _, c := range cs {
		body := []bpf.Instruction{bpf.RetConstant{Val: c.ret}}
		for j := len(c.args) - 1; j >= 0; j-- {
			// A failing condition skips the rest of this candidate: body after it.
			body = append(condCode(c.args[j], len(body)), body...)
		}
		code = append(code, body...)
	}
	return append(code, tail...)
}

// condCode tests one condition; on success it falls through, on failure it skips the rest of
// the candidate, which is `after` instructions long. Jump lengths are checked by buildTree.
func condCode(c ArgCond, after int) []bpf.Instruction {
	lo := uint32(offArgs + 8*c.Index)
	hi := lo + 4
	vlo, vhi := uint32(c.Value), uint32(c.Value>>32)
	mlo, mhi := uint32(c.Mask), uint32(c.Mask>>32)
	ld := func(off uint32) bpf.Instruction { return bpf.LoadAbsolute{Off: off, Size: 4} }
	var code []bpf.Instruction
	switch {
	case !c.Width64:
		switch c.Op {
		case OpEqual:
			code = []bpf.Instruction{ld(lo), bpf.JumpIf{Cond: bpf.JumpEqual, Val: vlo, SkipFalse: u8(after)}}
		case OpNotEqual:
			code = []bpf.Instruction{ld(lo), bpf.JumpIf{Cond: bpf.JumpEqual, Val: vlo, SkipTrue: u8(after)}}
		case OpAnySet:
			code = []bpf.Instruction{ld(lo), bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: vlo, SkipFalse: u8(after)}}
		case OpMaskEqual:
			code = []bpf.Instruction{ld(lo), bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mlo},
				bpf.JumpIf{Cond: bpf.JumpEqual, Val: vlo, SkipFalse: u8(after)}}
		}
	default:
		switch c.Op {
		case OpEqual:
			code = []bpf.Instruction{ld(hi), bpf.JumpIf{Cond: bpf.JumpEqual, Val: vhi, SkipFalse: u8(after + 2)},
				ld(lo), bpf.JumpIf{Cond: bpf.JumpEqual, Val: vlo, SkipFalse: u8(after)}}
		case OpNotEqual:
			// hi differs: holds (skip the lo test); else holds iff lo differs.
			code = []bpf.Instruction{ld(hi), bpf.JumpIf{Cond: bpf.JumpEqual, Val: vhi, SkipFalse: 2},
				ld(lo), bpf.JumpIf{Cond: bpf.JumpEqual, Val: vlo, SkipTrue: u8(after)}}
		case OpAnySet:
			code = []bpf.Instruction{ld(hi), bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: vhi, SkipTrue: 2},
				ld(lo), bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: vlo, SkipFalse: u8(after)}}
		case OpMaskEqual:
			code = []bpf.Instruction{ld(hi), bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mhi},
				bpf.JumpIf{Cond: bpf.JumpEqual, Val: vhi, SkipFalse: u8(after + 3)},
				ld(lo), bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mlo},
				bpf.JumpIf{Cond: bpf.JumpEqual, Val: vlo, SkipFalse: u8(after)}}
		}
	}
	return code
}

// u8 clamps a jump length; buildTree rejects programs where a clamp happened.
func u8(n int) uint8 {
	if n > 255 {
		return 255 // caught by checkJumps
	}
	return uint8(n)
}

// buildTree emits a binary search over the leaves (sorted, contiguous, covering 0..x32 bit-1)
// with A holding the syscall number.
func buildTree(leaves []leaf) ([]bpf.Instruction, error) {
	for _, l := range leaves {
		if err := checkJumps(l.code); err != nil {
			return nil, err
		}
	}
	return tree(leaves), nil
}

func tree(ls []leaf) []bpf.Instruction {
	if len(ls) == 1 {
		return ls[0].code
	}
	mid := len(ls) / 2
	left, right := tree(ls[:mid]), tree(ls[mid:])
	k := ls[mid].lo
	var out []bpf.Instruction
	if len(left) <= 255 {
		out = append(out, bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: k, SkipTrue: uint8(len(left))})
	} else {
		// Conditional jumps reach 255 instructions; a long one goes through ja (32-bit).
		out = append(out, bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: k, SkipFalse: 1},
			bpf.Jump{Skip: uint32(len(left))})
	}
	out = append(out, left...)
	return append(out, right...)
}

// checkJumps verifies that no conditional jump inside a leaf was clamped.
func checkJumps(code []bpf.Instruction) error {
	for i, ins := range code {
		if j, ok := ins.(bpf.JumpIf); ok {
			if i+1+int(j.SkipTrue) >= len(code) || i+1+int(j.SkipFalse) >= len(code) || j.SkipTrue == 255 || j.SkipFalse == 255 {
				return fmt.Errorf("the argument conditions for one syscall are too long for BPF jumps; split the rules")
			}
		}
	}
	return nil
}

// Disassemble renders a program one instruction per line, for debugging and docs.
func Disassemble(raw []bpf.RawInstruction) string {
	var b strings.Builder
	for i, r := range raw {
		b.WriteString(strconv.Itoa(i))
		b.WriteString(": ")
		b.WriteString(fmt.Sprint(r.Disassemble()))
		b.WriteByte('\n')
	}
	return b.String()
}
