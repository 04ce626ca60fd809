package examples_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/examples"
	"github.com/sandbug/sandbug/internal/testbin"
)

// TestMain (testbin.Main) is in examples_test.go: one per test binary.

// compile builds an example with the flags sandbug uses, into a directory a program running
// as nobody can read.
func compile(t *testing.T, e examples.Example) string {
	t.Helper()
	return testbin.CompileC(t, e.Name, e.Source, "-Wall")
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
	testbin.NeedTool(t, "gcc")
	w := testbin.Wrapper(t)
	for _, e := range examples.List() {
		t.Run(e.Name, func(t *testing.T) {
			bin := compile(t, e)
			args := []string{"--profile", e.Profile}
			if e.Limits != "" {
				args = append(args, "--limit", e.Limits)
			}
			args = append(append(args, "--", bin), e.Args...)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, w, args...)
			cmd.Stdin = strings.NewReader(e.Stdin)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("did not finish in 30 s; output:\n%s", out.String())
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
