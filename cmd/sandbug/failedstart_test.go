package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

// TestRunFailedStartIsSandboxError: a program the kernel refuses to start is reported as a
// sandbox-error with the reason, never as a program that ran and exited 126 or 127.
func TestRunFailedStartIsSandboxError(t *testing.T) {
	dir := testbin.WorldDir(t)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// An ELF header of a 32-bit i386 executable: ENOEXEC on a kernel without ia32, and at best
	// a broken program elsewhere; never a run of the "program".
	elf32 := make([]byte, 64)
	copy(elf32, "\x7fELF\x01\x01\x01")
	elf32[16], elf32[18] = 2, 3 // ET_EXEC, EM_386
	deny := filepath.Join(dir, "deny-exec.yaml")
	if err := os.WriteFile(deny, []byte("name: no-exec\ndefault: allow\nrules:\n  - name: no programs\n    syscalls: [\"execve\"]\n    action: errno\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		args  []string
		code  int
		words string
	}{
		{"not an ELF", []string{write("notelf", []byte("just some text\nno program here\n"))}, 126, "not a program this machine can run"},
		{"missing interpreter", []string{write("script", []byte("#!/no/such/interpreter\necho hi\n"))}, 127, "its interpreter is missing"},
		{"32-bit ELF", []string{write("elf32", elf32)}, 126, "cannot start"},
		{"policy denies execve", []string{"--policy", deny, "/bin/true"}, 126, "refused by the sandbox's policy"},
	}
	testbin.Sandbug(t) // built before the clock starts
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t0 := time.Now()
			out, errOut, code := sandbug(t, "", append([]string{"run", "--json"}, c.args...)...)
			// The reason reaches the person once, through the report, at once: the wrapper
			// prints its own copy only when the supervisor did not take it (it used to wait a
			// second for a close that came only after its own, then print it too).
			if took := time.Since(t0); took > 700*time.Millisecond {
				t.Errorf("a start that failed took %v to report", took)
			}
			if strings.Contains(errOut, "sandbug-wrapper:") {
				t.Errorf("the wrapper printed the reason too:\n%s", errOut)
			}
			var rep struct {
				Exit struct {
					Kind, Message, Summary string
					Code                   int
				}
				Sandbox struct{ Verified bool }
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("report: %v\n%s\nstderr: %s", err, out, errOut)
			}
			if rep.Exit.Kind != "sandbox-error" || rep.Exit.Code != c.code || code != c.code ||
				!strings.Contains(rep.Exit.Message, c.words) || !strings.Contains(rep.Exit.Summary, c.words) {
				t.Errorf("exit %+v, status %d; want sandbox-error %d saying %q", rep.Exit, code, c.code, c.words)
			}
			if rep.Sandbox.Verified {
				t.Errorf("a program that never started is reported as verified in the sandbox")
			}
		})
	}
}
