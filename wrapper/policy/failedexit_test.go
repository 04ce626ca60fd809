package policy

import "testing"

// TestVMNotifyFailedExit: with NotifyFailedExit, exit_group with a nonzero low word is notified
// whatever the policy says; everything else (exit_group(0) included) returns what the filter
// without the option returns, and the hot calls other than exit_group stay constant allows for
// the kernel's cache.
func TestVMNotifyFailedExit(t *testing.T) {
	plain := CompileOptions{Notify: true}
	withExit := CompileOptions{Notify: true, NotifyFailedExit: true}
	for _, p := range testPolicies(t) {
		base, err := p.Compile(plain)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := p.Compile(withExit)
		if err != nil {
			t.Fatal(err)
		}
		fb, f := loadVM(t, base), loadVM(t, raw)
		for _, status := range []uint64{1, 2, 255, 0x100, 1 << 31} {
			if got := f.run(t, AuditArchX86_64, SysExitGroup, [6]uint64{status}); got != RetUserNotif {
				t.Errorf("%s: exit_group(%#x) returned %s, want notify", p.Name, status, retName(got))
			}
		}
		for n := 0; n < 460; n++ {
			for _, args := range [][6]uint64{{}, {1, 2, 3}, {1 << 32}} {
				if n == SysExitGroup && uint32(args[0]) != 0 {
					continue
				}
				if got, want := f.run(t, AuditArchX86_64, n, args), fb.run(t, AuditArchX86_64, n, args); got != want {
					t.Errorf("%s: nr %d %v: %s with the option, %s without", p.Name, n, args, retName(got), retName(want))
				}
			}
		}
		if got := f.run(t, AuditArchI386, 1, [6]uint64{1}); got != RetKillProcess {
			t.Errorf("%s: i386 exit returned %s", p.Name, retName(got))
		}
		for _, name := range HotSyscalls {
			if name == "exit_group" {
				continue // now looks at its argument: called once per process, cache or not
			}
			if !constAllow(raw, AuditArchX86_64, nr(t, name)) {
				t.Errorf("%s: %s is no longer a constant allow", p.Name, name)
			}
		}
	}
	// Without Notify there is no supervisor to answer: the option does nothing.
	p, _ := Profile("default")
	a, _ := p.Compile(CompileOptions{})
	b, _ := p.Compile(CompileOptions{NotifyFailedExit: true})
	if len(a) != len(b) {
		t.Errorf("NotifyFailedExit without Notify changed the filter (%d -> %d instructions)", len(a), len(b))
	}
}
