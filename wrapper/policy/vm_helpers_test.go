package policy

import (
	"encoding/binary"
	"fmt"
	"testing"

	"golang.org/x/net/bpf"
)

// seccompData builds struct seccomp_data as the kernel lays it out on x86_64 (little endian):
// int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
func seccompData(arch uint32, nr int, args [6]uint64) []byte {
	b := make([]byte, 64)
	binary.LittleEndian.PutUint32(b[0:], uint32(int32(nr)))
	binary.LittleEndian.PutUint32(b[4:], arch)
	binary.LittleEndian.PutUint64(b[8:], 0x401000)
	for i, a := range args {
		binary.LittleEndian.PutUint64(b[16+8*i:], a)
	}
	return b
}

// vmView converts seccomp_data to what golang.org/x/net/bpf's VM must see. The kernel's
// BPF_LD|BPF_W|BPF_ABS loads a native-endian word; the VM loads big-endian (it was written for
// packets). Reversing the bytes of every aligned 32-bit word makes each VM load return exactly
// the value the kernel's load returns.
func vmView(le []byte) []byte {
	out := make([]byte, len(le))
	for i := 0; i+4 <= len(le); i += 4 {
		binary.BigEndian.PutUint32(out[i:], binary.LittleEndian.Uint32(le[i:]))
	}
	return out
}

// filterVM is a compiled policy loaded into the x/net/bpf VM.
type filterVM struct {
	raw []bpf.RawInstruction
	vm  *bpf.VM
}

func newFilterVM(t testing.TB, p *Policy, o CompileOptions) *filterVM {
	t.Helper()
	raw, err := p.Compile(o)
	if err != nil {
		t.Fatalf("compile %q: %v", p.Name, err)
	}
	return loadVM(t, raw)
}

func loadVM(t testing.TB, raw []bpf.RawInstruction) *filterVM {
	t.Helper()
	prog, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatalf("program does not disassemble cleanly")
	}
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatalf("load into VM: %v", err)
	}
	return &filterVM{raw: raw, vm: vm}
}

func (f *filterVM) run(t testing.TB, arch uint32, nr int, args [6]uint64) uint32 {
	t.Helper()
	r, err := f.vm.Run(vmView(seccompData(arch, nr, args)))
	if err != nil {
		t.Fatalf("VM run: %v", err)
	}
	return uint32(r)
}

// trace runs the raw program with a small interpreter of the instructions the kernel's action
// cache understands, recording every absolute load offset. It fails on any other opcode.
func trace(raw []bpf.RawInstruction, data []byte) (ret uint32, loads []uint32, err error) {
	ret, loads, _, err = traceSteps(raw, data)
	return ret, loads, err
}

// traceSteps is trace that also counts the instructions executed.
func traceSteps(raw []bpf.RawInstruction, data []byte) (ret uint32, loads []uint32, steps int, err error) {
	var a uint32
	le := binary.LittleEndian
	for pc := 0; pc < len(raw); pc++ {
		steps++
		ins := raw[pc]
		switch ins.Op {
		case 0x20: // BPF_LD|BPF_W|BPF_ABS
			loads = append(loads, ins.K)
			if int(ins.K)+4 > len(data) || ins.K%4 != 0 {
				return 0, loads, steps, fmt.Errorf("pc %d: bad load offset %d", pc, ins.K)
			}
			a = le.Uint32(data[ins.K:])
		case 0x54: // BPF_ALU|BPF_AND|BPF_K
			a &= ins.K
		case 0x05: // BPF_JMP|BPF_JA
			pc += int(ins.K)
		case 0x15, 0x35, 0x25, 0x45: // JEQ, JGE, JGT, JSET with K
			pc += condJump(ins, a)
		case 0x06: // BPF_RET|BPF_K
			return ins.K, loads, steps, nil
		default:
			return 0, loads, steps, fmt.Errorf("pc %d: opcode %#x outside the set the kernel's action cache emulates", pc, ins.Op)
		}
	}
	return 0, loads, steps, fmt.Errorf("ran off the end of the program")
}

// constAllow is a transcription of seccomp_is_const_allow() in Linux kernel/seccomp.c (5.11+):
// the kernel runs it once per syscall number at filter install, with only nr and arch known;
// when it reaches RET ALLOW without loading anything else, the number goes into the action
// cache and later calls skip the filter entirely.
func constAllow(raw []bpf.RawInstruction, arch uint32, nr int) bool {
	var reg uint32
	for pc := 0; pc < len(raw); pc++ {
		ins := raw[pc]
		switch ins.Op {
		case 0x20:
			switch ins.K {
			case offNr:
				reg = uint32(nr)
			case offArch:
				reg = arch
			default:
				return false // non-constant load
			}
		case 0x06:
			return ins.K == RetAllow
		case 0x05:
			pc += int(ins.K)
		case 0x15, 0x35, 0x25, 0x45:
			pc += condJump(ins, reg)
		case 0x54:
			reg &= ins.K
		default:
			return false
		}
	}
	return false
}

// want is what the filter must return according to Match.
func want(p *Policy, o CompileOptions, arch uint32, nr int, args [6]uint64) (uint32, Match) {
	m := p.Match(arch, nr, args)
	return RetValue(m.Action, m.Report, o), m
}

func retName(r uint32) string {
	switch r & 0xffff0000 {
	case RetKillProcess:
		return "KILL_PROCESS"
	case RetAllow:
		return "ALLOW"
	case RetLog:
		return "LOG"
	case RetTrap:
		return "TRAP"
	case RetUserNotif & 0xffff0000:
		return "USER_NOTIF"
	case RetErrno:
		return "ERRNO(" + ErrnoName(int(r&0xffff)) + ")"
	}
	return fmt.Sprintf("%#x", r)
}

func allProfiles(t testing.TB) []*Policy {
	t.Helper()
	var ps []*Policy
	for _, n := range ProfileNames() {
		p, err := Profile(n)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func nr(t testing.TB, name string) int {
	t.Helper()
	n, ok := SyscallNumber(name)
	if !ok {
		t.Fatalf("no syscall %q", name)
	}
	return n
}

// condJump is how far a conditional jump with a constant (JEQ, JGE, JGT, JSET) moves the pc past
// the next instruction, for accumulator a.
func condJump(ins bpf.RawInstruction, a uint32) int {
	var taken bool
	switch ins.Op {
	case 0x15:
		taken = a == ins.K
	case 0x35:
		taken = a >= ins.K
	case 0x25:
		taken = a > ins.K
	case 0x45:
		taken = a&ins.K != 0
	}
	if taken {
		return int(ins.Jt)
	}
	return int(ins.Jf)
}
