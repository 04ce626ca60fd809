package wrapper

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// collector gathers a supervisor's events in the background.
type collector struct {
	mu     sync.Mutex
	events []Event
	cond   *sync.Cond
	done   bool
}

func collect(sup *Supervisor) *collector {
	c := &collector{}
	c.cond = sync.NewCond(&c.mu)
	go func() {
		for e := range sup.Events() {
			c.mu.Lock()
			c.events = append(c.events, e)
			c.cond.Broadcast()
			c.mu.Unlock()
		}
		c.mu.Lock()
		c.done = true
		c.cond.Broadcast()
		c.mu.Unlock()
	}()
	return c
}

// waitFor returns the events once one satisfies f (or the channel closed, or 20 s passed).
func (c *collector) waitFor(t *testing.T, what string, f func(Event) bool) []Event {
	t.Helper()
	timer := time.AfterFunc(20*time.Second, func() {
		c.mu.Lock()
		c.done = true
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for _, e := range c.events {
			if f(e) {
				return append([]Event(nil), c.events...)
			}
		}
		if c.done {
			t.Fatalf("no event for %s; got:\n%s", what, dumpEvents(c.events))
		}
		c.cond.Wait()
	}
}

// all waits for the channel to close and returns every event.
func (c *collector) all() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	for !c.done {
		c.cond.Wait()
	}
	return append([]Event(nil), c.events...)
}

func dumpEvents(evs []Event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "  %v pid=%d tid=%d %s(%d) args=%x rule=%q#%d action=%s errno=%d count=%d held=%v program=%q code=%d msg=%q\n",
			e.Kind, e.Pid, e.Tid, e.Syscall, e.Nr, e.Args, e.Rule, e.RuleIndex, e.Action, e.Errno, e.Count, e.Held,
			e.Program, e.Code, e.Message)
	}
	return b.String()
}

func newSupervisor(t *testing.T, cfg SupervisorConfig) (*Supervisor, *collector) {
	t.Helper()
	if cfg.Policy == nil {
		p, err := policy.Profile("default")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Policy = p
	}
	sup, err := NewSupervisor(cfg)
	if err != nil {
		t.Fatalf("NewSupervisor: %v", err)
	}
	t.Cleanup(func() {
		if err := sup.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if _, err := os.Stat(sup.SocketPath()); !os.IsNotExist(err) {
			t.Errorf("socket left behind after Close: %v", err)
		}
	})
	return sup, collect(sup)
}

// wrapperRun runs the real sandbug-wrapper binary.
type wrapperRun struct {
	pid            int
	stdout, stderr string
	err            error
}

