package launcher

import (
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
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
	r := startDebug(t, cfg)
	st := r.stopped()
	if st == nil || st.Frame.Func != "main" || st.Source.Line == 0 || !strings.HasSuffix(st.Source.File, "exit.c") {
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
}
