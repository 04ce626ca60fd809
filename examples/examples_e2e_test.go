package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/examples"
	"github.com/sandbug/sandbug/internal/machine"
	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/wrapper"
)

// TestMain (testbin.Main) is in examples_test.go: one per test binary.

// compile builds an example with the flags sandbug uses, into a directory a program running
// as nobody can read.
func compile(t *testing.T, e examples.Example) string {
	t.Helper()
	return testbin.CompileC(t, e.Name, e.Source, append([]string{"-Wall"}, launcher.Sanitize(e.Sanitize).CFlags()...)...)
}

// sanitizerEnv is what a demo built with a sanitizer needs outside the launcher: leaks not
// checked (LeakSanitizer needs ptrace), and a report ends the program with abort().
func sanitizerEnv(e examples.Example) []string {
	if e.Sanitize == "" {
		return nil
	}
	return []string{"ASAN_OPTIONS=detect_leaks=0:abort_on_error=1", "UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1"}
}

// onThisMachine returns e with the outcome it has here: where this machine lacks a feature the
// demo needs (Example.Needs), the outcome its lesson's opening note promises instead. The test
// then checks that promise rather than skipping, and says so in its output.
func onThisMachine(t *testing.T, e examples.Example) examples.Example {
	t.Helper()
	var missing []string
	for _, n := range e.Needs {
		switch n {
		case "ia32":
			if f := machine.IA32(); !f.Present {
				missing = append(missing, n)
				t.Logf("%v: checking what the %s lesson's note promises on such a machine instead", f, e.Name)
			}
		default:
			t.Fatalf("unknown need %q", n)
		}
	}
	e.Expect = e.ExpectOn(missing)
	return e
}

// checkOutput asserts that out holds every substring the lesson promises.
func checkOutput(t *testing.T, e examples.Example, out string) {
	t.Helper()
	for _, want := range e.Expect.Output {
		if !strings.Contains(out, want) {
			t.Errorf("%s: output lacks %q; it was:\n%s", e.Name, want, out)
		}
	}
}

// limitSignals are the signals the kernel uses to enforce each limit (the wrapper sets the
// CPU hard limit a second above the soft one, so SIGKILL only if SIGXCPU was ignored).
var limitSignals = map[string][]string{
	"cpu":   {"SIGXCPU", "SIGKILL"},
	"fsize": {"SIGXFSZ"},
}

// TestEveryExampleUnderTheWrapper runs each demo through sandbug-wrapper alone, the way
// `sandbug-wrapper --profile P --limit L -- prog` would, and checks the exit status and the
// output. (Blocked calls are reported only through a supervisor: the launcher tests check them.)
func TestEveryExampleUnderTheWrapper(t *testing.T) {
	skipShort(t)
	testbin.NeedTool(t, "gcc")
	w := testbin.Wrapper(t)
	for _, e := range examples.List() {
		t.Run(e.Name, func(t *testing.T) {
			e := onThisMachine(t, e)
			bin := compile(t, e)
			args := []string{"--profile", e.Profile}
			if e.Limits != "" {
				args = append(args, "--limit", e.Limits)
			}
			args = append(append(args, "--", bin), e.Args...)
			// The wrapper has no wall clock (the launcher keeps it): a demo that ends by one
			// is stopped here after its time, its whole process group with it.
			limit := 30 * time.Second
			if e.Wall > 0 {
				limit = e.Wall
			}
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			cmd := exec.CommandContext(ctx, w, args...)
			cmd.Dir = testbin.WorldDir(t)
			cmd.Env = append(os.Environ(), sanitizerEnv(e)...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
			cmd.WaitDelay = 5 * time.Second
			cmd.Stdin = strings.NewReader(e.Stdin)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			if ctx.Err() != nil {
				if e.Wall > 0 && e.Expect.Limit == "wall" {
					checkOutput(t, e, out.String()) // still running at its wall clock, as the lesson says
					return
				}
				t.Fatalf("did not finish in %s; output:\n%s", limit, out.String())
			}
			code, sig := 0, ""
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee):
				ws := ee.Sys().(syscall.WaitStatus)
				if ws.Signaled() {
					sig = unix.SignalName(ws.Signal())
				} else {
					code = ws.ExitStatus()
				}
			case err != nil:
				t.Fatal(err)
			}
			switch x := e.Expect; x.Kind {
			case examples.KindExited:
				if sig != "" || code != x.Code {
					t.Errorf("got exit code %d signal %q, want exit code %d", code, sig, x.Code)
				}
			case examples.KindSignaled:
				if sig != x.Signal {
					t.Errorf("got exit code %d signal %q, want signal %s", code, sig, x.Signal)
				}
			case examples.KindLimit:
				if x.Limit == "mem" {
					// The wrapper alone cannot tell why the program failed: only its status.
					if sig != "" || code != x.Code {
						t.Errorf("got exit code %d signal %q, want exit code %d after the failed allocation", code, sig, x.Code)
					}
					break
				}
				if want := limitSignals[x.Limit]; want == nil || !contains(want, sig) {
					t.Errorf("got exit code %d signal %q, want the %s limit's signal %v", code, sig, x.Limit, want)
				}
			case examples.KindSandboxKilled:
				if sig != "SIGSYS" {
					t.Errorf("got exit code %d signal %q, want SIGSYS (killed by the sandbox)", code, sig)
				}
			}
			checkOutput(t, e, out.String())
		})
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// outcome is what one session of an example produced.
type outcome struct {
	status  launcher.ExitStatus
	blocked []launcher.Blocked
	output  string
}

// collect drains a session's events until its ExitEvent (and, for run sessions, until the
// stream closes), or fails the test after the deadline.
func collect(t *testing.T, s *launcher.Session, deadline time.Duration, onEvent func(launcher.Event)) outcome {
	t.Helper()
	var o outcome
	var out bytes.Buffer
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	exited := false
	for !exited {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				if !exited {
					t.Fatalf("event stream closed without an ExitEvent; output:\n%s", out.String())
				}
				break
			}
			switch ev := ev.(type) {
			case launcher.OutputEvent:
				out.Write(ev.Data)
			case launcher.BlockedEvent:
				o.blocked = append(o.blocked, ev.B)
			case launcher.ExitEvent:
				o.status = ev.Status
				exited = true
			}
			if onEvent != nil {
				onEvent(ev)
			}
		case <-timer.C:
			t.Fatalf("no exit after %v; output so far:\n%s", deadline, out.String())
		}
	}
	o.output = out.String()
	return o
}