func runWrapper(t *testing.T, args ...string) wrapperRun {
	t.Helper()
	cmd := exec.Command(testbin.Wrapper(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	return wrapperRun{cmd.Process.Pid, out.String(), errb.String(), err}
}

func writePolicy(t *testing.T, p *policy.Policy) string {
	t.Helper()
	y, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	f := testbin.WorldDir(t) + "/policy.yaml"
	if err := os.WriteFile(f, y, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSupervisorDeniedCallEvent(t *testing.T) {
	denied := fixture(t, "denied")
	sup, c := newSupervisor(t, SupervisorConfig{})
	r := runWrapper(t, "--notify", sup.SocketPath(), "--profile", "default", "--", denied, "3", strconv.Itoa(unix.SYS_PERSONALITY), "1")
	if r.err != nil || !strings.Contains(r.stdout, "eperm=3 other=0") {
		t.Fatalf("program: %v %q %q", r.err, r.stdout, r.stderr)
	}
	evs := c.waitFor(t, "detach", func(e Event) bool { return e.Kind == EventDetached && e.Pid == r.pid })
	if evs[0].Kind != EventAttached || evs[0].Pid != r.pid || evs[0].Program != denied || evs[0].Policy != "default" {
		t.Errorf("first event should attach pid %d program %s:\n%s", r.pid, denied, dumpEvents(evs))
	}
	total := 0
	for _, e := range evs {
		if e.Kind != EventBlocked {
			continue
		}
		total += e.Count
		want := [6]uint64{1, 2, 3, 4, 5, 6}
		if e.Syscall != "personality" || e.Nr != unix.SYS_PERSONALITY || e.Args != want || e.Pid != r.pid ||
			e.Tid != r.pid || e.Rule != "personality" || e.Action != policy.Errno || e.Errno != int(unix.EPERM) ||
			e.Arch != policy.AuditArchX86_64 || e.IP == 0 {
			t.Errorf("blocked event is wrong:\n%s", dumpEvents([]Event{e}))
		}
	}
	if total != 3 {
		t.Errorf("blocked events count %d calls, want 3:\n%s", total, dumpEvents(evs))
	}
	st := sup.Stats()
	if len(st) != 1 || st[0].Count != 3 || st[0].Syscall != "personality" || st[0].Rule != "personality" {
		t.Errorf("Stats = %+v", st)
	}
}

func TestSupervisorKillsWholeProcess(t *testing.T) {
	prog := fixture(t, "thread_call")
	p, _ := policy.Profile("default")
	p.Rules = append([]policy.Rule{{Name: "no personality", Syscalls: []string{"personality"}, Action: policy.Action{Kind: policy.Kill}}}, p.Rules...)
	sup, c := newSupervisor(t, SupervisorConfig{Policy: p})
	r := runWrapper(t, "--notify", sup.SocketPath(), "--policy", writePolicy(t, p), "--", prog)
	if sig := signalOf(r.err); sig != syscall.SIGKILL {
		t.Fatalf("program ended with %v (signal %v), want SIGKILL; out %q err %q", r.err, sig, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "result=") {
		t.Fatalf("the call returned: %q", r.stdout)
	}
	var pid, tid int
	fmt.Sscanf(r.stdout, "pid=%d tid=%d", &pid, &tid)
	evs := c.waitFor(t, "kill", func(e Event) bool { return e.Kind == EventKilled })
	for _, e := range evs {
		if e.Kind == EventKilled {
			if e.Pid != r.pid || pid != r.pid || e.Tid != tid || e.Tid == e.Pid || e.Syscall != "personality" ||
				e.Rule != "no personality" || e.Action != policy.Kill || e.Count != 1 || e.Args[1] != 22 {
				t.Errorf("killed event wrong (pid %d tid %d):\n%s", pid, tid, dumpEvents(evs))
			}
		}
	}
	if st := sup.Stats(); len(st) != 1 || st[0].Count != 1 || st[0].Action != policy.Kill {
		t.Errorf("Stats = %+v", st)
	}
}

// TestSupervisorInterceptHold: the launcher's stop-at-blocked flow under real gdb. Intercept
// holds the first notification, so the thread stays in the call; an interrupt (SIGINT, as gdb's
// -exec-interrupt sends) stops the program in gdb and withdraws the call; gdb continues, the
// call restarts, and Intercept's second answer (ENOSYS) reaches the program.
func TestSupervisorInterceptHold(t *testing.T) {
	gdb := testbin.NeedTool(t, "gdb")
	denied := fixture(t, "denied")
	notified := make(chan Event, 4)
	calls := 0
	sup, c := newSupervisor(t, SupervisorConfig{Intercept: func(e Event) (Verdict, bool) {
		calls++
		notified <- e
		if calls == 1 {
			return Verdict{}, true
		}
		return Verdict{Kind: policy.Errno, Errno: int(unix.ENOSYS)}, false
	}})
	cmd := exec.Command(gdb, "-nx", "-batch",
		"-ex", "set startup-with-shell on",
		"-ex", "set exec-wrapper "+testbin.Wrapper(t)+" --notify "+sup.SocketPath(),
		"-ex", "run",
		"-ex", "continue",
		"--args", denied, "1")
	cmd.Env = append(os.Environ(), "SHELL=/bin/sh", "LC_ALL=C.UTF-8")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	first := <-notified
	if first.Kind != EventBlocked || first.Errno != int(unix.EPERM) || first.Syscall != "personality" {
		t.Errorf("Intercept saw %s", dumpEvents([]Event{first}))
	}
	// Held: the thread sits in the call (its /proc syscall file shows the number), nothing returns.
	sc, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", first.Tid))
	if err != nil || !strings.HasPrefix(string(sc), strconv.Itoa(unix.SYS_PERSONALITY)+" ") {
		t.Errorf("held thread: /proc/%d/syscall = %q, %v", first.Tid, sc, err)
	}
	select {
	case e := <-notified:
		t.Fatalf("a held call notified again before any interrupt: %s", dumpEvents([]Event{e}))
	default:
	}
	syscall.Kill(first.Pid, syscall.SIGINT)
	second := <-notified
	if second.Tid != first.Tid || second.Nr != first.Nr || second.Args != first.Args {
		t.Errorf("restarted call: %s", dumpEvents([]Event{second}))
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("gdb: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "received signal SIGINT") || !strings.Contains(out.String(), "eperm=0 other=1 last_errno=38") {
		t.Errorf("gdb should stop on the interrupt and the replaced verdict ENOSYS reach the program:\n%s", out.String())
	}
	evs := c.waitFor(t, "answered", func(e Event) bool { return e.Kind == EventBlocked && !e.Held })
	var held, answered int
	for _, e := range evs {
		if e.Kind == EventBlocked && e.Held {
			held++
		}
		if e.Kind == EventBlocked && !e.Held {
			answered++
			if e.Errno != int(unix.ENOSYS) {
				t.Errorf("answered event errno %d, want ENOSYS", e.Errno)
			}
		}
	}
	if held != 1 || answered != 1 {
		t.Errorf("want one held and one answered event:\n%s", dumpEvents(evs))
	}
	if st := sup.Stats(); len(st) != 1 || st[0].Count != 1 {
		t.Errorf("Stats = %+v (a held call counts once, when answered)", st)
	}
}

// TestSupervisorExactUnderSignalStorm: outside a debugger the wrapper makes the wait for an
// answer killable only, so a storm of handled signals cannot make the kernel drop a delivered
// answer and restart the call: every call is counted exactly once. (The race it closes is
// narrow; this storm rarely hits it even without the flag. TestKernelNotifyRace in the hostile
// suite reproduces it with the kernel alone.)
func TestSupervisorExactUnderSignalStorm(t *testing.T) {
	denied := fixture(t, "denied")
	sup, c := newSupervisor(t, SupervisorConfig{})
	const n = 20000
	r := runWrapper(t, "--notify", sup.SocketPath(), "--", denied, strconv.Itoa(n), strconv.Itoa(unix.SYS_PERSONALITY), "1", "storm")
	if r.err != nil || !strings.Contains(r.stdout, fmt.Sprintf("eperm=%d other=0", n)) {
		t.Fatalf("%v %q %q", r.err, r.stdout, r.stderr)
	}
	var ticks int
	if i := strings.Index(r.stdout, "ticks="); i < 0 {
		t.Fatalf("no ticks in %q", r.stdout)
	} else {
		fmt.Sscanf(r.stdout[i:], "ticks=%d", &ticks)
	}
	c.waitFor(t, "detach", func(e Event) bool { return e.Kind == EventDetached && e.Pid == r.pid })
	if st := sup.Stats(); len(st) != 1 || st[0].Count != n {
		t.Errorf("Stats = %+v, want exactly %d calls (%d signals arrived meanwhile)", st, n, ticks)
	}
	t.Logf("%d calls, %d signals during them", n, ticks)
}

func TestSupervisorServesRestarts(t *testing.T) {
	denied := fixture(t, "denied")
	sup, c := newSupervisor(t, SupervisorConfig{})
	var pids []int
	for range 3 {
		r := runWrapper(t, "--notify", sup.SocketPath(), "--", denied, "2")
		if r.err != nil || !strings.Contains(r.stdout, "eperm=2") {
			t.Fatalf("%v %q %q", r.err, r.stdout, r.stderr)
		}
		pids = append(pids, r.pid)
	}
	c.waitFor(t, "third detach", func(e Event) bool { return e.Kind == EventDetached && e.Pid == pids[2] })
	if st := sup.Stats(); len(st) != 1 || st[0].Count != 6 {
		t.Errorf("Stats = %+v, want 6 calls", st)
	}
}

func TestSupervisorWrapperErrors(t *testing.T) {
	sup, c := newSupervisor(t, SupervisorConfig{})
	dir := testbin.WorldDir(t)
	bad := dir + "/bad.yaml"
	os.WriteFile(bad, []byte("name: x\ndefault: maybe\n"), 0o644)
	plain := dir + "/plain"
	os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"not found", []string{"--", "sandbug-no-such-program"}, ExitNotFound, "not found"},
		{"not executable", []string{"--", plain}, ExitNotExecutable, "permission denied"},
		{"bad policy file", []string{"--policy", bad, "--", "/bin/true"}, ExitSetup, "--policy"},
		{"missing policy file", []string{"--policy", dir + "/none.yaml", "--", "/bin/true"}, ExitSetup, "--policy"},
		{"unknown profile", []string{"--profile", "lax", "--", "/bin/true"}, ExitSetup, "--profile"},
		{"bad limit", []string{"--limit", "mem=lots", "--", "/bin/true"}, ExitSetup, "--limit"},
		{"unknown user", []string{"--user", "no-such-user-here", "--", "/bin/true"}, ExitSetup, "no such user"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runWrapper(t, append([]string{"--notify", sup.SocketPath()}, tc.args...)...)
			if got := exitCode(r.err); got != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", got, tc.code, r.stderr)
			}
			// The supervisor took the reason (its launcher says it): stderr stays quiet, so a
			// person never reads it twice.
			if r.stderr != "" {
				t.Errorf("stderr %q: want nothing once the supervisor has the reason", r.stderr)
			}
			evs := c.waitFor(t, "wrapper error", func(e Event) bool { return e.Kind == EventWrapperError && e.Pid == r.pid })
			for _, e := range evs {
				if e.Kind == EventWrapperError && e.Pid == r.pid {
					if e.Code != tc.code || !strings.Contains(e.Message, tc.msg) || strings.Contains(e.Message, "\n") {
						t.Errorf("socket error %d %q: want %d, one line mentioning %q", e.Code, e.Message, tc.code, tc.msg)
					}
				}
				if e.Kind == EventAttached && e.Pid == r.pid {
					t.Errorf("a failing wrapper attached")
				}
			}
		})
	}
}

func TestSupervisorPeerCheck(t *testing.T) {
	needRoot(t)
	peer := fixture(t, "peer")
	sup, c := newSupervisor(t, SupervisorConfig{})
	// Control: a root peer with a real listener is accepted.
	out, err := exec.Command(peer, sup.SocketPath()).CombinedOutput()
	if err != nil || string(out) != "ack\n" {
		t.Fatalf("root peer: %v %q", err, out)
	}
	c.waitFor(t, "root peer attached", func(e Event) bool { return e.Kind == EventAttached })
	// A right peer passing some other fd than a seccomp listener is refused too.
	out, err = exec.Command(peer, sup.SocketPath(), "stdin").CombinedOutput()
	if err != nil || string(out) != "closed\n" {
		t.Fatalf("root peer passing stdin: %v %q (want closed)", err, out)
	}
	// Let nobody reach the socket, then connect as nobody: rejected without an ack.
	dir := sup.SocketPath()[:strings.LastIndex(sup.SocketPath(), "/")]
	os.Chmod(dir, 0o711)
	os.Chmod(sup.SocketPath(), 0o777)
	cmd := exec.Command(peer, sup.SocketPath())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err = cmd.CombinedOutput()
	if err != nil || string(out) != "closed\n" {
		t.Fatalf("nobody peer: %v %q (want closed)", err, out)
	}
	sup.Close()
	attached := 0
	for _, e := range c.all() {
		if e.Kind == EventAttached {
			attached++
		}
	}
	if attached != 1 {
		t.Errorf("%d attached events, want only the root peer's:\n%s", attached, dumpEvents(c.all()))
	}
}

func defaultProfile(t testing.TB) *policy.Policy {
	t.Helper()
	p, err := policy.Profile("default")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSupervisorLogAndTrap(t *testing.T) {
	denied := fixture(t, "denied")
	t.Run("log lets the call run", func(t *testing.T) {
		p, err := policy.Profile("permissive")
		if err != nil {
			t.Fatal(err)
		}
		sup, c := newSupervisor(t, SupervisorConfig{Policy: p})
		// personality(PER_LINUX) changes nothing here; permissive reports it as log.
		r := runWrapper(t, "--notify", sup.SocketPath(), "--profile", "permissive", "--", denied, "2", strconv.Itoa(unix.SYS_PERSONALITY), "0")
		if r.err != nil || !strings.Contains(r.stdout, "eperm=0 other=2 last_errno=0") {
			t.Fatalf("%v %q %q", r.err, r.stdout, r.stderr)
		}
		evs := c.waitFor(t, "detach", func(e Event) bool { return e.Kind == EventDetached })
		n := 0
		for _, e := range evs {
			if e.Kind == EventLogged && e.Syscall == "personality" && e.Action == policy.Log && e.Errno == 0 {
				n += e.Count
			}
		}
		if n != 2 {
			t.Errorf("want 2 logged personality calls:\n%s", dumpEvents(evs))
		}
	})
	t.Run("trap", func(t *testing.T) {
		p := defaultProfile(t)
		p.Rules = append([]policy.Rule{{Name: "trap personality", Syscalls: []string{"personality"}, Action: policy.Action{Kind: policy.Trap}}}, p.Rules...)
		sup, c := newSupervisor(t, SupervisorConfig{Policy: p})
		r := runWrapper(t, "--notify", sup.SocketPath(), "--policy", writePolicy(t, p), "--", denied, "1")
		if sig := signalOf(r.err); sig != syscall.SIGSYS {
			t.Fatalf("program ended with %v, want SIGSYS; %q %q", r.err, r.stdout, r.stderr)
		}
		evs := c.waitFor(t, "trap", func(e Event) bool { return e.Kind == EventBlocked })
		for _, e := range evs {
			if e.Kind == EventBlocked && (e.Action != policy.Trap || e.Errno != int(unix.ENOSYS) || e.Rule != "trap personality") {
				t.Errorf("trap event:\n%s", dumpEvents([]Event{e}))
			}
		}
		// With a handler: it runs once, then the call returns ENOSYS, as with RET_TRAP.
		r = runWrapper(t, "--notify", sup.SocketPath(), "--policy", writePolicy(t, p), "--", fixture(t, "sigsys_handler"))
		if r.err != nil || r.stdout != "handled=1 result=-1 errno=38\n" {
			t.Fatalf("handled SIGSYS: %v %q %q", r.err, r.stdout, r.stderr)
		}
		c.waitFor(t, "second detach", func(e Event) bool { return e.Kind == EventDetached && e.Pid == r.pid })
		if st := sup.Stats(); len(st) != 1 || st[0].Count != 2 {
			t.Errorf("Stats = %+v, want 2 trapped calls", st)
		}
		// Under gdb the wait is interruptible: the signal withdraws the call, gdb stops on
		// SIGSYS, passes it on, the handler runs, the call restarts and gets ENOSYS.
		gdb := testbin.NeedTool(t, "gdb")
		cmd := exec.Command(gdb, "-nx", "-batch",
			"-ex", "set startup-with-shell on",
			"-ex", "set exec-wrapper "+testbin.Wrapper(t)+" --notify "+sup.SocketPath()+" --policy "+writePolicy(t, p),
			"-ex", "run", "-ex", "continue", fixture(t, "sigsys_handler"))
		cmd.Env = append(os.Environ(), "SHELL=/bin/sh", "LC_ALL=C.UTF-8")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "received signal SIGSYS") || !strings.Contains(string(out), "handled=1 result=-1 errno=38") {
			t.Fatalf("trap under gdb: %v\n%s", err, out)
		}
		if st := sup.Stats(); len(st) != 1 || st[0].Count != 3 {
			t.Errorf("Stats = %+v, want 3 trapped calls", st)
		}
	})
}

// TestSupervisorPolicyMismatchFailsClosed: a supervisor whose policy would let a call through
// unreported never answers CONTINUE for a call the wrapper's filter reported.
func TestSupervisorPolicyMismatchFailsClosed(t *testing.T) {
	denied := fixture(t, "denied")
	lax := &policy.Policy{Name: "lax", Default: policy.Action{Kind: policy.Allow}}
	sup, c := newSupervisor(t, SupervisorConfig{Policy: lax})
	r := runWrapper(t, "--notify", sup.SocketPath(), "--profile", "default", "--", denied, "1")
	if r.err != nil || !strings.Contains(r.stdout, "eperm=1 other=0") {
		t.Fatalf("%v %q %q", r.err, r.stdout, r.stderr)
	}
	evs := c.waitFor(t, "blocked", func(e Event) bool { return e.Kind == EventBlocked })
	for _, e := range evs {
		if e.Kind == EventBlocked && (e.Errno != int(unix.EPERM) || !strings.Contains(e.Rule, "not the wrapper's policy")) {
			t.Errorf("mismatch event:\n%s", dumpEvents([]Event{e}))
		}
	}
}
