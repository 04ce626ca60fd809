package wrapper_test

// Helpers of the hostile-program suite (hostile_*_test.go): compile the C programs of
// testdata/hostile, run them plainly (the controls) or through the real sandbug-wrapper binary
// with a real supervisor, and read back their RESULT line, wait status and sandbox events.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// hostileDir holds the C sources; go test runs in the package directory.
const hostileDir = "testdata/hostile"

// runTimeout bounds every single run: the slowest program (the CPU loop) dies after ~2 s.
const runTimeout = 20 * time.Second

// nobodyUID is the uid the wrapper gives the program when it is started as root.
const nobodyUID = 65534

// cprog compiles testdata/hostile/<rel> (a .c file, maybe under benign/) once per test binary
// and returns the binary's path.
func cprog(t testing.TB, rel string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(hostileDir, rel))
	if err != nil {
		t.Fatalf("read C source: %v", err)
	}
	inc, err := filepath.Abs(hostileDir)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.ReplaceAll(strings.TrimSuffix(rel, ".c"), "/", "_")
	return testbin.CompileC(t, name, string(src), "-I"+inc, "-pthread")
}

// needRoot skips a test (or part of one) that needs root; the message says what is lost.
func needRoot(t *testing.T, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("needs root (%s): skipping", why)
	}
}

// result is a program's RESULT line: "RESULT <name> success|errno=E|... pid=N key=value...".
type result struct {
	Line    string
	Name    string
	Outcome string // "success", "errno=EPERM", "broken", "refused"
	Fields  map[string]string
}

// Errno returns the errno name of an "errno=E" outcome, or "".
func (r result) Errno() string { return strings.TrimPrefix(r.Outcome, "errno=") }

// Succeeded reports whether the program says its attack worked.
func (r result) Succeeded() bool { return r.Outcome == "success" }

// Int returns a numeric field, or -1.
func (r result) Int(key string) int {
	n, err := strconv.Atoi(r.Fields[key])
	if err != nil {
		return -1
	}
	return n
}

func parseResult(out string) (result, bool) {
	for _, line := range strings.Split(out, "\n") {
		// On a terminal, echoed input (a TIOCSTI keystroke) can precede the line.
		i := strings.Index(line, "RESULT ")
		if i < 0 {
			continue
		}
		line = strings.TrimRight(line[i:], "\r")
		f := strings.Fields(line)
		if len(f) < 3 {
			return result{Line: line}, false
		}
		r := result{Line: line, Name: f[1], Outcome: f[2], Fields: map[string]string{}}
		for _, kv := range f[3:] {
			if k, v, ok := strings.Cut(kv, "="); ok {
				r.Fields[k] = v
			}
		}
		return r, true
	}
	return result{}, false
}

// socketArg in spec.Argv stands for the supervisor's socket path (sandboxed runs).
const socketArg = "{SOCKET}"

// spec describes one run of a program.
type spec struct {
	Argv    []string       // program and arguments
	Prefix  []string       // run everything under this command (e.g. unshare ...)
	Limits  string         // --limit value for the wrapper
	Profile string         // --profile (default "default")
	User    string         // --user
	Dir     string         // working directory
	PTY     bool           // stdin/stdout/stderr on a fresh pty (controlling terminal)
	Stdin   io.Reader      // otherwise stdin (default: empty)
	Env     []string       // extra environment
	Timeout time.Duration  // default runTimeout
	Policy  *policy.Policy // a custom policy, given to the wrapper as a file (default: the profile)
	Wrapper []string       // extra wrapper flags (--allow-write DIR, --no-jail...)
	NoTmp   bool           // no private --tmpdir (by default each run gets one, like a launcher's)

	RequireToken bool // the supervisor refuses messages without its token
	NoToken      bool // the wrapper is not given the supervisor's token (a launcher that does not pass it)
}

// outcome is what a run produced.
type outcome struct {
	Stdout, Stderr string
	State          *os.ProcessState
	Pid            int  // the pid we started (the program itself when Direct: the wrapper execs it)
	Direct         bool // no Prefix: Pid is the wrapper's, then the program's pid
	Elapsed        time.Duration
	Result         result
	HasResult      bool
	Events         []wrapper.Event    // everything the supervisor published, in order (sandboxed runs)
	Policy         *policy.Policy     // the policy of a sandboxed run
	Stats          []wrapper.RuleStat // the supervisor's totals once the program was gone
	Program        string             // the program the wrapper was asked to run (sandboxed runs)
}

// Signal returns the signal that killed the process, or 0.
func (o outcome) Signal() syscall.Signal {
	ws, ok := o.State.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return 0
	}
	return ws.Signal()
}