// checkOutcome asserts the lesson's promise: exit kind and details, blocked calls, output.
func checkOutcome(t *testing.T, e examples.Example, o outcome) {
	t.Helper()
	st, x := o.status, e.Expect
	if st.Kind != x.Kind {
		t.Errorf("exit kind %q (%s), want %q", st.Kind, st.Summary(), x.Kind)
	}
	switch x.Kind {
	case examples.KindExited:
		if st.Code != x.Code {
			t.Errorf("exit code %d, want %d (%s)", st.Code, x.Code, st.Summary())
		}
	case examples.KindSignaled:
		if st.Signal != x.Signal {
			t.Errorf("signal %q, want %q (%s)", st.Signal, x.Signal, st.Summary())
		}
		checkCard(t, e, st)
	case examples.KindLimit:
		if st.Limit != x.Limit {
			t.Errorf("limit %q, want %q (%s)", st.Limit, x.Limit, st.Summary())
		}
		if x.Limit == "mem" && st.Signal == "" && st.Code != x.Code {
			t.Errorf("exit code %d after the failed allocation, want %d (%s)", st.Code, x.Code, st.Summary())
		}
	case examples.KindSandboxKilled:
		if len(x.Blocked) > 0 && st.Syscall != x.Blocked[0] {
			t.Errorf("killed for %q, want %q (%s)", st.Syscall, x.Blocked[0], st.Summary())
		}
	}
	got := map[string]bool{}
	var names []string
	for _, b := range o.blocked {
		if b.Action == "errno" || b.Action == "kill" || b.Action == "trap" {
			got[b.Syscall] = true
		}
		names = append(names, b.Syscall+"/"+string(b.Action))
	}
	t.Logf("%s; blocked: %v", st.Summary(), names)
	for _, want := range x.Blocked {
		if !got[want] {
			t.Errorf("%s was not reported as blocked; blocked events: %v", want, names)
		}
	}
	checkOutput(t, e, o.output)
}

// checkCard asserts the crash card the lesson promises: the kind, the place (the lesson's
// function in the demo's own file) and the words of the explanation.
func checkCard(t *testing.T, e examples.Example, st launcher.ExitStatus) {
	t.Helper()
	x := e.Expect
	if x.Crash == "" && len(x.Card) == 0 {
		return
	}
	t.Logf("card: %s | %s", st.Summary(), st.Explanation)
	if st.Crash != x.Crash {
		t.Errorf("crash kind %q, want %q (%s; %s)", st.Crash, x.Crash, st.Summary(), st.Explanation)
	}
	if x.Where != "" && (!strings.HasPrefix(st.Where, e.SourceFile+":") || !strings.HasSuffix(st.Where, " in "+x.Where+"()")) {
		t.Errorf("the card places the crash at %q, want %s:N in %s()", st.Where, e.SourceFile, x.Where)
	}
	for _, want := range x.Card {
		if !strings.Contains(st.Explanation, want) {
			t.Errorf("the card's explanation lacks %q; it is: %s", want, st.Explanation)
		}
	}
}

