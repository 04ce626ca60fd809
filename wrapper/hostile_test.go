package wrapper_test

// The hostile-program suite: small C programs (testdata/hostile), each trying one attack, run
// on the real kernel through the real sandbug-wrapper binary and a real supervisor.
//
// Each attack is first run WITHOUT the sandbox (the control) and must succeed there, so that a
// passing sandboxed run means the sandbox stopped it, not that the attack is broken. Controls
// are skipped only where they need privileges the test lacks. Then the sandboxed run must show
// both that the attack failed (RESULT line, exit status or signal) and that the supervisor
// reported it (syscall, rule, action, pid).
//
// The benign programs (testdata/hostile/benign) must behave identically with and without the
// sandbox, and the supervisor must report nothing for them.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// deniedCase is an attack the default profile refuses with an errno and reports.
type deniedCase struct {
	name     string   // the RESULT name
	prog     string   // C file under testdata/hostile
	args     []string // program arguments ("DIR" is replaced by a writable temp dir)
	syscall  string   // the syscall the supervisor must report
	errno    string   // what the program must get back
	pty      bool     // stdin must be a terminal (the program's controlling tty)
	attacker bool     // the call comes from a forked child (RESULT field attacker=PID)
	// unreported: the profile's rule denies without reporting (Report: false), on purpose; the
	// test checks the profile still says so and that no event came.
	unreported bool
	// controlNeeds is non-empty when the unsandboxed control needs root; it says why.
	controlNeeds string
	// controlPrefix runs the control under this command (e.g. a private mount namespace).
	controlPrefix []string
}

var deniedCases = []deniedCase{
	{name: "ptrace_traceme", prog: "ptrace_traceme.c", syscall: "ptrace", errno: "EPERM"},
	{name: "ptrace_attach", prog: "ptrace_attach.c", syscall: "ptrace", errno: "EPERM", attacker: true},
	{name: "process_vm_writev", prog: "process_vm_writev.c", syscall: "process_vm_writev", errno: "EPERM", attacker: true},
	{name: "process_vm_readv", prog: "process_vm_readv.c", syscall: "process_vm_readv", errno: "EPERM", attacker: true},
	{name: "pidfd_getfd", prog: "pidfd_getfd.c", syscall: "pidfd_getfd", errno: "EPERM", attacker: true},
	{name: "kcmp", prog: "kcmp.c", syscall: "kcmp", errno: "EPERM", attacker: true},
	{name: "io_uring", prog: "io_uring.c", syscall: "io_uring_setup", errno: "EPERM"},
	// clone3 is ENOSYS for everyone (glibc's pthread_create tries it first), so it is not
	// reported: its flags sit in memory the filter cannot read, namespace flags or not.
	{name: "clone3_ns", prog: "clone3_ns.c", syscall: "clone3", errno: "ENOSYS", unreported: true},
	{name: "clone_newuser", prog: "clone_newuser.c", syscall: "clone", errno: "EPERM"},
	{name: "unshare_user", prog: "unshare_user.c", syscall: "unshare", errno: "EPERM"},
	{name: "mount", prog: "mount.c", args: []string{"DIR"}, syscall: "mount", errno: "EPERM",
		controlNeeds:  "mount needs CAP_SYS_ADMIN",
		controlPrefix: []string{"unshare", "--mount", "--propagation", "private"}},
	{name: "bpf", prog: "bpf.c", syscall: "bpf", errno: "EPERM", controlNeeds: "unprivileged bpf is usually disabled"},
	{name: "perf_event_open", prog: "perf_event_open.c", syscall: "perf_event_open", errno: "EPERM"},
	{name: "add_key", prog: "add_key.c", syscall: "add_key", errno: "EPERM"},
	{name: "userfaultfd", prog: "userfaultfd.c", syscall: "userfaultfd", errno: "EPERM",
		controlNeeds: "vm.unprivileged_userfaultfd is usually 0"},
	{name: "personality", prog: "personality.c", syscall: "personality", errno: "EPERM"},
	{name: "personality_hi", prog: "personality.c", args: []string{"hi"}, syscall: "personality", errno: "EPERM"},
	{name: "tiocsti", prog: "tiocsti.c", pty: true, syscall: "ioctl", errno: "EPERM"},
	{name: "tiocsti_hi", prog: "tiocsti.c", args: []string{"hi"}, pty: true, syscall: "ioctl", errno: "EPERM"},
	{name: "seccomp_prctl", prog: "seccomp_install.c", args: []string{"prctl"}, syscall: "prctl", errno: "EPERM"},
	{name: "seccomp_prctl_hi", prog: "seccomp_install.c", args: []string{"prctl_hi"}, syscall: "prctl", errno: "EPERM"},
	{name: "seccomp_seccomp", prog: "seccomp_install.c", args: []string{"seccomp"}, syscall: "seccomp", errno: "EPERM"},
}

// TestHostileDenied runs every attack the default and strict profiles answer with an errno.
// The control (unsandboxed) runs once, under the default profile's subtest.
func TestHostileDenied(t *testing.T) {
	for _, prof := range []string{"default", "strict"} {
		t.Run(prof, func(t *testing.T) {
			t.Parallel()
			for _, c := range deniedCases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					testDenied(t, prof, c)
				})
			}
		})
	}
}

