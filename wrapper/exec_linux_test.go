package wrapper

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

func fixture(t testing.TB, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name+".c"))
	if err != nil {
		t.Fatal(err)
	}
	return testbin.CompileC(t, name, string(src))
}

// runChild runs the test binary as a hand-filter wrapper around program.
type childRun struct {
	stdout, stderr string
	err            error
}

func runHandWrapper(t *testing.T, mode string, env []string, program string, args ...string) childRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{program}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"="+mode)
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return childRun{out.String(), errb.String(), err}
}

func TestExecHandFilterReachesProgram(t *testing.T) {
	status := fixture(t, "status")
	r := runHandWrapper(t, "errno", nil, status, "a b", "c")
	if r.err != nil {
		t.Fatalf("wrapper failed: %v\nstderr: %s", r.err, r.stderr)
	}
	for _, want := range []string{"NoNewPrivs=1\n", "Seccomp=2\n", "Seccomp_filters=1\n", "arg=a b\narg=c\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("program output lacks %q:\n%s", want, r.stdout)
		}
	}
	if os.Geteuid() == 0 && !strings.Contains(r.stdout, "uid=65534\ngid=65534\n") {
		t.Errorf("started as root without --user: program should run as nobody:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "SANDBUG_WRAPPER_TEST") {
		t.Errorf("test settings leaked")
	}
}

func TestExecHandFilterDenies(t *testing.T) {
	denied := fixture(t, "denied")
	r := runHandWrapper(t, "errno", nil, denied, "1000")
	if r.err != nil {
		t.Fatalf("wrapper failed: %v\nstderr: %s", r.err, r.stderr)
	}
	if !strings.Contains(r.stdout, "eperm=1000 other=0") {
		t.Fatalf("personality should fail with EPERM every time: %s", r.stdout)
	}
}

func TestExecExitStatuses(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o644)
	for _, tc := range []struct {
		name, mode, program string
		env                 []string
		code                int
		stderr              string
	}{
		{"not found", "errno", "sandbug-no-such-program", nil, ExitNotFound, "not found"},
		{"not found path", "errno", filepath.Join(dir, "nope"), nil, ExitNotFound, "no such file"},
		{"directory", "errno", dir, nil, ExitNotExecutable, "is a directory"},
		{"not executable", "errno", plain, nil, ExitNotExecutable, "permission denied"},
		{"bad limit", "errno", "/bin/true", []string{"SANDBUG_WRAPPER_TEST_LIMITS=cpu=fast"}, ExitSetup, "cpu"},
		{"refused filter", "broken", "/bin/true", nil, ExitSetup, "seccomp(SECCOMP_SET_MODE_FILTER): invalid argument"},
		{"no socket", "errno", "/bin/true", []string{"SANDBUG_WRAPPER_TEST_NOTIFY=" + filepath.Join(dir, "none.sock")}, ExitSetup, "--notify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runHandWrapper(t, tc.mode, tc.env, tc.program)
			if got := exitCode(r.err); got != tc.code {
				t.Fatalf("exit status %d, want %d (stderr %q)", got, tc.code, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "sandbug-wrapper: ") || strings.Count(r.stderr, "\n") != 1 ||
				!strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("stderr %q: want one line starting with sandbug-wrapper: and mentioning %q", r.stderr, tc.stderr)
			}
		})
	}
}

// TestExecInheritedFdsClosed: descriptors the wrapper's caller left open above stderr (here a
// file as fd 5, and fd 3 and 4 too) never reach the program.
func TestExecInheritedFdsClosed(t *testing.T) {
	status := fixture(t, "status")
	f, err := os.Create(filepath.Join(t.TempDir(), "secret"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(os.Args[0], status)
	cmd.Env = append(os.Environ(), childEnv+"=errno")
	cmd.ExtraFiles = []*os.File{f, f, f} // fds 3, 4 and 5, none close-on-exec in the wrapper
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("wrapper failed: %v\nstderr: %s", err, errb.String())
	}
	var fds string
	for _, line := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "fds="); ok {
			fds = v
		}
	}
	if !strings.Contains(out.String(), "Seccomp=2\n") {
		t.Fatalf("the program did not run sandboxed:\n%s", out.String())
	}
	if strings.TrimSpace(fds) != "" {
		t.Errorf("the program inherited descriptors from the wrapper's caller: %s", fds)
	}
}