// Code returns the exit code, or -1 when killed by a signal.
func (o outcome) Code() int { return o.State.ExitCode() }

func (o outcome) String() string {
	return fmt.Sprintf("status %v after %v\nstdout:\n%s\nstderr:\n%s\nevents:\n%s",
		o.State, o.Elapsed.Round(time.Millisecond), o.Stdout, o.Stderr, formatEvents(o.Events))
}

func formatEvents(evs []wrapper.Event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "  %s\n", formatEvent(e))
	}
	if b.Len() == 0 {
		return "  (none)\n"
	}
	return b.String()
}

func formatEvent(e wrapper.Event) string {
	return fmt.Sprintf("kind=%v pid=%d tid=%d syscall=%s(%d) rule=%q#%d action=%s errno=%d count=%d program=%q code=%d msg=%q",
		e.Kind, e.Pid, e.Tid, e.Syscall, e.Nr, e.Rule, e.RuleIndex, e.Action, e.Errno, e.Count,
		e.Program, e.Code, e.Message)
}

// Blocked returns the events reporting a denied call of the named syscall.
func (o outcome) Blocked(name string) []wrapper.Event {
	var out []wrapper.Event
	for _, e := range o.Events {
		if e.Kind == wrapper.EventBlocked && e.Syscall == name {
			out = append(out, e)
		}
	}
	return out
}

// Denials returns every event that reports a call the program did not get to make.
func (o outcome) Denials() []wrapper.Event {
	var out []wrapper.Event
	for _, e := range o.Events {
		if e.Kind == wrapper.EventBlocked || e.Kind == wrapper.EventKilled {
			out = append(out, e)
		}
	}
	return out
}

// runPlain runs the program without any sandbox: the control.
func runPlain(t *testing.T, s spec) outcome {
	t.Helper()
	argv := append(append([]string{}, s.Prefix...), s.Argv...)
	return execute(t, s, argv)
}

// runSandboxed runs the program through the real sandbug-wrapper with a real supervisor and
// collects every event the supervisor published for it.
func runSandboxed(t *testing.T, s spec) outcome {
	t.Helper()
	prof := s.Profile
	if prof == "" {
		prof = "default"
	}
	pol := s.Policy
	if pol == nil {
		var err error
		if pol, err = policy.Profile(prof); err != nil {
			t.Fatalf("policy.Profile(%q): %v", prof, err)
		}
	}
	sup, err := wrapper.NewSupervisor(wrapper.SupervisorConfig{Policy: pol, RequireToken: s.RequireToken})
	if err != nil {
		t.Fatalf("NewSupervisor: %v", err)
	}
	// Collect events until the supervisor closes its channel; note when it says every process
	// of the program is gone (EventDetached): after that nothing more can come for this run.
	events := make(chan []wrapper.Event, 1)
	detached := make(chan struct{})
	go func() {
		var all []wrapper.Event
		seen := false
		for e := range sup.Events() {
			all = append(all, e)
			if e.Kind == wrapper.EventDetached && !seen {
				seen = true
				close(detached)
			}
		}
		events <- all
	}()
	closed := false
	closeSup := func() []wrapper.Event {
		if closed {
			return nil
		}
		closed = true
		if err := sup.Close(); err != nil {
			t.Errorf("supervisor Close: %v", err)
		}
		return <-events
	}
	t.Cleanup(func() { closeSup() })

	argv := append([]string{}, s.Prefix...)
	argv = append(argv, testbin.Wrapper(t), "--notify", sup.SocketPath())
	if s.Policy != nil {
		f := filepath.Join(t.TempDir(), "policy.yaml")
		y, err := s.Policy.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, y, 0o644); err != nil {
			t.Fatal(err)
		}
		argv = append(argv, "--policy", f)
	} else {
		argv = append(argv, "--profile", prof)
	}
	if s.Limits != "" {
		argv = append(argv, "--limit", s.Limits)
	}
	if s.User != "" {
		argv = append(argv, "--user", s.User)
	}
	if !s.NoTmp {
		tmp := filepath.Join(testbin.WorldDir(t), "tmp")
		if err := os.Mkdir(tmp, 0o777); err != nil {
			t.Fatal(err)
		}
		os.Chmod(tmp, 0o777) // past the umask: the program may run as nobody
		argv = append(argv, "--tmpdir", tmp)
	}
	argv = append(argv, s.Wrapper...)
	argv = append(argv, "--")
	for _, a := range s.Argv {
		if a == socketArg {
			a = sup.SocketPath()
		}
		argv = append(argv, a)
	}
	if !s.NoToken {
		s.Env = append(append([]string{}, s.Env...), sup.Env()...)
	}
	o := execute(t, s, argv)
	// A wrapper that failed before the hand-off never attaches, so never detaches either.
	select {
	case <-detached:
	case <-time.After(5 * time.Second):
		t.Logf("no detached event within 5 s of the program's exit (wrapper failed early?)")
	}
	o.Stats = sup.Stats()
	o.Program = s.Argv[0]
	o.Events = closeSup()
	o.Policy = pol
	return o
}