func testDenied(t *testing.T, prof string, c deniedCase) {
	bin := cprog(t, c.prog)
	argv := append([]string{bin}, c.args...)
	for i, a := range argv {
		if a == "DIR" {
			argv[i] = sharedDir(t)
		}
	}
	if prof == "default" {
		t.Run("control", func(t *testing.T) {
			if c.controlNeeds != "" {
				needRoot(t, c.controlNeeds)
			}
			o := runPlain(t, spec{Argv: argv, Prefix: c.controlPrefix, PTY: c.pty})
			if !o.HasResult || !o.Result.Succeeded() || o.Code() != 1 {
				t.Fatalf("unsandboxed, the attack should succeed (so the sandboxed run proves something); got %s", o)
			}
		})
	}

	o := runSandboxed(t, spec{Argv: argv, PTY: c.pty, Profile: prof})
	mustAttach(t, o)
	if !o.HasResult || o.Result.Name != c.name {
		t.Fatalf("no RESULT line from %s; %s", c.name, o)
	}
	if o.Result.Errno() != c.errno || o.Code() != 0 {
		t.Fatalf("sandboxed (%s) %s: want the attack to fail with %s (exit 0), got %q (exit %d); %s",
			prof, c.name, c.errno, o.Result.Outcome, o.Code(), o)
	}
	if c.unreported {
		mustBeSilent(t, o, c.syscall)
		return
	}
	pids := []int{o.Pid}
	if c.attacker {
		pids = append(pids, o.Result.Int("attacker"))
	}
	mustReport(t, o, c.syscall, c.errno, pids)
}

// mustAttach checks that the supervisor saw the wrapper's hand-off for the program we started:
// without it, an absence of events would prove nothing. It returns the attached event, whose
// pid is the program's (in the supervisor's pid namespace).
func mustAttach(t *testing.T, o outcome) wrapper.Event {
	t.Helper()
	for _, e := range o.Events {
		if e.Kind == wrapper.EventAttached {
			if o.Direct && e.Pid != o.Pid {
				t.Errorf("attached event pid %d, want the program's pid %d", e.Pid, o.Pid)
			}
			return e
		}
	}
	t.Fatalf("the supervisor never saw the wrapper attach; %s", o)
	return wrapper.Event{}
}

// mustReport checks that the supervisor reported the denied call: the syscall, a rule of the
// default profile that really matches those arguments, the action, the errno the program got,
// and a pid of the program (or of its child).
func mustReport(t *testing.T, o outcome, sysname, errnoName string, pids []int) wrapper.Event {
	t.Helper()
	evs := o.Blocked(sysname)
	if len(evs) == 0 {
		t.Fatalf("the supervisor reported no blocked %s; %s", sysname, o)
	}
	e := evs[0]
	if !slices.Contains(pids, e.Pid) {
		t.Errorf("event pid %d, want one of %v (the program or its attacking child)", e.Pid, pids)
	}
	if nr, ok := policy.SyscallNumber(sysname); !ok || e.Nr != nr {
		t.Errorf("event nr %d, want %s = %d", e.Nr, sysname, nr)
	}
	if e.Arch != policy.AuditArchX86_64 {
		t.Errorf("event arch %#x, want x86_64", e.Arch)
	}
	if e.Rule == "" || e.RuleIndex < 0 {
		t.Errorf("event names no rule (rule %q index %d): a denial must say which rule", e.Rule, e.RuleIndex)
	}
	if e.Action != "errno" {
		t.Errorf("event action %q, want errno", e.Action)
	}
	if want, _ := policy.ErrnoNumber(errnoName); e.Errno != want {
		t.Errorf("event errno %d, want %s = %d (what the program printed)", e.Errno, errnoName, want)
	}
	if e.Count < 1 {
		t.Errorf("event count %d, want >= 1", e.Count)
	}
	// The supervisor's rule must be the one the pure policy picks for those very arguments.
	m := o.Policy.Match(e.Arch, e.Nr, e.Args)
	if m.Rule == nil || m.Rule.Name != e.Rule || m.Action.Kind != e.Action {
		t.Errorf("policy.Match(%s, args %#x) = rule %v action %v, but the supervisor reported rule %q action %q",
			sysname, e.Args, m.Rule, m.Action, e.Rule, e.Action)
	}
	return e
}

// mustBeSilent checks a denial the profile deliberately does not report: its rule (which takes
// no arguments) says Report: false, and the supervisor published nothing.
func mustBeSilent(t *testing.T, o outcome, sysname string) {
	t.Helper()
	nr, _ := policy.SyscallNumber(sysname)
	if m := o.Policy.Match(policy.AuditArchX86_64, nr, [6]uint64{}); m.Report || !m.Action.Denies() {
		t.Errorf("the %s profile now reports or allows %s (rule %v, action %v): update this case", o.Policy.Name, sysname, m.Rule, m.Action)
	}
	if d := o.Denials(); len(d) != 0 {
		t.Errorf("unreported rule, yet the supervisor reported:\n%s", formatEvents(d))
	}
}

