package launcher

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// dbgSession starts a debug session and waits for the first stop (before main runs).
type dbgRun struct {
	t *testing.T
	s *Session
	c *collected
}

func startDebug(t *testing.T, cfg Config) *dbgRun {
	t.Helper()
	testbin.NeedTool(t, "gdb")
	cfg.IO = IOPty
	s, err := StartDebug(t.Context(), cfg)
	if err != nil {
		t.Fatalf("StartDebug: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &dbgRun{t: t, s: s, c: &collected{}}
}

// until reads events until pred holds for one (returned) or the run ends.
func (r *dbgRun) until(what string, pred func(Event) bool) Event {
	r.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case e, ok := <-r.s.Events():
			if !ok {
				r.t.Fatalf("events closed while waiting for %s; got: %s", what, r.c.describe())
			}
			r.c.add(e)
			if pred(e) {
				return e
			}
		case <-deadline:
			r.t.Fatalf("timed out waiting for %s; got: %s", what, r.c.describe())
		}
	}
}

func (r *dbgRun) stopped() *Stop {
	r.t.Helper()
	e := r.until("a stop", func(e Event) bool {
		st, ok := e.(StateEvent)
		_, exit := e.(ExitEvent)
		return ok && st.State == Stopped || exit
	})
	if st, ok := e.(StateEvent); ok {
		return st.Stop
	}
	return nil
}

func (r *dbgRun) exit() ExitStatus {
	r.t.Helper()
	e := r.until("the exit", func(e Event) bool { _, ok := e.(ExitEvent); return ok })
	return e.(ExitEvent).Status
}

// finish continues through every stop (the rule's answer at blocked calls) to the exit.
func (r *dbgRun) finish() ExitStatus {
	r.t.Helper()
	for i := 0; i < 20; i++ {
		e := r.until("a stop or the exit", func(e Event) bool {
			st, ok := e.(StateEvent)
			_, exit := e.(ExitEvent)
			return ok && st.State == Stopped || exit
		})
		if x, ok := e.(ExitEvent); ok {
			return x.Status
		}
		if err := r.s.Continue(); err != nil {
			r.t.Fatalf("Continue: %v", err)
		}
	}
	r.t.Fatal("too many stops")
	return ExitStatus{}
}