// execute starts argv, feeds it stdin (or a pty), waits for it and parses its RESULT line.
func execute(t *testing.T, s spec, argv []string) outcome {
	t.Helper()
	timeout := s.Timeout
	if timeout == 0 {
		timeout = runTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = s.Dir
	cmd.Env = append(os.Environ(), s.Env...)
	// Kill whatever is left of the group if the run times out.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: !s.PTY}
	cmd.Cancel = func() error { return cmd.Process.Kill() }

	var stdout, stderr bytes.Buffer
	var ptmx *os.File
	start := time.Now()
	if s.PTY {
		var err error
		ptmx, err = pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
		if err != nil {
			t.Fatalf("start %v on a pty: %v", argv, err)
		}
	} else {
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Stdin = s.Stdin
		if err := cmd.Start(); err != nil {
			t.Fatalf("start %v: %v", argv, err)
		}
	}
	ptyDone := make(chan struct{})
	if ptmx != nil {
		go func() {
			// Reading the master ends with EIO once the last slave fd is closed.
			io.Copy(&stdout, ptmx)
			close(ptyDone)
		}()
	} else {
		close(ptyDone)
	}
	err := cmd.Wait()
	elapsed := time.Since(start)
	if ptmx != nil {
		select {
		case <-ptyDone:
		case <-time.After(5 * time.Second):
			t.Errorf("pty output did not end after the program exited")
		}
		ptmx.Close()
	}
	if ctx.Err() != nil {
		t.Fatalf("%v did not finish within %v; output so far:\n%s\n%s", argv, timeout, stdout.String(), stderr.String())
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("wait %v: %v", argv, err)
	}
	o := outcome{
		Stdout: stdout.String(), Stderr: stderr.String(),
		State: cmd.ProcessState, Pid: cmd.Process.Pid, Elapsed: elapsed,
	}
	o.Direct = len(s.Prefix) == 0
	o.Result, o.HasResult = parseResult(o.Stdout)
	return o
}

// hostPidNS returns the target of this process's /proc/self/ns/pid link, which the fork-bomb
// and kill(-1) programs refuse to run in.
func hostPidNS(t *testing.T) string {
	t.Helper()
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		t.Fatalf("read own pid namespace: %v", err)
	}
	return ns
}

// pidNSPrefix runs a command as pid 1's child in a private pid namespace with its own /proc:
// everything in it dies with it (--kill-child), and kill(-1) inside cannot reach outside.
func pidNSPrefix(t *testing.T) []string {
	t.Helper()
	needRoot(t, "unshare --pid needs CAP_SYS_ADMIN")
	u := testbin.NeedTool(t, "unshare")
	return []string{u, "--pid", "--fork", "--mount-proc", "--kill-child"}
}

// processesRunning lists the pids of live processes executing the binary at path (a scan of
// /proc; other tests' programs of the same name do not count).
func processesRunning(path string) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == path {
			pids = append(pids, pid)
		}
	}
	return pids
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
			if e.Program != o.Program {
				t.Errorf("attached event program %q, want %q", e.Program, o.Program)
			}
			if e.Policy != o.Policy.Name {
				t.Errorf("attached event policy %q, want %q", e.Policy, o.Policy.Name)
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
	if e.Rule == "" {
		t.Errorf("event names no rule: a denial must say which rule")
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
	// A policy's default action (strict: deny) is reported as the rule "default", index -1.
	m := o.Policy.Match(e.Arch, e.Nr, e.Args)
	want := "default"
	if m.Rule != nil {
		want = m.Rule.Name
	}
	if e.Rule != want || e.RuleIndex != m.RuleIndex || e.Action != m.Action.Kind {
		t.Errorf("policy.Match(%s, args %#x) = rule %q #%d action %v, but the supervisor reported rule %q #%d action %q",
			sysname, e.Args, want, m.RuleIndex, m.Action, e.Rule, e.RuleIndex, e.Action)
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

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

// fdNumber returns the number of a fd_leak entry "N:target".
func fdNumber(entry string) string { n, _, _ := strings.Cut(entry, ":"); return n }