// config is the launcher configuration of an example, as `sandbug demo NAME` would use it.
func config(t *testing.T, e examples.Example, bin string) launcher.Config {
	t.Helper()
	lim, err := wrapper.ParseLimits(e.Limits)
	if err != nil {
		t.Fatalf("limits %q: %v", e.Limits, err)
	}
	// With the profile's default limits under the lesson's own, as `sandbug demo` runs it: every
	// demo must pass with them.
	def, _ := launcher.DefaultLimits(e.Profile)
	timeout := 60 * time.Second
	if e.Wall > 0 {
		timeout = e.Wall // the lesson's wall clock (the hang demo ends by it)
	}
	// The working folder is one the program may write (the redirect demo makes out.txt there),
	// also when the tests run as root and the program as nobody.
	cfg := launcher.Config{
		Program:     bin,
		Args:        e.Args,
		Profile:     e.Profile,
		Limits:      lim.Or(def),
		Timeout:     timeout,
		WrapperPath: testbin.Wrapper(t),
		Dir:         testbin.WorldDir(t),
	}
	if e.Sanitize != "" {
		// As `sandbug demo` does: the launcher compiles the source (beside bin) with the
		// sanitizer, and gives the runtime its options and its log.
		cfg.Program, cfg.Sanitize = bin+".c", launcher.Sanitize(e.Sanitize)
	}
	return cfg
}

// TestEveryExampleRunMode runs each demo the way `sandbug demo NAME --run` does (a run
// session: the wrapper and the supervisor, no gdb) and checks the lesson's expected outcome.
func TestEveryExampleRunMode(t *testing.T) {
	skipShort(t)
	testbin.NeedTool(t, "gcc")
	for _, e := range examples.List() {
		t.Run(e.Name, func(t *testing.T) {
			e := onThisMachine(t, e)
			cfg := config(t, e, compile(t, e))
			cfg.IO = launcher.IOPipe
			// stdin: a pipe already holding the lesson's input, then end of file (like
			// `echo text | sandbug run`).
			cfg.Stdin = stdinPipe(t, e.Stdin)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := launcher.StartRun(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			checkOutcome(t, e, collect(t, s, 90*time.Second, nil))
		})
	}
}

// stdinPipe returns the read end of a pipe that holds text and then reports end of file.
func stdinPipe(t *testing.T, text string) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := w.WriteString(text); err != nil { // a lesson's input fits in the pipe buffer
		t.Fatal(err)
	}
	w.Close()
	return r
}

// jsonReport is the part of `sandbug run --json`'s report these tests read.
type jsonReport struct {
	Exit struct {
		Kind, Signal, Syscall, Limit, Summary string
		Code                                  int
		Where, Crash, Explanation             string
		FaultAddr                             string `json:"fault_addr"`
	} `json:"exit"`
	Blocked []struct {
		Syscall, Action string
	} `json:"blocked"`
	Sandbox struct {
		Verified bool `json:"verified"`
	} `json:"sandbox"`
}

// TestEveryExampleDemoRunJSON runs each demo through the real binary, exactly as a teacher
// types it (`sandbug demo NAME --run --json`), and checks the report against the lesson.
func TestEveryExampleDemoRunJSON(t *testing.T) {
	skipShort(t)
	testbin.NeedTool(t, "gcc")
	sb := testbin.Sandbug(t)
	for _, e := range examples.List() {
		t.Run(e.Name, func(t *testing.T) {
			e := onThisMachine(t, e)
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, sb, "demo", e.Name, "--run", "--json")
			cmd.Dir = testbin.WorldDir(t)
			cmd.Stdin = strings.NewReader(e.Stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("did not finish in 90 s; stderr:\n%s", stderr.String())
			}
			var rep jsonReport
			if jerr := json.Unmarshal(stdout.Bytes(), &rep); jerr != nil {
				t.Fatalf("report is not JSON (%v, exit %v):\n%s\nstderr:\n%s", jerr, err, stdout.String(), stderr.String())
			}
			if !rep.Sandbox.Verified {
				t.Errorf("sandbox not verified")
			}
			o := outcome{output: stderr.String(), status: launcher.ExitStatus{
				Kind: rep.Exit.Kind, Code: rep.Exit.Code, Signal: rep.Exit.Signal,
				Syscall: rep.Exit.Syscall, Limit: rep.Exit.Limit, Where: rep.Exit.Where,
				Crash: rep.Exit.Crash, Explanation: rep.Exit.Explanation, FaultAddr: rep.Exit.FaultAddr}}
			for _, b := range rep.Blocked {
				o.blocked = append(o.blocked, launcher.Blocked{Syscall: b.Syscall, Action: launcher.Action(b.Action)})
			}
			checkOutcome(t, e, o)
			// sandbug's own exit status mirrors the program's.
			if want := o.status.ShellCode(); cmd.ProcessState.ExitCode() != want {
				t.Errorf("sandbug exited %d, want %d (%s)", cmd.ProcessState.ExitCode(), want, rep.Exit.Summary)
			}
		})
	}
}