// TestHostileArchKill: calls through the i386 ABI (int $0x80) and x32 numbers are killed by the
// kernel filter itself (SECCOMP_RET_KILL_PROCESS) before any rule runs, so no notification
// exists: the wait status (SIGSYS) is the verdict.
func TestHostileArchKill(t *testing.T) {
	cases := []struct {
		name, prog string
		// controlOK decides whether the unsandboxed run shows the attack path is real.
		controlOK func(o outcome) bool
		why       string
	}{
		{"int80_ptrace", "int80_ptrace.c",
			func(o outcome) bool { return o.Result.Succeeded() },
			"i386 ptrace(PTRACE_TRACEME) should succeed unsandboxed"},
		// Most kernels lack the x32 ABI (CONFIG_X86_X32_ABI): then the number returns ENOSYS
		// unsandboxed, and only SIGSYS sandboxed shows the filter's own check.
		{"x32_getpid", "x32_getpid.c",
			func(o outcome) bool { return o.Result.Succeeded() || o.Result.Errno() == "ENOSYS" },
			"an x32 getpid should return the pid (x32 kernel) or ENOSYS unsandboxed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			bin := cprog(t, c.prog)
			ctl := runPlain(t, spec{Argv: []string{bin}})
			if !ctl.HasResult || !c.controlOK(ctl) {
				if ctl.Signal() == syscall.SIGSEGV && c.name == "int80_ptrace" {
					t.Skipf("this kernel has no i386 emulation (int $0x80 faults): nothing to attack")
				}
				t.Fatalf("control: %s; %s", c.why, ctl)
			}
			t.Logf("control: %s", ctl.Result.Line)

			o := runSandboxed(t, spec{Argv: []string{bin}})
			mustAttach(t, o)
			if o.Signal() != syscall.SIGSYS {
				t.Fatalf("sandboxed %s: want death by SIGSYS (signal 31) from the arch/x32 kill, got %s", c.name, o)
			}
			if o.HasResult {
				t.Errorf("the program ran past the forbidden call: %q", o.Result.Line)
			}
			if d := o.Denials(); len(d) != 0 {
				t.Errorf("the kernel kills these before any notification; the supervisor reported:\n%s", formatEvents(d))
			}
		})
	}
}

// TestHostileProcMem: writing /proc/<ppid>/mem is an open(2) seccomp cannot judge by path. The
// wrapper started as root runs the program as nobody, so the open fails with EACCES.
func TestHostileProcMem(t *testing.T) {
	t.Parallel()
	needRoot(t, "only the root -> nobody drop protects /proc/<ppid>/mem")
	bin := cprog(t, "proc_mem.c")
	ctl := runPlain(t, spec{Argv: []string{bin}})
	if !ctl.Result.Succeeded() {
		t.Fatalf("control: as root, opening the parent's mem for writing should work; %s", ctl)
	}
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if o.Result.Errno() != "EACCES" || o.Code() != 0 {
		t.Fatalf("sandboxed: want open(/proc/<ppid>/mem, O_RDWR) to fail with EACCES; %s", o)
	}
	if want := "/proc/" + strconv.Itoa(os.Getpid()) + "/mem"; o.Result.Fields["path"] != want {
		t.Errorf("the program attacked %s, want its parent's %s", o.Result.Fields["path"], want)
	}
}

// TestHostilePrivDrop: started as root without --user, the wrapper runs the program as nobody
// with no groups and no capabilities, under no_new_privs and one seccomp filter, and the
// program cannot get root back.
func TestHostilePrivDrop(t *testing.T) {
	t.Parallel()
	needRoot(t, "the drop happens only when the wrapper starts as root")
	bin := cprog(t, "privdrop.c")
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if o.Result.Errno() != "EPERM" {
		t.Fatalf("want setuid(0)/setgid(0) to fail with EPERM; %s", o)
	}
	want := map[string]string{
		"Uid": "65534,65534,65534,65534", "Gid": "65534,65534,65534,65534", "Groups": "",
		"CapInh": "0000000000000000", "CapPrm": "0000000000000000", "CapEff": "0000000000000000",
		"CapAmb": "0000000000000000", "NoNewPrivs": "1", "Seccomp": "2", "Seccomp_filters": "1",
	}
	got := map[string]string{}
	for _, line := range strings.Split(o.Stdout, "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "STATUS "), "="); ok && strings.HasPrefix(line, "STATUS ") {
			got[k] = v
		}
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("/proc/self/status %s = %q, want %q", k, g, v)
		}
	}
}

