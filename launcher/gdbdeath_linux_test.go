package launcher

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

const srcReadyLoop = `#include <stdio.h>
#include <unistd.h>
int main(void) {
	printf("ready\n");
	fflush(stdout);
	for (;;) pause();
}
`

// TestDebugGDBDies: gdb ends by itself (SIGKILL, or a crash that writes to stderr and exits)
// while the program is stopped or running. The session says how gdb ended, with the end of its
// stderr, ends the run as debugger-ended (never a sandbox error), kills the program gdb left
// behind, and leaves nothing; a new session then debugs the same program to main again.
func TestDebugGDBDies(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	prog := program(t, "readyloop", srcReadyLoop)
	// A gdb that "crashes": real gdb runs as its child; when that child dies the script writes
	// to stderr and exits 3, as a gdb internal error would.
	crashy := filepath.Join(t.TempDir(), "crashy-gdb")
	script := "#!/bin/sh\ngdb \"$@\"\necho 'gdb/infrun.c:1234: internal-error: fake failure' >&2\necho 'A problem internal to GDB has been detected.' >&2\nexit 3\n"
	if err := os.WriteFile(crashy, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		gdb        string
		running    bool
		wantSignal string
		wantCode   int
		wantStderr string
	}{
		{name: "killed while stopped", wantSignal: "SIGKILL", wantCode: -1},
		{name: "killed while running", running: true, wantSignal: "SIGKILL", wantCode: -1},
		{name: "crashed while running", gdb: crashy, running: true, wantCode: 3, wantStderr: "internal-error: fake failure\nA problem internal to GDB has been detected."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := baseConfig(t, prog)
			cfg.GDB = c.gdb
			r := startDebug(t, cfg)
			if st := r.stopped(); st == nil || !st.Entry || st.Source.Func != "main" {
				t.Fatalf("first stop %+v; events: %s", st, r.c.describe())
			}
			pid := r.s.Pid()
			if pid <= 0 || !procAlive(pid) {
				t.Fatalf("program pid %d not alive at main", pid)
			}
			if c.running {
				if err := r.s.Continue(); err != nil {
					t.Fatal(err)
				}
				r.until("the program's output", func(Event) bool { return strings.Contains(r.c.output.String(), "ready") })
			}
			victim := r.s.GDBPid()
			if c.gdb != "" {
				victim = onlyChild(t, victim) // the real gdb under the script
			}
			if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			e := r.until("DebuggerEndedEvent", func(e Event) bool { _, ok := e.(DebuggerEndedEvent); return ok }).(DebuggerEndedEvent)
			if e.Signal != c.wantSignal || e.Code != c.wantCode || !strings.HasSuffix(e.Stderr, c.wantStderr) {
				t.Errorf("gdb ended %+v, want signal %q code %d stderr ending %q", e, c.wantSignal, c.wantCode, c.wantStderr)
			}
			ex := r.exit()
			if ex.Kind != KindDebuggerEnded || ex.Signal != c.wantSignal || ex.Code != c.wantCode || ex.Message != e.Stderr {
				t.Errorf("exit %+v", ex)
			}
			if !strings.Contains(ex.Summary(), "gdb") || strings.Contains(ex.Summary(), "sandbox") {
				t.Errorf("summary %q does not blame gdb", ex.Summary())
			}
			for _, ev := range r.c.events {
				if x, ok := ev.(ExitEvent); ok && x.Status.Kind == KindSandboxError {
					t.Errorf("a sandbox-error exit: %+v", x.Status)
				}
			}
			deadline := time.Now().Add(3 * time.Second)
			for procAlive(pid) {
				if time.Now().After(deadline) {
					t.Fatalf("program %d still alive 3 s after gdb died", pid)
				}
				time.Sleep(10 * time.Millisecond)
			}
			r.s.Close()
			checkNoLeftovers(t, r.s)
		})
	}
	// Debugging again takes a new session, which stops at main as the first did.
	r := startDebug(t, baseConfig(t, prog))
	if st := r.stopped(); st == nil || !st.Entry || st.Source.Func != "main" {
		t.Fatalf("a new session after gdb died: first stop %+v; events: %s", st, r.c.describe())
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}

// onlyChild returns the one child of pid.
func onlyChild(t *testing.T, pid int) int {
	t.Helper()
	var kids []int
	for _, p := range allProcs() {
		if p.ppid == pid {
			kids = append(kids, p.pid)
		}
	}
	if len(kids) != 1 {
		t.Fatalf("process %d has children %v, want one", pid, kids)
	}
	return kids[0]
}

// TestDebugProgramKilledWhileStopped: the program is SIGKILLed from outside while gdb holds it
// stopped at main. gdb would only notice on the next resume (and resuming a dead program from a
// breakpoint can hang it): the session reports the death at once, as what it was.
func TestDebugProgramKilledWhileStopped(t *testing.T) {
	r := startDebug(t, baseConfig(t, program(t, "readyloop", srcReadyLoop)))
	if st := r.stopped(); st == nil || !st.Entry {
		t.Fatalf("first stop %+v", st)
	}
	pid := r.s.Pid()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	ex := r.exit()
	if ex.Kind != KindSignaled || ex.Signal != "SIGKILL" {
		t.Errorf("exit %+v, want signaled SIGKILL", ex)
	}
	if d := time.Since(t0); d > 3*time.Second {
		t.Errorf("the death was reported after %v", d)
	}
	// gdb lives on: the same session debugs again.
	if err := r.s.Run(); err != nil {
		t.Fatal(err)
	}
	if st := r.stopped(); st == nil || !st.Entry {
		t.Fatalf("stop after Run %+v; events: %s", st, r.c.describe())
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}
