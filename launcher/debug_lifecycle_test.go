package launcher

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

const srcThreadPtrace = `#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/ptrace.h>
static void *worker(void *arg) {
	long r = ptrace(PTRACE_TRACEME, 0, 0, 0);
	printf("thread: ptrace returned %ld errno %d\n", r, errno);
	return 0;
}
int main(void) {
	pthread_t t;
	pthread_create(&t, 0, worker, 0);
	pthread_join(t, 0);
	return 0;
}
`

func TestDebugBlockedInThread(t *testing.T) {
	prog := testbinCompileThreads(t)
	cfg := baseConfig(t, prog)
	cfg.StopAtBlocked = true
	r := startDebug(t, cfg)
	r.stopped()
	r.s.Continue()
	st := r.stopped()
	if st == nil || st.Reason != "blocked-syscall" || st.Source.Func != "worker" ||
		st.Source.Line != lineOf(t, srcThreadPtrace, "ptrace(PTRACE_TRACEME") {
		t.Fatalf("stop %+v", st)
	}
	if st.Blocked.Tid == st.Blocked.Pid {
		t.Errorf("the call came from the main thread? %+v", st.Blocked)
	}
	frames, err := r.s.Stack()
	if err != nil || len(frames) == 0 {
		t.Fatalf("stack of the blocked thread: %v %v", frames, err)
	}
	found := false
	for _, f := range frames {
		found = found || f.Func == "worker"
	}
	if !found {
		t.Errorf("Stack is not the blocked thread's: %+v", frames)
	}
	r.s.ResolveBlocked(Verdict{})
	if ex := r.exit(); ex.Kind != KindExited || ex.Code != 0 {
		t.Fatalf("exit %+v", ex)
	}
	if !strings.Contains(r.c.output.String(), "thread: ptrace returned -1 errno 1") {
		t.Errorf("output %q", r.c.output.String())
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}

func testbinCompileThreads(t *testing.T) string {
	return program(t, "threadptrace", srcThreadPtrace)
}

func TestDebugInputAndSignalExit(t *testing.T) {
	t.Run("input", func(t *testing.T) {
		cfg := baseConfig(t, program(t, "echo", srcEcho))
		r := startDebug(t, cfg)
		r.stopped()
		r.s.Continue()
		r.until("running", func(e Event) bool { s, ok := e.(StateEvent); return ok && s.State == Running })
		if err := r.s.Input([]byte("typed line\n")); err != nil {
			t.Fatal(err)
		}
		if ex := r.exit(); ex.Code != 0 || !strings.Contains(r.c.output.String(), "got: typed line") {
			t.Fatalf("exit %+v output %q", ex, r.c.output.String())
		}
		r.s.Close()
	})
	t.Run("segv-where", func(t *testing.T) {
		cfg := baseConfig(t, program(t, "segv", srcSegv))
		r := startDebug(t, cfg)
		r.stopped()
		r.s.Continue()
		st := r.stopped()
		if st == nil || st.Reason != "signal-received" || st.Signal != "SIGSEGV" || st.SignalDesc == "" {
			t.Fatalf("stop %+v", st)
		}
		r.s.Continue()
		ex := r.exit()
		want := lineOf(t, srcSegv, "*p = 42")
		if ex.Kind != KindSignaled || ex.Signal != "SIGSEGV" || !strings.Contains(ex.Where, fmt.Sprintf("segv.c:%d in main()", want)) {
			t.Fatalf("exit %+v (summary %q)", ex, ex.Summary())
		}
		r.s.Close()
		checkNoLeftovers(t, r.s)
	})
}

// TestDebugProgramWithoutMain: a stripped binary has no main to stop at: the session stops at
// its first instruction instead, verifies the sandbox there, and runs it on.
func TestDebugProgramWithoutMain(t *testing.T) {
	prog := testbinStripped(t)
	r := startDebug(t, baseConfig(t, prog, "5"))
	st := r.stopped()
	if st == nil || !st.Entry || st.Reason != "" || !strings.Contains(st.Summary(), "first instruction") {
		t.Fatalf("first stop %+v", st)
	}
	if r.c.verified == nil || !r.c.verified.OK {
		t.Fatalf("not verified at the first instruction: %+v", r.c.verified)
	}
	r.s.Continue()
	if ex := r.exit(); ex.Kind != KindExited || ex.Code != 5 {
		t.Fatalf("exit %+v", ex)
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}

func testbinStripped(t *testing.T) string {
	return testbin.CompileC(t, "stripped", srcExit, "-s")
}