// TestHostileSuidExec: a program run as nobody execs a set-user-ID-root copy of itself. The
// control (nobody, without no_new_privs) gets euid 0; under the wrapper no_new_privs keeps it
// nobody.
func TestHostileSuidExec(t *testing.T) {
	t.Parallel()
	needRoot(t, "making a set-user-ID-root file and running as nobody")
	setpriv := testbin.NeedTool(t, "setpriv")
	bin := cprog(t, "suid_exec.c")
	suid := filepath.Join(sharedDir(t), "suid_copy")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(suid, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(suid, os.ModeSetuid|0o755); err != nil { // root-owned: the test runs as root
		t.Fatal(err)
	}
	t.Run("control", func(t *testing.T) {
		o := runPlain(t, spec{Argv: []string{bin, suid},
			Prefix: []string{setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"}})
		if !o.Result.Succeeded() {
			t.Fatalf("control: as nobody without no_new_privs the set-user-ID bit should give euid 0 (is %s on a nosuid mount?); %s", suid, o)
		}
	})
	o := runSandboxed(t, spec{Argv: []string{bin, suid}})
	mustAttach(t, o)
	if o.Result.Errno() != "EPERM" || o.Result.Fields["euid"] != strconv.Itoa(nobodyUID) {
		t.Fatalf("want the set-user-ID bit ignored (euid %d); %s", nobodyUID, o)
	}
}

// TestHostileRlimitRaise: the program cannot raise the hard limits the wrapper set (that needs
// CAP_SYS_RESOURCE, which nobody lacks). No control: raising needs CAP_SYS_RESOURCE, which
// even root may not hold in a container.
func TestHostileRlimitRaise(t *testing.T) {
	t.Parallel()
	needRoot(t, "the program keeps CAP_SYS_RESOURCE when the wrapper does not drop to nobody")
	bin := cprog(t, "rlimit_raise.c")
	o := runSandboxed(t, spec{Argv: []string{bin}, Limits: "cpu=1s,mem=64M,fsize=16M,nofile=32,nproc=64"})
	mustAttach(t, o)
	if o.Result.Errno() != "EPERM" {
		t.Fatalf("want raising a hard limit to fail with EPERM; %s", o)
	}
	want := map[string]string{
		"cpu_hard": "2->2", // SIGXCPU at 1 s, SIGKILL a second later
		"mem_hard": "67108864->67108864", "fsize_hard": "16777216->16777216",
		"nofile_hard": "32->32", "nproc_hard": "64->64",
	}
	for k, v := range want {
		if got := o.Result.Fields[k]; got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// TestHostileSupervisorGone: when the supervisor goes away while the program runs, its reported
// calls must fail closed (ENOSYS), never run and never hang.
func TestHostileSupervisorGone(t *testing.T) {
	t.Parallel()
	bin := cprog(t, "ptrace_traceme.c")
	pol, err := policy.Profile("default")
	if err != nil {
		t.Fatal(err)
	}
	sup, err := wrapper.NewSupervisor(wrapper.SupervisorConfig{Policy: pol})
	if err != nil {
		t.Fatalf("NewSupervisor: %v", err)
	}
	attached := make(chan wrapper.Event, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for e := range sup.Events() {
			if e.Kind == wrapper.EventAttached {
				attached <- e
			}
		}
	}()
	cmd := exec.Command(testbin.Wrapper(t), "--notify", sup.SocketPath(), "--profile", "default", "--", bin, "wait")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		sup.Close()
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	select {
	case <-attached:
	case <-time.After(runTimeout):
		sup.Close()
		t.Fatalf("the wrapper never attached; stderr: %s", stderr.String())
	}
	if err := sup.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	<-drained
	stdin.Write([]byte("x"))
	stdin.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(runTimeout):
		t.Fatalf("the program hung on a reported call after the supervisor closed")
	}
	r, ok := parseResult(stdout.String())
	if !ok || r.Errno() != "ENOSYS" {
		t.Fatalf("after the supervisor closed, ptrace should fail with ENOSYS; stdout %q stderr %q", stdout.String(), stderr.String())
	}
}

// TestHostileThread: a forbidden call from a second thread is reported with the process's pid
// and that thread's tid.
func TestHostileThread(t *testing.T) {
	t.Parallel()
	bin := cprog(t, "thread_personality.c")
	ctl := runPlain(t, spec{Argv: []string{bin}})
	if !ctl.Result.Succeeded() {
		t.Fatalf("control: personality(READ_IMPLIES_EXEC) from a thread should work unsandboxed; %s", ctl)
	}
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if o.Result.Errno() != "EPERM" {
		t.Fatalf("want EPERM; %s", o)
	}
	e := mustReport(t, o, "personality", "EPERM", []int{o.Pid})
	if tid := o.Result.Int("tid"); e.Tid != tid || tid == o.Pid {
		t.Errorf("event tid %d, want the calling thread %d (not the main thread %d)", e.Tid, tid, o.Pid)
	}
}

// TestHostileOrphan: the program's main process exits at once; its child, re-parented, then
// makes a forbidden call. The sandbox and its reports must outlive the main process.
func TestHostileOrphan(t *testing.T) {
	t.Parallel()
	bin := cprog(t, "orphan.c")
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if o.Result.Name != "orphan" || o.Result.Errno() != "EPERM" {
		t.Fatalf("want the orphan's ptrace to fail with EPERM; %s", o)
	}
	child := o.Result.Int("pid")
	if child == o.Pid {
		t.Fatalf("the RESULT came from the main process, not the child; %s", o)
	}
	mustReport(t, o, "ptrace", "EPERM", []int{child})
	if k := o.Events[len(o.Events)-1].Kind; k != wrapper.EventDetached {
		t.Errorf("last event %v, want detached (after the child's report)", k)
	}
}

// TestHostileFlood: a program calling a forbidden syscall many times gets every call answered
// and counted. Without signals the counts are exact. Under a storm of interval-timer signals
// (SA_RESTART) calls waiting at the supervisor get interrupted and restarted: each must still be
// answered, and counted at least once. It can be counted twice: when the signal wakes the
// thread just before the supervisor's reply lands, SECCOMP_IOCTL_NOTIF_SEND succeeds, yet the
// kernel drops that reply and restarts the call, which notifies again (seen 1-3 times in 20000
// calls with ~10000 interruptions; see docs/bench/hostile.md).
func TestHostileFlood(t *testing.T) {
	const calls = 20000
	for _, mode := range []string{"plain", "storm"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			bin := cprog(t, "flood.c")
			o := runSandboxed(t, spec{Argv: []string{bin, strconv.Itoa(calls), mode}})
			mustAttach(t, o)
			if o.Result.Errno() != "EPERM" || o.Result.Int("denied") != calls {
				t.Fatalf("want all %d calls denied with EPERM; %s", calls, o.Result.Line)
			}
			t.Logf("%s in %v", o.Result.Line, o.Elapsed.Round(time.Millisecond))
			sum := 0
			for _, e := range o.Blocked("personality") {
				sum += e.Count
			}
			var stat int64
			for _, st := range o.Stats {
				if st.Syscall == "personality" {
					stat += st.Count
				}
			}
			if int64(sum) != stat {
				t.Errorf("events count %d personality calls, Stats %d", sum, stat)
			}
			switch {
			case mode == "plain" && sum != calls:
				t.Errorf("counted %d personality calls, the program made %d", sum, calls)
			case sum < calls:
				t.Errorf("counted %d personality calls, fewer than the %d the program made", sum, calls)
			case sum > calls:
				t.Logf("counted %d: %d interrupted calls had a reply the kernel dropped, and were counted again on restart", sum, sum-calls)
			}
			if max := calls + o.Result.Int("ticks"); sum > max {
				t.Errorf("counted %d calls, more than calls + interruptions (%d)", sum, max)
			}
		})
	}
}

// TestKernelNotifyRace pins down the kernel behaviour TestHostileFlood's storm mode tolerates,
// with a C program of its own (no sandbug code): under a signal storm, successful
// SECCOMP_IOCTL_NOTIF_SEND replies can exceed the calls made (interruptible wait), but never with
// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, which would make the supervisor's counts exact when no
// debugger needs to interrupt the program.
func TestKernelNotifyRace(t *testing.T) {
	for _, mode := range []string{"interruptible", "killable"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			bin := cprog(t, "notify_race.c")
			o := runPlain(t, spec{Argv: []string{bin, "20000", mode}})
			if !o.HasResult || o.Result.Int("denied") != 20000 {
				t.Fatalf("want 20000 denied calls; %s", o)
			}
			t.Log(o.Result.Line)
			over := o.Result.Int("overcount")
			if over < 0 || (mode == "killable" && over != 0) {
				t.Errorf("%s: %d more successful replies than calls", mode, over)
			}
		})
	}
}

// TestHostileNotifySpoof: the program connects to its own supervisor's socket and forges a
// wrapper error. Run as nobody it cannot even reach the socket (0700 directory); with
// --user root it reaches it, and the supervisor accepts root peers (see the report: an explicit
// root program can forge wrapper errors).
func TestHostileNotifySpoof(t *testing.T) {
	t.Parallel()
	needRoot(t, "the nobody drop keeps the program out of the socket's directory")
	bin := cprog(t, "notify_spoof.c")
	o := runSandboxed(t, spec{Argv: []string{bin, socketArg}})
	mustAttach(t, o)
	if o.Result.Errno() != "EACCES" {
		t.Fatalf("as nobody, connecting to the supervisor's socket should fail with EACCES; %s", o)
	}
	for _, e := range o.Events {
		if e.Kind == wrapper.EventWrapperError {
			t.Errorf("the program forged a wrapper error: %s", formatEvent(e))
		}
	}
}

// TestHostileCustomActions: a policy file whose first rule answers ptrace with kill or trap.
// kill: the supervisor SIGKILLs the process (EventKilled); trap: the call fails and SIGSYS
// follows, which kills a program that does not handle it (EventBlocked, action trap).
func TestHostileCustomActions(t *testing.T) {
	for _, c := range []struct {
		kind   policy.ActionKind
		signal syscall.Signal
		event  wrapper.EventKind
	}{
		{policy.Kill, syscall.SIGKILL, wrapper.EventKilled},
		{policy.Trap, syscall.SIGSYS, wrapper.EventBlocked},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			t.Parallel()
			pol, err := policy.Profile("default")
			if err != nil {
				t.Fatal(err)
			}
			pol.Name = "hostile-" + string(c.kind)
			rule := policy.Rule{Name: "no ptrace, ever", Explain: "A test rule.", Syscalls: []string{"ptrace"},
				Action: policy.Action{Kind: c.kind}}
			pol.Rules = append([]policy.Rule{rule}, pol.Rules...)
			bin := cprog(t, "ptrace_traceme.c")
			o := runSandboxed(t, spec{Argv: []string{bin}, Policy: pol})
			mustAttach(t, o)
			if o.Signal() != c.signal || o.HasResult {
				t.Fatalf("want death by %v before any RESULT line; %s", c.signal, o)
			}
			var got []wrapper.Event
			for _, e := range o.Events {
				if e.Kind == c.event && e.Syscall == "ptrace" {
					got = append(got, e)
				}
			}
			if len(got) != 1 {
				t.Fatalf("want one %v ptrace event; %s", c.event, o)
			}
			if e := got[0]; e.Pid != o.Pid || e.Rule != rule.Name || e.RuleIndex != 0 || e.Action != c.kind {
				t.Errorf("event %s: want pid %d, rule %q #0, action %s", formatEvent(e), o.Pid, rule.Name, c.kind)
			}
		})
	}
}

