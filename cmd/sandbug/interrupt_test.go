package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

const srcPause = "#include <unistd.h>\n#include <stdio.h>\nint main(void){ printf(\"ready %d\\n\", getpid()); fflush(stdout); pause(); return 0; }\n"

// startPaused starts `sandbug run --output FILE <args>` on a program that prints "ready PID"
// and pauses, and returns once the program runs, with its pid. stdout gets sandbug's stdout.
func startPaused(t *testing.T, stdout *lockedBuffer, args ...string) (*exec.Cmd, int) {
	t.Helper()
	var errb lockedBuffer
	outFile := t.TempDir() + "/out" // the program's output: sandbug's stdout may hold a report
	cmd := exec.Command(testbin.Sandbug(t), append([]string{"run", "--output", outFile}, args...)...)
	cmd.Stderr = &errb
	if stdout != nil {
		cmd.Stdout = stdout
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := 0
	for i := 0; i < 1000 && pid == 0; i++ {
		time.Sleep(10 * time.Millisecond)
		if b, err := os.ReadFile(outFile); err == nil {
			fmt.Sscanf(string(b), "ready %d", &pid)
		}
	}
	if pid == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the program never started; stderr %q", errb.String())
	}
	return cmd, pid
}

// TestRunInterruptedReport: SIGTERM or SIGHUP to `sandbug run --json` is reported as sandbug's
// own interruption (kind interrupted, the signal it received, what it did to the program),
// never blamed on the program, with the shell's status for that signal; the program is gone.
func TestRunInterruptedReport(t *testing.T) {
	prog := testbin.CompileC(t, "pause-pid", srcPause)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			var out lockedBuffer
			cmd, pid := startPaused(t, &out, "--json", prog)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
				t.Errorf("exit status %v, want %d", err, 128+int(sig))
			}
			var rep struct {
				Exit struct {
					Kind, Signal, Interrupt, Summary string
					ShellCode                        int `json:"shell_code"`
				}
			}
			if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
				t.Fatalf("report: %v\n%s", err, out.String())
			}
			name := map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP"}[sig]
			if rep.Exit.Kind != "interrupted" || rep.Exit.Interrupt != name || rep.Exit.Signal != "SIGKILL" ||
				!strings.Contains(rep.Exit.Summary, "sandbug, which received "+name) || rep.Exit.ShellCode != 128+int(sig) {
				t.Errorf("exit %+v", rep.Exit)
			}
			if syscall.Kill(pid, 0) == nil {
				t.Errorf("the program (pid %d) outlived the run", pid)
				syscall.Kill(pid, syscall.SIGKILL)
			}
		})
	}
}

// TestKilledRunLeavesNothingNextRunSweeps: a sandbug killed with SIGKILL cannot clean up; its
// temporary folders carry its pid, and the next run removes them.
func TestKilledRunLeavesNothingNextRunSweeps(t *testing.T) {
	prog := testbin.CompileC(t, "pause-pid", srcPause)
	cmd, pid := startPaused(t, nil, prog)
	cmd.Process.Kill()
	cmd.Wait()
	syscall.Kill(pid, syscall.SIGKILL) // not this test's subject (issue 12's death signal is)
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("sandbug-*-%d-*", cmd.Process.Pid)))
	if len(left) == 0 {
		t.Fatal("the killed sandbug left no folder: nothing to sweep (did the naming change?)")
	}
	t.Logf("left by the killed sandbug: %v", left)
	if _, errOut, code := sandbug(t, "", "run", "/bin/true"); code != 0 {
		t.Fatalf("next run: %d %s", code, errOut)
	}
	for _, p := range left {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived the next run: %v", p, err)
		}
	}
}