// TestEveryExampleDebugMode runs each demo the way `sandbug demo NAME` does (a debug session
// under gdb, stopping at blocked calls) and lets it run to completion as a student pressing
// F5 would: continue at every stop, and at a blocked call answer with the rule's own errno,
// which must give the same outcome as a run without the debugger.
func TestEveryExampleDebugMode(t *testing.T) {
	skipShort(t)
	testbin.NeedTool(t, "gcc")
	testbin.NeedTool(t, "gdb")
	for _, e := range examples.List() {
		t.Run(e.Name, func(t *testing.T) { debugToEnd(t, e, true) })
		if len(e.Expect.Blocked) > 0 {
			// Stop-at-blocked switched off: denied calls must behave exactly as in a run.
			t.Run(e.Name+"/no-stop-at-blocked", func(t *testing.T) { debugToEnd(t, e, false) })
		}
	}
}

// debugToEnd runs one demo in a debug session to its end and checks the lesson's outcome.
func debugToEnd(t *testing.T, e examples.Example, stopAtBlocked bool) {
	e = onThisMachine(t, e)
	cfg := config(t, e, compile(t, e))
	cfg.StopAtBlocked = stopAtBlocked
	cfg.IO = launcher.IOPty
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := launcher.StartDebug(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stops, typed := 0, false
	var stopLog []string
	var deciding []launcher.Stop // stops at a blocked call or a fatal signal
	o := collect(t, s, 120*time.Second, func(ev launcher.Event) {
		se, ok := ev.(launcher.StateEvent)
		if !ok || se.State != launcher.Stopped {
			return
		}
		stops++
		if se.Stop != nil {
			stopLog = append(stopLog, se.Stop.Summary())
			if se.Stop.Blocked != nil || (se.Stop.Signal != "" && se.Stop.Signal != "SIGUSR1") {
				deciding = append(deciding, *se.Stop)
			}
		}
		if stops > 100 {
			t.Fatalf("more than 100 stops: %v", stopLog)
		}
		// The first stop is before main: the program's terminal exists, so type the
		// lesson's input now; the terminal keeps it until the program reads.
		if !typed && e.Stdin != "" {
			typed = true
			if err := s.Input([]byte(e.Stdin)); err != nil {
				t.Fatalf("input: %v", err)
			}
		}
		var err error
		if se.Stop != nil && se.Stop.Blocked != nil {
			if !stopAtBlocked {
				t.Errorf("stopped at a blocked call with stop-at-blocked off: %s", se.Stop.Summary())
			}
			err = s.ResolveBlocked(launcher.Verdict{}) // the rule's errno, as a run would
		} else {
			err = s.Continue()
		}
		if err != nil {
			t.Fatalf("at %v: %v", stopLog, err)
		}
	})
	t.Logf("stops: %q", stopLog)
	if v, ok := s.Verified(); !ok || !v.OK {
		t.Errorf("sandbox not verified: %+v", v)
	}
	// The session's own summary counts the calls it stopped at once answered.
	o.blocked = nil
	for _, b := range s.Blocked() {
		o.blocked = append(o.blocked, launcher.Blocked{Syscall: b.Syscall, Action: b.Action})
	}
	checkOutcome(t, e, o)
	if e.Expect.Where != "" && (stopAtBlocked || len(e.Expect.Blocked) == 0) {
		checkWhere(t, e, deciding)
	}
}

// checkWhere asserts that the debugger showed the deciding event (blocked call, signal) in the
// lesson's function of the demo's own source file, as the lesson tells the student to look.
func checkWhere(t *testing.T, e examples.Example, stops []launcher.Stop) {
	t.Helper()
	if len(stops) == 0 {
		t.Errorf("the debugger never stopped at a blocked call or a signal; the lesson expects one in %s()", e.Expect.Where)
	}
	for _, st := range stops {
		src := st.Source
		if src.Func != e.Expect.Where || filepath.Base(src.File) != e.SourceFile || strings.Contains(src.File, "sysdeps") {
			t.Errorf("%s: the source pane would show %s:%d in %s() (full name %s), want %s in %s()",
				st.Summary(), src.File, src.Line, src.Func, src.FullName, e.SourceFile, e.Expect.Where)
		}
	}
}

// skipShort skips the end-to-end tests under `go test -short` (make test-short).
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
}