// TestHostilePermissive: the permissive profile lets the dangerous calls run but reports each
// one (action log), so the same attacks succeed and show up as logged events.
func TestHostilePermissive(t *testing.T) {
	for _, c := range deniedCases {
		switch c.name {
		case "ptrace_traceme", "unshare_user", "personality", "add_key", "seccomp_prctl":
		default:
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			bin := cprog(t, c.prog)
			o := runSandboxed(t, spec{Argv: append([]string{bin}, c.args...), Profile: "permissive"})
			mustAttach(t, o)
			if !o.Result.Succeeded() {
				t.Fatalf("permissive: the call should run; %s", o)
			}
			var logged []wrapper.Event
			for _, e := range o.Events {
				if e.Kind == wrapper.EventLogged && e.Syscall == c.syscall {
					logged = append(logged, e)
				}
			}
			if len(logged) == 0 {
				t.Fatalf("permissive: no logged %s event; %s", c.syscall, o)
			}
			if e := logged[0]; e.Pid != o.Pid || e.Action != "log" || e.Rule == "" || e.Errno != 0 {
				t.Errorf("logged event %s: want pid %d, action log, a rule, errno 0", formatEvent(e), o.Pid)
			}
			if d := o.Denials(); len(d) != 0 {
				t.Errorf("permissive denied calls:\n%s", formatEvents(d))
			}
		})
	}
}