func TestDebugStopsAtMainThenExits(t *testing.T) {
	prog := program(t, "exit", srcExit)
	cfg := baseConfig(t, prog, "3")
	cfg.StopAtBlocked = true
	cfg.LogMI = t.TempDir() + "/mi.log"
	r := startDebug(t, cfg)
	st := r.stopped()
	if st == nil || st.Frame.Func != "main" || st.Source.Line == 0 || !strings.HasSuffix(st.Source.File, "exit.c") || !st.Entry {
		t.Fatalf("first stop %+v; events %s", st, r.c.describe())
	}
	if r.c.verified == nil || !r.c.verified.OK {
		t.Fatalf("not verified: %+v", r.c.verified)
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	ex := r.exit()
	if ex.Kind != KindExited || ex.Code != 3 {
		t.Fatalf("exit %+v", ex)
	}
	// The pty was drained before the exit was reported.
	if !strings.Contains(r.c.output.String(), "exiting with 3") {
		t.Errorf("output %q", r.c.output.String())
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
	if log, err := os.ReadFile(cfg.LogMI); err != nil || !strings.Contains(string(log), "-exec-run") || !strings.Contains(string(log), "*stopped") {
		t.Errorf("--log-mi file lacks the traffic: %v\n%s", err, log)
	}
}

func lineOf(t *testing.T, src, needle string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	t.Fatalf("no %q in source", needle)
	return 0
}

func TestDebugBlockedPtraceErrno(t *testing.T) {
	prog := program(t, "ptrace", srcPtrace)
	cfg := baseConfig(t, prog)
	cfg.StopAtBlocked = true
	r := startDebug(t, cfg)
	if st := r.stopped(); st == nil || st.Frame.Func != "main" {
		t.Fatalf("first stop %+v", st)
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	st := r.stopped()
	if st == nil || st.Reason != "blocked-syscall" || st.Blocked == nil {
		t.Fatalf("stop %+v; events %s", st, r.c.describe())
	}
	b := st.Blocked
	want := lineOf(t, srcPtrace, "ptrace(PTRACE_TRACEME")
	if b.Syscall != "ptrace" || !b.Stopped || b.Where.Line != want || st.Source.Func != "main" {
		t.Fatalf("blocked %+v source %+v, want line %d", b, st.Source, want)
	}
	if !strings.HasPrefix(b.Call, "ptrace(PTRACE_TRACEME") || b.Rule == "" || b.Explain == "" {
		t.Errorf("call %q rule %q explain %q", b.Call, b.Rule, b.Explain)
	}
	// Answer with ENOSYS (38) instead of the rule's EPERM: the program prints what it got.
	if err := r.s.ResolveBlocked(Verdict{Errno: 38}); err != nil {
		t.Fatal(err)
	}
	ex := r.exit()
	if ex.Kind != KindExited || ex.Code != 7 {
		t.Fatalf("exit %+v", ex)
	}
	if !strings.Contains(r.c.output.String(), "errno 38") {
		t.Errorf("output %q", r.c.output.String())
	}
	bl := r.s.Blocked()
	if len(bl) != 1 || bl[0].Errno != "ENOSYS" || bl[0].Count != 1 {
		t.Errorf("blocked list %+v", bl)
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}

func TestDebugBlockedPtraceKill(t *testing.T) {
	prog := program(t, "ptrace", srcPtrace)
	cfg := baseConfig(t, prog)
	cfg.StopAtBlocked = true
	r := startDebug(t, cfg)
	r.stopped()
	r.s.Continue()
	st := r.stopped()
	if st == nil || st.Reason != "blocked-syscall" {
		t.Fatalf("stop %+v", st)
	}
	if err := r.s.ResolveBlocked(Verdict{Kill: true}); err != nil {
		t.Fatal(err)
	}
	ex := r.exit()
	if ex.Kind != KindSandboxKilled || ex.Syscall != "ptrace" {
		t.Fatalf("exit %+v", ex)
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}

func TestDebugBlockedPtraceTrap(t *testing.T) {
	prog := program(t, "ptraceslow", srcPtraceSlow)
	trapPolicy := policyWith(t, policy.Action{Kind: policy.Trap})
	for _, stopAt := range []bool{true, false} {
		t.Run(map[bool]string{true: "stop-at-blocked", false: "sigsys"}[stopAt], func(t *testing.T) {
			cfg := baseConfig(t, prog)
			cfg.PolicyFile = trapPolicy
			cfg.StopAtBlocked = stopAt
			r := startDebug(t, cfg)
			r.stopped()
			r.s.Continue()
			st := r.stopped()
			if st == nil || st.Reason != "blocked-syscall" || st.Blocked.Syscall != "ptrace" {
				t.Fatalf("stop %+v; %s", st, r.c.describe())
			}
			// The supervisor's SIGSYS arrives just after the call returned: on its line or soon after.
			if want := lineOf(t, srcPtraceSlow, "ptrace(PTRACE_TRACEME"); st.Source.Line < want || st.Source.Line > want+2 || stopAt && st.Source.Line != want {
				t.Errorf("stopped at %+v, want line %d", st.Source, want)
			}
			if err := r.s.ResolveBlocked(Verdict{Errno: 1}); err != nil {
				t.Fatal(err)
			}
			ex := r.exit()
			wantOut := "errno 1 (Operation not permitted)"
			if !stopAt {
				wantOut = "ptrace returned -1" // the supervisor's own trap answer
			}
			if ex.Kind != KindExited || ex.Code != 7 || !strings.Contains(r.c.output.String(), wantOut) {
				t.Fatalf("exit %+v output %q", ex, r.c.output.String())
			}
			r.s.Close()
			checkNoLeftovers(t, r.s)
		})
	}
	t.Run("run-mode", func(t *testing.T) {
		cfg := baseConfig(t, prog)
		cfg.PolicyFile = trapPolicy
		c := runToEnd(t, cfg)
		if c.exit.Kind != KindSandboxKilled || c.exit.Signal != "SIGSYS" {
			// Known race in wrapper.Supervisor.trap: it replies before it signals, so a program
			// that exits right after the call can be gone before the SIGSYS is sent.
			t.Fatalf("a trap rule must kill the program by SIGSYS as the kernel's trap does; exit %+v", *c.exit)
		}
	})
}
