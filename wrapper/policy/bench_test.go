package policy

import (
	"testing"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"golang.org/x/net/bpf"
)

// benchCalls are the calls the benchmarks decide: a hot call, a denied call, and two calls
// decided by argument conditions.
var benchCalls = []struct {
	label string
	name  string
	args  [6]uint64
}{
	{"getppid", "getppid", [6]uint64{}},
	{"ptrace", "ptrace", [6]uint64{16, 1}},
	{"socket_inet", "socket", [6]uint64{2, 1}},
	{"ioctl_tiocsti", "ioctl", [6]uint64{0, 0x5412}},
}

// BenchmarkMatch measures Policy.Match; BenchmarkVM the compiled filter in x/net/bpf's VM
// (the baseline it must agree with), including building the 64-byte input.
//
//	go test ./wrapper/policy -run '^$' -bench 'Match|VM' -benchtime 200000x
func BenchmarkMatch(b *testing.B) {
	for _, p := range allProfiles(b) {
		for _, c := range benchCalls {
			n := mustNr(c.name)
			b.Run(p.Name+"/"+c.label, func(b *testing.B) {
				for b.Loop() {
					p.Match(AuditArchX86_64, n, c.args)
				}
			})
		}
	}
}

func BenchmarkVM(b *testing.B) {
	for _, p := range allProfiles(b) {
		f := newFilterVM(b, p, CompileOptions{Notify: true})
		for _, c := range benchCalls {
			n := mustNr(c.name)
			b.Run(p.Name+"/"+c.label, func(b *testing.B) {
				for b.Loop() {
					if _, err := f.vm.Run(vmView(seccompData(AuditArchX86_64, n, c.args))); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCompile measures Compile per profile.
func BenchmarkCompile(b *testing.B) {
	for _, p := range allProfiles(b) {
		b.Run(p.Name, func(b *testing.B) {
			for b.Loop() {
				if _, err := p.Compile(CompileOptions{Notify: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestProgramShape logs, per profile, the program length and the number of instructions the
// kernel executes per call (worst and mean over all syscall numbers), next to the linear chain
// go-seccomp-bpf's Policy.Assemble builds for the same allow/deny sets without argument
// conditions (its closest equivalent). docs/bench/policy.md quotes these figures:
//
//	go test ./wrapper/policy -run ProgramShape -v
func TestProgramShape(t *testing.T) {
	for _, p := range allProfiles(t) {
		raw, err := p.Compile(CompileOptions{Notify: true})
		if err != nil {
			t.Fatal(err)
		}
		worst, sum, count := 0, 0, 0
		for n := 0; n <= 467; n++ {
			steps := pathLen(t, raw, n)
			worst = max(worst, steps)
			sum += steps
			count++
		}
		ref := elasticEquivalent(t, p)
		refWorst, refSum := 0, 0
		for n := 0; n <= 467; n++ {
			steps := pathLen(t, ref, n)
			refWorst = max(refWorst, steps)
			refSum += steps
		}
		t.Logf("%-10s sandbug: %4d instructions, path worst %3d mean %5.1f | go-seccomp-bpf chain: %4d instructions, path worst %3d mean %5.1f",
			p.Name, len(raw), worst, float64(sum)/float64(count), len(ref), refWorst, float64(refSum)/float64(count))
	}
}

// pathLen counts the instructions executed for syscall n with zero arguments.
func pathLen(t *testing.T, raw []bpf.RawInstruction, n int) int {
	t.Helper()
	_, _, steps, err := traceSteps(raw, seccompData(AuditArchX86_64, n, [6]uint64{}))
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

// elasticEquivalent assembles with go-seccomp-bpf a policy with the same default and the
// unconditional rules of p (argument rules dropped: it cannot compare low halves).
func elasticEquivalent(t *testing.T, p *Policy) []bpf.RawInstruction {
	t.Helper()
	act := func(a Action) seccomp.Action {
		switch a.Kind {
		case Allow:
			return seccomp.ActionAllow
		case Log:
			return seccomp.ActionLog
		}
		return seccomp.ActionErrno
	}
	sp := seccomp.Policy{DefaultAction: act(p.Default)}
	seen := map[int]bool{}
	for _, r := range p.Rules {
		if len(r.Args) > 0 {
			continue
		}
		g := seccomp.SyscallGroup{Action: act(r.Action)}
		for _, n := range r.numbers() {
			if !seen[n] {
				seen[n] = true
				g.Names = append(g.Names, SyscallName(n))
			}
		}
		if len(g.Names) > 0 {
			sp.Syscalls = append(sp.Syscalls, g)
		}
	}
	if len(sp.Syscalls) == 0 {
		sp.Syscalls = []seccomp.SyscallGroup{{Names: []string{"acct"}, Action: act(p.Default)}}
	}
	prog, err := sp.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