// TestHostileFDLeak: the wrapper must add no descriptor to what its caller passed down (a
// leaked seccomp listener would let the program answer its own notifications; a leaked notify
// socket would let it speak to the supervisor). The unsandboxed run gives the baseline: a test
// started from a shell that leaks descriptors passes them to both runs alike.
func TestHostileFDLeak(t *testing.T) {
	t.Parallel()
	bin := cprog(t, "fd_leak.c")
	base := runPlain(t, spec{Argv: []string{bin}})
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if !o.HasResult || !base.HasResult {
		t.Fatalf("no RESULT line; unsandboxed: %s\nsandboxed: %s", base, o)
	}
	inherited := map[string]bool{}
	for _, l := range strings.Split(base.Result.Fields["leaked"], ",") {
		inherited[fdNumber(l)] = true
	}
	for _, l := range strings.Split(o.Result.Fields["leaked"], ",") {
		if l != "none" && !inherited[fdNumber(l)] {
			t.Errorf("the wrapper leaked descriptor %s into the program", l)
		}
	}
	if base.Result.Fields["leaked"] != "none" {
		t.Logf("descriptors inherited from the test's own parent reach the program through the wrapper: %s", o.Result.Fields["leaked"])
	}
}

// fdNumber returns the number of a fd_leak entry "N:target".
func fdNumber(entry string) string { n, _, _ := strings.Cut(entry, ":"); return n }

// TestHostileForkBomb runs a bounded fork bomb (2000 forks at most) with --limit nproc=64 in a
// private pid namespace: forks must start failing with EAGAIN well below 2000, and no child may
// outlive the run. No unsandboxed control: it is the one attack we do not want to succeed.
func TestHostileForkBomb(t *testing.T) {
	t.Parallel()
	needRoot(t, "RLIMIT_NPROC binds only the unprivileged uid the wrapper drops to as root")
	prefix := pidNSPrefix(t)
	bin := cprog(t, "forkbomb.c")
	o := runSandboxed(t, spec{Prefix: prefix, Argv: []string{bin, hostPidNS(t)}, Limits: "nproc=64"})
	mustAttach(t, o)
	if !o.HasResult {
		t.Fatalf("no RESULT line; %s", o)
	}
	forks, reaped := o.Result.Int("forks"), o.Result.Int("reaped")
	t.Logf("%s", o.Result.Line)
	if o.Result.Errno() != "EAGAIN" {
		t.Fatalf("want fork to fail with EAGAIN under nproc=64; %s", o)
	}
	// RLIMIT_NPROC counts every process of the uid on the machine (other nobody processes
	// included), so the bound is "at most 64", not "exactly 63".
	if forks < 0 || forks >= 64 {
		t.Errorf("%d forks succeeded, want fewer than 64 (the limit)", forks)
	}
	if reaped != forks {
		t.Errorf("reaped %d children of %d", reaped, forks)
	}
	if left := processesNamed("forkbomb"); len(left) != 0 {
		t.Errorf("fork bomb processes outlived the run: %v", left)
	}
}

// killAllScript runs in a private pid namespace as its init: it starts a sibling (sleep), runs
// its arguments (the kill(-1) program, sandboxed or not), then reports whether the sibling
// survived. Dead means gone, a zombie, or SIGKILL pending (a killed process that has not run
// since is still "R"; a zombie not yet reaped would pass kill -0).
const killAllScript = `sleep 60 & s=$!
"$@"; rc=$?
alive() {
	st=$(cat /proc/$s/status 2>/dev/null) || return 1
	case "$st" in *"State:	Z"* | *"State:	X"*) return 1 ;; esac
	for m in $(echo "$st" | sed -n 's/^SigPnd:[[:space:]]*//p; s/^ShdPnd:[[:space:]]*//p'); do
		[ $((0x$m & 256)) -eq 0 ] || return 1
	done
}
if alive; then echo "SIBLING alive"; kill "$s"; else echo "SIBLING dead"; fi
wait
exit $rc`

