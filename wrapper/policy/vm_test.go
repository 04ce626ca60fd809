package policy

import (
	"fmt"
	"strings"
	"testing"
)

// testPolicies returns the three profiles and the custom test policies.
func testPolicies(t testing.TB) []*Policy {
	t.Helper()
	ps := allProfiles(t)
	for _, f := range []string{"testdata/custom.yaml", "testdata/example.yaml"} {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

var bothModes = []CompileOptions{{Notify: false}, {Notify: true}}

// Foreign arch values: i386 (int $0x80 from a 64-bit program), aarch64, x32's value with the
// low bit flipped, zero, all ones.
var foreignArches = []uint32{AuditArchI386, 0xC00000B7, AuditArchX86_64 ^ 1, 0, 0xffffffff, 0x4000003E}

func TestVMForeignArchKilledBeforePolicy(t *testing.T) {
	for _, p := range testPolicies(t) {
		for _, o := range bothModes {
			f := newFilterVM(t, p, o)
			// Hot, allowed, denied, unknown numbers: the arch check comes before everything.
			for _, n := range []int{0, 1, 26 /* ptrace on i386 */, 101, nr(t, "ptrace"), nr(t, "getppid"), 435, 1000} {
				for _, arch := range foreignArches {
					got := f.run(t, arch, n, [6]uint64{})
					if got != RetKillProcess {
						t.Errorf("%s notify=%v arch=%#x nr=%d: got %s, want KILL_PROCESS", p.Name, o.Notify, arch, n, retName(got))
					}
					m := p.Match(arch, n, [6]uint64{})
					if m.Action.Kind != Kill || m.RuleIndex != RuleIndexABI || m.Report {
						t.Errorf("%s: Match(arch=%#x, %d) = %+v, want unreported kill with RuleIndexABI", p.Name, arch, n, m)
					}
				}
			}
			// The very first instructions load the arch and kill on mismatch.
			if f.raw[0].Op != 0x20 || f.raw[0].K != offArch {
				t.Errorf("%s: first instruction %v does not load the arch", p.Name, f.raw[0])
			}
			if f.raw[2].Op != 0x06 || f.raw[2].K != RetKillProcess {
				t.Errorf("%s: third instruction %v is not ret KILL_PROCESS", p.Name, f.raw[2])
			}
		}
	}
}

func TestVMX32NumbersKilled(t *testing.T) {
	for _, p := range testPolicies(t) {
		for _, o := range bothModes {
			f := newFilterVM(t, p, o)
			for _, n := range []int{0, 1, nr(t, "getppid"), nr(t, "ptrace"), 512 /* x32 rt_sigaction */, 545 /* x32 execve */, 0x3fffffff - X32SyscallBit} {
				for _, x := range []int{n | X32SyscallBit, n | X32SyscallBit | 0x80000000, -1, -n - 1} {
					if uint32(x) < X32SyscallBit {
						continue
					}
					got := f.run(t, AuditArchX86_64, x, [6]uint64{})
					m := p.Match(AuditArchX86_64, x, [6]uint64{})
					if uint32(x) >= X32SyscallBit+X32Span {
						// No kernel runs such a number (syscall(-1)): ENOSYS, not a kill.
						if got != RetErrno|38 || m.Action.Kind != Errno || m.Action.ErrnoValue() != 38 || m.RuleIndex != RuleIndexNoSuchCall || m.Report {
							t.Errorf("%s notify=%v nr=%#x: got %s, Match %+v; want ERRNO(ENOSYS), unreported", p.Name, o.Notify, uint32(x), retName(got), m)
						}
						continue
					}
					if got != RetKillProcess {
						t.Errorf("%s notify=%v nr=%#x: got %s, want KILL_PROCESS", p.Name, o.Notify, uint32(x), retName(got))
					}
					if m.Action.Kind != Kill || m.RuleIndex != RuleIndexABI {
						t.Errorf("%s: Match(nr=%#x) = %+v, want kill", p.Name, uint32(x), m)
					}
				}
			}
			// Just below the x32 bit: an unknown number, which gets the default, not a kill.
			got := f.run(t, AuditArchX86_64, X32SyscallBit-1, [6]uint64{})
			if w, _ := want(p, o, AuditArchX86_64, X32SyscallBit-1, [6]uint64{}); got != w {
				t.Errorf("%s: nr 0x3fffffff got %s want %s", p.Name, retName(got), retName(w))
			}
		}
	}
}

// TestVMAliasesDenied: naming any member of a family denies every member.
func TestVMAliasesDenied(t *testing.T) {
	for _, fam := range Aliases {
		for _, member := range fam {
			p := &Policy{Name: "deny-" + member, Default: Action{Kind: Allow}, Rules: []Rule{
				{Name: "deny", Syscalls: []string{member}, Action: Action{Kind: Errno, Errno: "EACCES"}},
			}}
			for _, o := range bothModes {
				f := newFilterVM(t, p, o)
				for _, other := range fam {
					got := f.run(t, AuditArchX86_64, nr(t, other), [6]uint64{1, 2, 3})
					w := RetValue(Action{Kind: Errno, Errno: "EACCES"}, true, o)
					if got != w {
						t.Errorf("rule naming %s, notify=%v: %s got %s, want %s", member, o.Notify, other, retName(got), retName(w))
					}
				}
			}
			// "=member" denies that one only.
			p.Rules[0].Syscalls = []string{"=" + member}
			f := newFilterVM(t, p, CompileOptions{})
			for _, other := range fam {
				got := f.run(t, AuditArchX86_64, nr(t, other), [6]uint64{})
				if (other == member) != (got != RetAllow) {
					t.Errorf("rule naming =%s: %s got %s", member, other, retName(got))
				}
			}
		}
	}
}

// The calls the default profile must deny, with the errno they get.
var defaultDenied = map[string]string{
	"ptrace": "EPERM", "process_vm_readv": "EPERM", "process_vm_writev": "EPERM", "pidfd_getfd": "EPERM",
	"kcmp": "EPERM", "mount": "EPERM", "umount2": "EPERM", "pivot_root": "EPERM", "fsopen": "EPERM",
	"fsmount": "EPERM", "move_mount": "EPERM", "open_tree": "EPERM", "fsconfig": "EPERM",
	"fspick": "EPERM", "mount_setattr": "EPERM", "unshare": "EPERM", "setns": "EPERM",
	"bpf": "EPERM", "perf_event_open": "EPERM", "kexec_load": "EPERM", "kexec_file_load": "EPERM",
	"reboot": "EPERM", "init_module": "EPERM", "finit_module": "EPERM", "delete_module": "EPERM",
	"keyctl": "EPERM", "add_key": "EPERM", "request_key": "EPERM", "io_uring_setup": "EPERM",
	"io_uring_enter": "EPERM", "io_uring_register": "EPERM", "userfaultfd": "EPERM", "seccomp": "EPERM",
}

// call is one syscall with arguments and the outcome a profile must give it.
type call struct {
	name   string
	args   [6]uint64
	kind   ActionKind
	errno  string
	report bool
	rule   string // expected rule name; "" = default or hot
}

func (c call) String() string { return FormatCall(mustNr(c.name), c.args) }

func mustNr(name string) int {
	n, ok := SyscallNumber(name)
	if !ok {
		panic(name)
	}
	return n
}

const (
	cloneThread = 0x3d0f00 // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID (pthread_create)
	sigchld     = 17
)

// checkCalls runs each call through Match and the compiled filter in both modes.
func checkCalls(t *testing.T, p *Policy, calls []call) {
	t.Helper()
	vms := map[bool]*filterVM{false: newFilterVM(t, p, CompileOptions{}), true: newFilterVM(t, p, CompileOptions{Notify: true})}
	for _, c := range calls {
		n := mustNr(c.name)
		m := p.Match(AuditArchX86_64, n, c.args)
		if m.Action.Kind != c.kind || (c.kind == Errno && m.Action.ErrnoValue() != mustErrno(c.errno)) || m.Report != c.report {
			t.Errorf("%s: %s: Match = %v report=%v (rule %d), want %s %s report=%v", p.Name, c, m.Action, m.Report, m.RuleIndex, c.kind, c.errno, c.report)
		}
		if c.rule != "" && (m.Rule == nil || m.Rule.Name != c.rule) {
			t.Errorf("%s: %s: matched rule %v, want %q", p.Name, c, m.Rule, c.rule)
		}
		for notify, f := range vms {
			o := CompileOptions{Notify: notify}
			got := f.run(t, AuditArchX86_64, n, c.args)
			w := RetValue(Action{Kind: c.kind, Errno: c.errno}, c.report, o)
			if got != w {
				t.Errorf("%s notify=%v: %s: filter returned %s, want %s", p.Name, notify, c, retName(got), retName(w))
			}
		}
	}
}

func mustErrno(name string) int {
	if name == "" {
		return 1
	}
	n, ok := ErrnoNumber(name)
	if !ok {
		panic(name)
	}
	return n
}

func allow(name string, args ...uint64) call {
	var a [6]uint64
	copy(a[:], args)
	return call{name: name, args: a, kind: Allow}
}

func deny(name, errno string, args ...uint64) call {
	var a [6]uint64
	copy(a[:], args)
	return call{name: name, args: a, kind: Errno, errno: errno, report: true}
}

func logged(name string, args ...uint64) call {
	var a [6]uint64
	copy(a[:], args)
	return call{name: name, args: a, kind: Log, report: true}
}

func (c call) by(rule string) call { c.rule = rule; return c }

// Edge values for a 32-bit argument v: the upper-half trick, all ones.
func hi(v uint64) uint64 { return 1<<32 | v }

func TestVMDefaultProfile(t *testing.T) {
	p, _ := Profile("default")
	calls := []call{
		// Normal C programs.
		allow("read", 0, 0x7ffd0000, 10), allow("write", 1, 0, 5), allow("openat", 0xffffff9c, 0, 0x241, 0644),
		allow("open"), allow("openat2"), allow("fork"), allow("vfork"), allow("execve"), allow("execveat"),
		allow("clone", sigchld), allow("clone", cloneThread), allow("clone", hi(sigchld)),
		allow("pipe2"), allow("wait4"), allow("kill", 1234, 9), allow("tgkill", 1, 2, 10),
		allow("rt_sigaction", 2), allow("socket", 2, 1), allow("dup2", 1, 2), allow("mmap"),
		allow("prctl", 15 /* PR_SET_NAME */), allow("prctl", 38 /* PR_SET_NO_NEW_PRIVS */),
		allow("ioctl", 0, 0x5401 /* TCGETS */), allow("ioctl", 1, 0x5413 /* TIOCGWINSZ */),
		allow("ioctl", 0x5412, 0x5401), // TIOCSTI's value in the wrong argument
		allow("personality", 0xffffffff).by("personality query"),
		allow("personality", 0xffffffffffffffff).by("personality query"), // low 32 bits: still the query
		allow("kill", hi(5), 9),                                          // pid 5 with junk in the upper half
		// clone3 answers ENOSYS, unreported, so pthread_create falls back to clone.
		{name: "clone3", kind: Errno, errno: "ENOSYS", rule: "clone3 falls back to clone"},
		// Namespaces through clone, each flag, upper-half trick, mixed with thread flags.
		deny("clone", "EPERM", 0x10000000|sigchld).by("new namespaces"),
		deny("clone", "EPERM", 0x20000).by("new namespaces"),
		deny("clone", "EPERM", 0x2000000), deny("clone", "EPERM", 0x4000000), deny("clone", "EPERM", 0x8000000),
		deny("clone", "EPERM", 0x20000000), deny("clone", "EPERM", 0x40000000),
		deny("clone", "EPERM", hi(0x40000000)), deny("clone", "EPERM", cloneThread|0x10000000),
		deny("clone", "EPERM", 0xffffffff), deny("clone", "EPERM", 0xffffffffffffffff),
		// personality: anything but the query.
		deny("personality", "EPERM", 0).by("personality"), deny("personality", "EPERM", 0x40000),
		deny("personality", "EPERM", 0x400000), deny("personality", "EPERM", 0xfffffffe),
		deny("personality", "EPERM", 0xffffffff00000000),
		// prctl(PR_SET_SECCOMP), also with the upper half set.
		deny("prctl", "EPERM", 22, 2).by("installing seccomp filters (prctl)"), deny("prctl", "EPERM", hi(22), 1),
		// Terminal injection.
		deny("ioctl", "EPERM", 0, 0x5412, 0x7ffd1234).by("typing into the terminal"),
		deny("ioctl", "EPERM", 0, hi(0x5412)), deny("ioctl", "EPERM", 0, 0xffffffff00005412),
		deny("ioctl", "EPERM", 3, 0x541c).by("typing into the terminal (TIOCLINUX)"),
		// kill(-1) as int and as a sign-extended long.
		deny("kill", "EPERM", 0xffffffff, 9).by("signalling every process"),
		deny("kill", "EPERM", 0xffffffffffffffff, 9),
	}
	calls = append(calls, foreignProcessCalls(func(n string, a ...uint64) call { return deny(n, "EPERM", a...) })...)
	// Not in strict's allowlist (Docker's), so checked here only.
	calls = append(calls, allow("migrate_pages", 0), allow("move_pages", 0))
	for name, errno := range defaultDenied {
		for _, args := range [][]uint64{{}, {0xffffffff}, {hi(0), 0xffffffffffffffff}} {
			calls = append(calls, deny(name, errno, args...))
		}
	}
	checkCalls(t, p, calls)
}

func TestVMStrictProfile(t *testing.T) {
	p, _ := Profile("strict")
	calls := []call{
		allow("read"), allow("write"), allow("openat"), allow("fork"), allow("execve"), allow("pipe2"),
		allow("clone", sigchld).by("threads, prctl and ioctl"), allow("clone", cloneThread),
		allow("socket", 1, 1).by("local sockets"), allow("socketpair", 1, 1),
		allow("socket", hi(1), 1), // the kernel truncates to AF_UNIX: allowed is right
		allow("connect", 3), allow("ioctl", 0, 0x5401), allow("prctl", 15), allow("arch_prctl", 0x1002),
		allow("personality", 0xffffffff),
		{name: "clone3", kind: Errno, errno: "ENOSYS"},
		// No network: every other domain, and the upper-32-bit trick.
		deny("socket", "EPERM", 2, 1), deny("socket", "EPERM", 10, 2), deny("socket", "EPERM", 16, 3),
		deny("socket", "EPERM", 17, 3), deny("socket", "EPERM", 40, 1), deny("socket", "EPERM", 0),
		deny("socket", "EPERM", hi(2), 1), deny("socket", "EPERM", 0x100000002, 1),
		deny("socket", "EPERM", 0xffffffff00000002), deny("socket", "EPERM", 0xffffffff),
		// Dangerous calls keep their own rule names.
		deny("ptrace", "EPERM").by("debugging other programs"), deny("unshare", "EPERM", 0x10000000),
		deny("clone", "EPERM", 0x10000000|sigchld).by("new namespaces"),
		deny("ioctl", "EPERM", 0, 0x5412), deny("prctl", "EPERM", 22), deny("personality", "EPERM", 0x400000),
		deny("kill", "EPERM", 0xffffffff, 9), deny("seccomp", "EPERM", 1),
		// Limits and scheduling of the caller only, and by name of the rule (not the default).
		deny("prlimit64", "EPERM", 1).by("other processes' limits and scheduling"),
		// Outside the allowlist: default deny, reported.
		deny("acct", "EPERM"), deny("syslog", "EPERM"), deny("add_key", "EPERM"), deny("lookup_dcookie", "EPERM"),
		deny("modify_ldt", "EPERM"), deny("vhangup", "EPERM"), deny("ustat", "EPERM"), deny("sysfs", "EPERM"),
		deny("swapon", "EPERM"), deny("io_uring_setup", "EPERM"), deny("nfsservctl", "EPERM"),
	}
	for name := range defaultDenied {
		calls = append(calls, deny(name, "EPERM", 0xffffffff))
	}
	calls = append(calls, foreignProcessCalls(func(n string, a ...uint64) call { return deny(n, "EPERM", a...) })...)
	checkCalls(t, p, calls)
	// Unknown numbers (beyond the table) are denied too.
	f := newFilterVM(t, p, CompileOptions{})
	for _, n := range []int{468, 500, 1000, 0x3fffffff} {
		if got := f.run(t, AuditArchX86_64, n, [6]uint64{}); got != RetErrno|1 {
			t.Errorf("strict: unknown syscall %d got %s, want ERRNO(EPERM)", n, retName(got))
		}
	}
}

func TestVMPermissiveProfile(t *testing.T) {
	p, _ := Profile("permissive")
	calls := []call{
		allow("read"), allow("clone3"), allow("clone", sigchld), allow("socket", 2, 1), allow("personality", 0xffffffff),
		logged("acct"), allow("ioctl", 0, 0x5401), allow("prctl", 15),
		logged("clone", 0x10000000|sigchld), logged("personality", 0x400000), logged("ioctl", 0, 0x5412),
		logged("prctl", hi(22)), logged("kill", 0xffffffff, 9),
	}
	calls = append(calls, foreignProcessCalls(func(n string, a ...uint64) call { return logged(n, a...) })...)
	for name := range defaultDenied {
		calls = append(calls, logged(name))
	}
	checkCalls(t, p, calls)
}

func TestVMCustomPolicy(t *testing.T) {
	p, err := Load("testdata/custom.yaml")
	if err != nil {
		t.Fatal(err)
	}
	trap := func(name string, args ...uint64) call {
		c := allow(name, args...)
		c.kind, c.report = Trap, true
		return c
	}
	kill := func(name string, report bool, args ...uint64) call {
		c := allow(name, args...)
		c.kind, c.report = Kill, report
		return c
	}
	calls := []call{
		// Masked equality on the low 32 bits: fds 0..3 allowed, others EBADF unreported,
		// whatever the upper half holds.
		allow("fcntl", 0), allow("fcntl", 3), allow("fcntl", hi(2)), allow("fcntl", 0xffffffff00000001),
		{name: "fcntl", args: [6]uint64{4}, kind: Errno, errno: "EBADF"},
		{name: "fcntl", args: [6]uint64{0xffffffff}, kind: Errno, errno: "EBADF"},
		// Width64 equality: both halves must match.
		trap("msync", 0x123456789abc), deny("msync", "EACCES", 0x56789abc), deny("msync", "EACCES", 0x123556789abc),
		// Width64 any-bit: a bit in the upper half or bit 0 of the lower.
		kill("sendfile", false, 0, 0, 1), kill("sendfile", false, 0, 0, 0x0100000000000000),
		deny("sendfile", "EACCES", 0, 0, 0x00ff0000fffffffe),
		// Width64 != and masked == on two arguments (AND).
		logged("splice", 0, 0, 0, 0, 0, 1), logged("splice", 0, 0x200000000, 0, 0, 0, 0xfffffffe00000001),
		deny("splice", "EACCES", 0, 0x100000000, 0, 0, 0, 1), deny("splice", "EACCES", 0, 0, 0, 0, 0, 0x100000001),
		deny("splice", "EACCES", 0, 0, 0, 0, 0, 0),
		// 32-bit != with -1: only the low word counts.
		{name: "tee", args: [6]uint64{0, 0, 0, 5}, kind: Errno, errno: "ERFKILL", report: true},
		{name: "tee", args: [6]uint64{0, 0, 0, hi(5)}, kind: Errno, errno: "ERFKILL", report: true},
		deny("tee", "EACCES", 0, 0, 0, 0xffffffff), deny("tee", "EACCES", 0, 0, 0, 0xffffffffffffffff),
		// Two conditions ANDed; the 32-bit trick does not create an AF_INET stream.
		allow("socket", 2, 1), allow("socket", 2, 0x80801), allow("socket", hi(2), hi(1)),
		deny("socket", "EACCES", 2, 2), deny("socket", "EACCES", 10, 1),
		// Groups with kill, reported by default.
		kill("ptrace", true), kill("process_vm_writev", true), kill("bpf", true),
		// Exact clone3 leaves fork alone; families named by one member.
		{name: "clone3", kind: Errno, errno: "ENOSYS", report: true},
		allow("fork"), allow("clone"), allow("dup"), allow("open"), allow("creat"), allow("kill", 1, 9),
		allow("pidfd_send_signal"), allow("execve"),
		{name: "uname", kind: Trap}, {name: "getcwd", kind: Log}, // report: false
		// Hot syscalls pass even though the default denies.
		allow("read"), allow("getpid"), allow("futex"), allow("exit_group"),
		// Default.
		deny("acct", "EACCES"), deny("mkdir", "EACCES"),
	}
	checkCalls(t, p, calls)
}

// TestVMAgreesWithMatch sweeps every syscall number with argument vectors built from the
// policies' own condition values and their edges, for every policy and both modes.
func TestVMAgreesWithMatch(t *testing.T) {
	for _, p := range testPolicies(t) {
		vectors := argVectors(p)
		for _, o := range bothModes {
			f := newFilterVM(t, p, o)
			runs := 0
			for n := -2; n <= 480; n++ {
				for _, args := range vectors {
					got := f.run(t, AuditArchX86_64, n, args)
					w, m := want(p, o, AuditArchX86_64, n, args)
					runs++
					if got != w {
						t.Fatalf("%s notify=%v: %s: filter %s, Match %s (rule %d)", p.Name, o.Notify, FormatCall(n, args), retName(got), retName(w), m.RuleIndex)
					}
				}
			}
			for _, n := range []int{0x3fffffff, 0x40000000, 0x40000000 | 26, 0x7fffffff} {
				for _, arch := range append([]uint32{AuditArchX86_64}, foreignArches...) {
					got := f.run(t, arch, n, [6]uint64{})
					if w, _ := want(p, o, arch, n, [6]uint64{}); got != w {
						t.Fatalf("%s: arch %#x nr %#x: filter %s, Match %s", p.Name, arch, n, retName(got), retName(w))
					}
				}
			}
			t.Logf("%s notify=%v: %d calls agree", p.Name, o.Notify, runs)
		}
	}
}

// argVectors returns argument vectors that put every condition's value (and its edges: ±1,
// upper-half variants, all ones) in its argument.
func argVectors(p *Policy) [][6]uint64 {
	vs := [][6]uint64{{}, {1, 1, 1, 1, 1, 1}, {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
		{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}}
	for _, r := range p.Rules {
		for _, c := range r.Args {
			for _, v := range []uint64{c.Value, c.Value + 1, c.Value - 1, c.Value | 1<<32, c.Value | 0xffffffff00000000,
				c.Value & 0xffffffff, c.Value ^ c.Mask, c.Value | ^c.Mask, c.Value >> 32} {
				var a [6]uint64
				a[c.Index] = v
				vs = append(vs, a)
				// Also with every other argument set to satisfy a second condition of the rule.
				b := a
				for _, c2 := range r.Args {
					if c2.Index != c.Index {
						b[c2.Index] = c2.Value
					}
				}
				vs = append(vs, b)
			}
		}
	}
	return vs
}

// TestHotSyscallsSkipFilter: for every hot syscall, in every profile and mode, the path through
// the program loads nothing but arch and nr and returns ALLOW whatever the arguments, and the
// kernel's action-cache emulation (seccomp_is_const_allow) accepts it.
func TestHotSyscallsSkipFilter(t *testing.T) {
	argSets := [][6]uint64{{}, {1, 2, 3, 4, 5, 6}, {^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)},
		{0x5412, 0x5412, 22, 0x10000000, 0xffffffff, 1 << 32}}
	for _, p := range testPolicies(t) {
		for _, o := range bothModes {
			raw, err := p.Compile(o)
			if err != nil {
				t.Fatal(err)
			}
			f := loadVM(t, raw)
			for _, name := range HotSyscalls {
				n := nr(t, name)
				if !constAllow(raw, AuditArchX86_64, n) {
					t.Errorf("%s notify=%v: %s is not a constant allow for the kernel's action cache", p.Name, o.Notify, name)
				}
				for _, args := range argSets {
					ret, loads, err := trace(raw, seccompData(AuditArchX86_64, n, args))
					if err != nil {
						t.Fatalf("%s: %s: %v", p.Name, name, err)
					}
					if ret != RetAllow {
						t.Errorf("%s: %s%v returned %s", p.Name, name, args, retName(ret))
					}
					for _, off := range loads {
						if off != offNr && off != offArch {
							t.Errorf("%s: %s: path loads seccomp_data offset %d (an argument)", p.Name, name, off)
						}
					}
					if vm := f.run(t, AuditArchX86_64, n, args); vm != ret {
						t.Errorf("%s: %s: tracer %s, VM %s", p.Name, name, retName(ret), retName(vm))
					}
				}
			}
		}
	}
	// The emulation does see argument loads: socket under strict is not cacheable, openat
	// under default is (an unconditional allow that is not in the hot list).
	strict, _ := Profile("strict")
	raw, _ := strict.Compile(CompileOptions{})
	if constAllow(raw, AuditArchX86_64, nr(t, "socket")) {
		t.Error("strict: socket (argument condition) reported as cacheable")
	}
	def, _ := Profile("default")
	raw, _ = def.Compile(CompileOptions{})
	if !constAllow(raw, AuditArchX86_64, nr(t, "openat")) {
		t.Error("default: openat not cacheable")
	}
	if constAllow(raw, AuditArchI386, nr(t, "read")) {
		t.Error("i386 read reported as cacheable")
	}
}

func TestProgramLength(t *testing.T) {
	for _, p := range testPolicies(t) {
		for _, o := range bothModes {
			raw, err := p.Compile(o)
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) > MaxInstructions {
				t.Errorf("%s: %d instructions", p.Name, len(raw))
			}
			t.Logf("%s notify=%v: %d instructions", p.Name, o.Notify, len(raw))
		}
	}
	// A policy that cannot fit is refused with a clear error, not truncated.
	big := &Policy{Name: "big", Default: Action{Kind: Allow}}
	for i := range 2000 {
		big.Rules = append(big.Rules, Rule{Name: fmt.Sprint(i), Syscalls: []string{"ioctl"},
			Args: []ArgCond{{Index: 1, Op: OpEqual, Value: uint64(i)}}, Action: Action{Kind: Errno}})
	}
	if _, err := big.Compile(CompileOptions{}); err == nil {
		t.Error("a 2000-condition policy compiled")
	} else {
		t.Logf("big policy: %v", err)
	}
}

// TestLongJumps builds a policy where each syscall has its own condition block, so the search
// tree's subtrees exceed 255 instructions and need ja; it must still agree with Match.
func TestLongJumps(t *testing.T) {
	p := &Policy{Name: "long", Default: Action{Kind: Errno, Errno: "EIO"}}
	names := SyscallNames()
	for i, name := range names {
		if IsHot(mustNr(name)) {
			continue
		}
		p.Rules = append(p.Rules, Rule{Name: name, Syscalls: []string{"=" + name},
			Args:   []ArgCond{{Index: i % 6, Op: OpEqual, Value: uint64(i)}},
			Action: Action{Kind: Errno, Errno: ErrnoName(1 + i%100)}})
	}
	raw, err := p.Compile(CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ja := 0
	for _, r := range raw {
		if r.Op == 0x05 {
			ja++
		}
	}
	if ja == 0 {
		t.Fatalf("no long jump in a %d-instruction program", len(raw))
	}
	f := loadVM(t, raw)
	for i, name := range names {
		n := mustNr(name)
		for _, v := range []uint64{uint64(i), uint64(i) + 1, hi(uint64(i))} {
			var args [6]uint64
			args[i%6] = v
			got := f.run(t, AuditArchX86_64, n, args)
			if w, _ := want(p, CompileOptions{}, AuditArchX86_64, n, args); got != w {
				t.Fatalf("%s: filter %s, Match %s", FormatCall(n, args), retName(got), retName(w))
			}
		}
	}
	t.Logf("%d instructions, %d long jumps", len(raw), ja)
}

func TestDisassemble(t *testing.T) {
	p, _ := Profile("default")
	raw, err := p.Compile(CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := Disassemble(raw)
	lines := strings.Split(strings.TrimSpace(d), "\n")
	if len(lines) != len(raw) {
		t.Fatalf("%d lines for %d instructions", len(lines), len(raw))
	}
	for i, want := range []string{"0: ld [4]", "1: jeq #3221225534,1", "2: ret #2147483648", "3: ld [0]", "4: jlt #1073741824,3", "5: jge #1073745920,1", "6: ret #2147483648", "7: ret #327718"} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d: %q, want prefix %q", i, lines[i], want)
		}
	}
}

// foreignProcessCalls are the limit, scheduling and priority calls on the caller (allowed in
// every profile) and on anything else (denied, or logged by permissive): pid 0 only, compared
// on the low 32 bits as the kernel reads a pid_t.
func foreignProcessCalls(denied func(string, ...uint64) call) []call {
	const self, other, group, user = 0, 1, 1, 2
	calls := []call{
		allow("prlimit64", self, 7 /* RLIMIT_NOFILE */, 0x7ffd0000, 0),
		allow("prlimit64", hi(self), 7), // the kernel truncates to pid 0: the caller
		allow("sched_setaffinity", self, 128, 0x7ffd0000), allow("sched_setscheduler", self, 0, 0x7ffd0000),
		allow("sched_setparam", self), allow("sched_setattr", self),
		allow("setpriority", 0 /* PRIO_PROCESS */, self, 10), allow("ioprio_set", 1 /* IOPRIO_WHO_PROCESS */, self, 0x4000),
		// Reading another process's settings changes nothing.
		allow("getpriority", 0, 1234), allow("sched_getaffinity", 1234), allow("ioprio_get", 1, 1234),
		denied("prlimit64", 1234, 1 /* RLIMIT_FSIZE */, 0x7ffd0000, 0).by("other processes' limits and scheduling"),
		denied("prlimit64", other), denied("prlimit64", 0xffffffff), denied("prlimit64", hi(1234)),
		denied("sched_setaffinity", 1234), denied("sched_setscheduler", 1234), denied("sched_setparam", 1234),
		denied("sched_setattr", 1234), denied("migrate_pages", 1234), denied("move_pages", 1234),
		denied("setpriority", 0, 1234, 19).by("other processes' priority (who)"),
		denied("setpriority", group, self, 19).by("other processes' priority"), // PRIO_PGRP 0: the whole group
		denied("setpriority", user, self, 19),                                  // PRIO_USER 0: all the user's processes
		denied("setpriority", hi(0), 1234),
		denied("ioprio_set", 1, 1234, 0).by("other processes' priority (who)"),
		denied("ioprio_set", 2 /* PGRP */, self, 0).by("other processes' I/O priority"), denied("ioprio_set", 3 /* USER */, self, 0),
	}
	return calls
}
