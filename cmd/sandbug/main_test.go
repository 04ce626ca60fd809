package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m) }

const (
	srcExit = `#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) { printf("out %s\n", argc > 1 ? argv[1] : "-"); return argc > 1 ? atoi(argv[1]) : 0; }
`
	srcSegv   = "int main(void) { *(volatile int *)0 = 1; return 0; }\n"
	srcPtrace = `#include <stdio.h>
#include <errno.h>
#include <sys/ptrace.h>
int main(void) { long r = ptrace(PTRACE_TRACEME, 0, 0, 0); printf("r=%ld errno=%d\n", r, errno); return 0; }
`
	srcCat = `#include <stdio.h>
int main(void) { int c; while ((c = getchar()) != EOF) putchar(c); return 0; }
`
	srcRandom = `#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
	long n = atol(argv[1]); unsigned long x = 88172645463325252UL; char buf[65536];
	while (n > 0) {
		int k = n < (long)sizeof buf ? (int)n : (int)sizeof buf;
		for (int i = 0; i < k; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buf[i] = (char)x; }
		for (int off = 0; off < k; ) { ssize_t w = write(1, buf + off, k - off); if (w <= 0) return 1; off += w; }
		n -= k;
	}
	return 0;
}
`
)

// sandbug runs the built binary with args and stdin; it returns stdout, stderr and the status.
func sandbug(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testbin.Sandbug(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Dir = t.TempDir()
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestRunExitStatusMirrorsProgram(t *testing.T) {
	prog := testbin.CompileC(t, "exit", srcExit)
	for _, code := range []int{0, 3, 255} {
		out, errOut, got := sandbug(t, "", "run", prog, "--", strconv.Itoa(code))
		if got != code || out != "out "+strconv.Itoa(code)+"\n" {
			t.Errorf("exit %d: status %d, stdout %q", code, got, out)
		}
		if !strings.Contains(errOut, "exited") || !strings.Contains(errOut, "blocked no system call") {
			t.Errorf("exit card: %q", errOut)
		}
	}
	_, errOut, got := sandbug(t, "", "run", testbin.CompileC(t, "segv", srcSegv))
	if got != 139 || !strings.Contains(errOut, "terminated by SIGSEGV (segmentation fault") {
		t.Errorf("segv: status %d, %q", got, errOut)
	}
}

func TestRunOwnFailures(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run"}, 125, "no program given"},
		{[]string{"run", "--bogus", "x"}, 125, "flag provided but not defined"},
		{[]string{"run", "--limit", "cpu=banana", "x"}, 125, "--limit"},
		{[]string{"run", "--profile", "nope", "/bin/true"}, 125, "profile"},
		{[]string{"run", "/no/such/program"}, 127, "not found"},
		{[]string{"run", "--user", "no-such-user-xyz", "/bin/true"}, 125, "no-such-user-xyz"},
	} {
		_, errOut, code := sandbug(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: status %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	src := filepath.Join(t.TempDir(), "bad.c")
	os.WriteFile(src, []byte("int main(void) { return nope; }\n"), 0o644)
	_, errOut, code := sandbug(t, "", "run", src)
	if code != 125 || !strings.Contains(errOut, "bad.c:1:") || !strings.Contains(errOut, "compilation failed") {
		t.Errorf("compile error: status %d, stderr %q", code, errOut)
	}
}

func TestRunJSONReport(t *testing.T) {
	prog := testbin.CompileC(t, "ptrace", srcPtrace)
	out, errOut, code := sandbug(t, "", "run", "--json", "--limit", "cpu=5s,nofile=64", "--timeout", "20s", prog)
	if code != 0 {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	if !strings.Contains(errOut, "r=-1 errno=1") {
		t.Errorf("program output not on stderr: %q", errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	exit := rep["exit"].(map[string]any)
	if exit["kind"] != "exited" || exit["code"].(float64) != 0 || exit["signal"] != "" {
		t.Errorf("exit %v", exit)
	}
	bl := rep["blocked"].([]any)
	if len(bl) != 1 {
		t.Fatalf("blocked %v", bl)
	}
	b := bl[0].(map[string]any)
	if b["syscall"] != "ptrace" || b["nr"].(float64) != 101 || b["count"].(float64) != 1 || b["action"] != "errno" ||
		b["errno"] != "EPERM" || len(b["pids"].([]any)) != 1 || len(b["args"].([]any)) != 6 {
		t.Errorf("blocked[0] %v", b)
	}
	sb := rep["sandbox"].(map[string]any)
	if sb["verified"] != true || sb["policy"] != "default" {
		t.Errorf("sandbox %v", sb)
	}
	lim := rep["limits"].(map[string]any)
	if lim["cpu_ms"].(float64) != 5000 || lim["nofile"].(float64) != 64 || lim["timeout_ms"].(float64) != 20000 {
		t.Errorf("limits %v", lim)
	}
	if _, ok := rep["duration_ms"].(float64); !ok {
		t.Errorf("duration_ms missing")
	}
}

func TestRunOutputFileAndStdin(t *testing.T) {
	prog := testbin.CompileC(t, "cat", srcCat)
	outFile := filepath.Join(t.TempDir(), "out.txt")
	stdout, _, code := sandbug(t, "line one\nline two\n", "run", "--json", "--output", outFile, prog)
	if code != 0 {
		t.Fatalf("status %d", code)
	}
	b, _ := os.ReadFile(outFile)
	if string(b) != "line one\nline two\n" {
		t.Errorf("--output file %q", b)
	}
	if !json.Valid([]byte(stdout)) {
		t.Errorf("stdout %q", stdout)
	}
}

func TestRunByteExact(t *testing.T) {
	prog := testbin.CompileC(t, "random", srcRandom)
	n := strconv.Itoa(10 << 20)
	want, err := exec.Command(prog, n).Output()
	if err != nil {
		t.Fatal(err)
	}
	out, _, code := sandbug(t, "", "run", prog, "--", n)
	if code != 0 || out != string(want) {
		t.Fatalf("status %d, %d bytes, want %d identical bytes", code, len(out), len(want))
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, _, code := sandbug(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "sandbug ") {
		t.Errorf("--version: %d %q", code, out)
	}
	out, _, code = sandbug(t, "", "run", "--help")
	if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--json") || !strings.Contains(out, "--no-stop-at-blocked") {
		t.Errorf("run --help: %d %q", code, out)
	}
	out, _, code = sandbug(t, "", "demo")
	if code != 0 || !strings.Contains(out, "ptrace") {
		t.Errorf("demo list: %d %q", code, out)
	}
	_, errOut, code := sandbug(t, "", "debug", "/bin/true")
	if code != 125 || !strings.Contains(errOut, "terminal") {
		t.Errorf("debug without a terminal: %d %q", code, errOut)
	}
}

func TestDemoRun(t *testing.T) {
	out, errOut, code := sandbug(t, "", "demo", "ptrace", "--run")
	if code == 125 || !strings.Contains(errOut, "ptrace") {
		t.Errorf("demo ptrace --run: %d %q %q", code, out, errOut)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func TestRunForwardsSIGINT(t *testing.T) {
	prog := testbin.CompileC(t, "pause", "#include <unistd.h>\n#include <stdio.h>\nint main(void){ puts(\"ready\"); fflush(stdout); pause(); return 0; }\n")
	cmd := exec.Command(testbin.Sandbug(t), "run", prog)
	var out, errb lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000 && !strings.Contains(out.String(), "ready"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(errb.String(), "terminated by SIGINT") || !strings.Contains(errb.String(), "sandbug received SIGINT and passed it on") {
		t.Fatalf("status %v, stderr %q", err, errb.String())
	}
}