// TestHostileKillAll: kill(-1, SIGKILL) inside a private pid namespace must leave the sibling
// process alive, because the wrapper runs the program as nobody. The control runs the same
// program as root in its own namespace (confined by the namespace and refused by the program
// itself in the host namespace), where it does kill the sibling.
func TestHostileKillAll(t *testing.T) {
	t.Parallel()
	needRoot(t, "unshare --pid and the root -> nobody drop")
	prefix := append(pidNSPrefix(t), "sh", "-c", killAllScript, "sh")
	bin := cprog(t, "kill_all.c")
	argv := []string{bin, hostPidNS(t)}

	t.Run("control", func(t *testing.T) {
		o := runPlain(t, spec{Prefix: prefix, Argv: argv})
		if !strings.Contains(o.Stdout, "SIBLING dead") || !o.Result.Succeeded() {
			t.Fatalf("control: as root in its namespace kill(-1) should kill the sibling; %s", o)
		}
	})

	o := runSandboxed(t, spec{Prefix: prefix, Argv: argv})
	if !strings.Contains(o.Stdout, "SIBLING alive") {
		t.Fatalf("sandboxed kill(-1, SIGKILL) killed the sibling; %s", o)
	}
	if !o.HasResult {
		t.Fatalf("no RESULT line; %s", o)
	}
	att := mustAttach(t, o)
	// With a rule for kill(-1) the policy refuses it (EPERM, reported). Without one, as nobody
	// the kernel finds the sibling, may signal none, and still returns 0 (kill_something_info
	// ignores EPERM once it found processes): the sibling's survival is then the only verdict.
	pol, err := policy.Profile("default")
	if err != nil {
		t.Fatal(err)
	}
	nr, _ := policy.SyscallNumber("kill")
	if m := pol.Match(policy.AuditArchX86_64, nr, [6]uint64{uint64(^uint32(0)), uint64(syscall.SIGKILL)}); m.Action.Denies() {
		if o.Result.Errno() != "EPERM" {
			t.Fatalf("the profile denies kill(-1) (rule %q), yet the program got %q", m.Rule.Name, o.Result.Outcome)
		}
		mustReport(t, o, "kill", "EPERM", []int{att.Pid})
	} else if !o.Result.Succeeded() {
		t.Errorf("no rule for kill(-1): want the kernel's 0, got %q", o.Result.Line)
	}
}

// TestHostileLimits: the resource limits of --limit stop CPU, memory, file-size and descriptor
// exhaustion. Each control shows the same program passes the limit without the sandbox.
func TestHostileLimits(t *testing.T) {
	t.Run("cpu", func(t *testing.T) {
		t.Parallel()
		bin := cprog(t, "cpu_loop.c")
		ctl := runPlain(t, spec{Argv: []string{bin, "1.2"}})
		if !ctl.Result.Succeeded() {
			t.Fatalf("control: the loop should run 1.2 s of CPU unsandboxed; %s", ctl)
		}
		o := runSandboxed(t, spec{Argv: []string{bin, "5"}, Limits: "cpu=1s"})
		mustAttach(t, o)
		if sig := o.Signal(); sig != syscall.SIGXCPU && sig != syscall.SIGKILL {
			t.Fatalf("want death by SIGXCPU (or SIGKILL at the hard limit) under cpu=1s; %s", o)
		}
		cpu := o.State.UserTime() + o.State.SystemTime()
		t.Logf("killed by %v after %v CPU, %v wall", o.Signal(), cpu.Round(time.Millisecond), o.Elapsed.Round(time.Millisecond))
		// rusage is sampled at scheduler ticks: allow slack around the 1 s limit, far below the 5 s
		// the loop wants.
		if cpu < 500*time.Millisecond || cpu > 3*time.Second {
			t.Errorf("killed after %v of CPU, want about 1 s", cpu)
		}
	})
	t.Run("mem", func(t *testing.T) {
		t.Parallel()
		bin := cprog(t, "memhog.c")
		ctl := runPlain(t, spec{Argv: []string{bin, "256"}})
		if !ctl.Result.Succeeded() {
			t.Fatalf("control: 256 MiB should be allocatable unsandboxed; %s", ctl)
		}
		o := runSandboxed(t, spec{Argv: []string{bin, "1024"}, Limits: "mem=64M"})
		mustAttach(t, o)
		if o.Result.Errno() != "ENOMEM" || o.Code() != 0 {
			t.Fatalf("want malloc to fail (ENOMEM) under mem=64M; %s", o)
		}
		if mb := o.Result.Int("allocated_mb"); mb < 0 || mb >= 64 {
			t.Errorf("allocated %d MiB under a 64 MiB limit", mb)
		}
	})
	t.Run("fsize", func(t *testing.T) {
		t.Parallel()
		bin := cprog(t, "bigwrite.c")
		dir := sharedDir(t)
		file := filepath.Join(dir, "big")
		ctl := runPlain(t, spec{Argv: []string{bin, file, "24"}})
		if !ctl.Result.Succeeded() || fileSize(file) != 24<<20 {
			t.Fatalf("control: a 24 MiB file should be writable unsandboxed; %s", ctl)
		}
		os.Remove(file)
		o := runSandboxed(t, spec{Argv: []string{bin, file, "1024"}, Limits: "fsize=16M"})
		mustAttach(t, o)
		if o.Signal() != syscall.SIGXFSZ && o.Result.Errno() != "EFBIG" {
			t.Fatalf("want SIGXFSZ or EFBIG under fsize=16M; %s", o)
		}
		if n := fileSize(file); n > 16<<20 {
			t.Errorf("the file grew to %d bytes past the 16 MiB limit", n)
		}
	})
	t.Run("nofile", func(t *testing.T) {
		t.Parallel()
		bin := cprog(t, "fd_exhaust.c")
		ctl := runPlain(t, spec{Argv: []string{bin, "200"}})
		if !ctl.Result.Succeeded() {
			t.Fatalf("control: 200 descriptors should open unsandboxed; %s", ctl)
		}
		o := runSandboxed(t, spec{Argv: []string{bin, "200"}, Limits: "nofile=32"})
		mustAttach(t, o)
		if o.Result.Errno() != "EMFILE" || o.Code() != 0 {
			t.Fatalf("want EMFILE under nofile=32; %s", o)
		}
		// 0, 1, 2 are taken: the program gets fds 3..31 if nothing leaked.
		if hi := o.Result.Int("highest"); hi != 31 {
			t.Errorf("highest descriptor %d, want 31 under nofile=32", hi)
		}
	})
}

// benignPrograms must print the same thing with and without the sandbox.
var benignPrograms = []string{
	"printf", "malloc", "threads", "forkpipe", "fileio", "signals", "exec", "rlimit", "clock",
}

// TestBenign: ordinary programs work unchanged under the default profile (and the strict one),
// and the supervisor reports nothing for them.
func TestBenign(t *testing.T) {
	for _, prof := range []string{"default", "strict"} {
		t.Run(prof, func(t *testing.T) {
			t.Parallel()
			for _, name := range benignPrograms {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					testBenign(t, prof, name)
				})
			}
		})
	}
}

func testBenign(t *testing.T, prof, name string) {
	bin := cprog(t, "benign/"+name+".c")
	dir := sharedDir(t)
	plain := runPlain(t, spec{Argv: []string{bin}, Dir: dir})
	if plain.Code() != 0 {
		t.Fatalf("unsandboxed run failed: %s", plain)
	}
	o := runSandboxed(t, spec{Argv: []string{bin}, Dir: dir, Profile: prof})
	mustAttach(t, o)
	if o.Code() != 0 {
		t.Fatalf("sandboxed run failed: %s", o)
	}
	if o.Stdout != plain.Stdout || o.Stderr != plain.Stderr {
		t.Errorf("output differs\nunsandboxed stdout:\n%s\nsandboxed stdout:\n%s\nunsandboxed stderr:\n%s\nsandboxed stderr:\n%s",
			plain.Stdout, o.Stdout, plain.Stderr, o.Stderr)
	}
	if d := o.Denials(); len(d) != 0 {
		t.Errorf("a benign program got denials:\n%s", formatEvents(d))
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("the program left files in its directory: %v", left)
	}
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

// BenchmarkDeniedCall measures one forbidden call (personality(READ_IMPLIES_EXEC)), made b.N
// times in one run of the flood program: unsandboxed (the call runs), under the wrapper without
// a supervisor (the filter answers EPERM in the kernel), and reported through the supervisor
// (the notify round trip). The program's start-up is spread over b.N: use a large -benchtime,
// e.g. go test ./wrapper/ -run '^$' -bench DeniedCall -benchtime 200000x
func BenchmarkDeniedCall(b *testing.B) {
	bin := cprog(b, "flood.c")
	wr := testbin.Wrapper(b)
	pol, err := policy.Profile("default")
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, argv ...string) {
		b.Helper()
		cmd := exec.Command(argv[0], argv[1:]...)
		b.ResetTimer()
		out, err := cmd.Output()
		b.StopTimer()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			b.Fatalf("%v: %v", argv, err)
		}
		if r, ok := parseResult(string(out)); !ok || r.Int("calls") != b.N {
			b.Fatalf("%v: unexpected output %q", argv, out)
		}
	}
	b.Run("unsandboxed", func(b *testing.B) {
		run(b, bin, strconv.Itoa(b.N))
	})
	b.Run("kernel-errno", func(b *testing.B) {
		run(b, wr, "--profile", "default", "--", bin, strconv.Itoa(b.N))
	})
	b.Run("supervisor", func(b *testing.B) {
		sup, err := wrapper.NewSupervisor(wrapper.SupervisorConfig{Policy: pol})
		if err != nil {
			b.Fatal(err)
		}
		defer sup.Close()
		go func() {
			for range sup.Events() {
			}
		}()
		run(b, wr, "--notify", sup.SocketPath(), "--profile", "default", "--", bin, strconv.Itoa(b.N))
	})
}
