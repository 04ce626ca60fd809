package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

const (
	makeMain = "#include <stdio.h>\n#include <stdlib.h>\n#include \"list.h\"\nint main(int c, char **v) { printf(\"twice %d\\n\", twice(c > 1 ? atoi(v[1]) : 4)); return 0; }\n"
	makeList = "#include \"list.h\"\nint twice(int v) { return 2 * v; }\n"
	makeHdr  = "int twice(int);\n"
	// A student's Makefile: optimised, no -g, a phony default goal.
	makeFile = "CFLAGS = -Wall -O2\n.PHONY: all clean\nall: lister\nlister: main.o list.o\n\t$(CC) $(CFLAGS) -o $@ main.o list.o\nclean:\n\trm -f lister *.o\n"
)

// makeProject writes a two-file project with the given Makefile ("" for none) into a folder
// the sandboxed program (nobody) may enter.
func makeProject(t *testing.T, makefile string) string {
	t.Helper()
	dir := testbin.WorldDir(t)
	files := map[string]string{"main.c": makeMain, "list.c": makeList, "list.h": makeHdr}
	if makefile != "" {
		files["Makefile"] = makefile
	}
	for n, text := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sandbugIn runs sandbug in dir with env added to its environment.
func sandbugIn(t *testing.T, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testbin.Sandbug(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

// `sandbug run --make` builds the default goal's program with the Makefile's CFLAGS plus
// -g -O0, every object again (-B), and runs it in the sandbox with its arguments.
func TestRunMakeBuildsDefaultGoal(t *testing.T) {
	testbin.NeedTool(t, "make")
	testbin.NeedTool(t, "gcc")
	dir := makeProject(t, makeFile)
	out, errOut, code := sandbugIn(t, dir, nil, "run", "--make", "--", "21")
	if code != 0 || out != "twice 42\n" {
		t.Fatalf("run --make -- 21: status %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "-Wall -O2 -g -O0   -c -o main.o main.c") || !strings.Contains(errOut, "exited normally") {
		t.Errorf("make's output or the exit card missing:\n%s", errOut)
	}
	// A named target, a JSON report whose compile part is make's command and output.
	out, errOut, code = sandbugIn(t, dir, nil, "run", "--json", "--make", "lister")
	var rep struct {
		Program string
		Compile struct {
			OK      bool
			Command string
			Output  string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("run --json --make lister: status %d, %v\n%s\n%s", code, err, out, errOut)
	}
	if !rep.Compile.OK || rep.Compile.Command != "make -B lister 'CFLAGS=-Wall -O2 -g -O0'" ||
		!strings.Contains(rep.Compile.Output, "-o lister main.o list.o") || rep.Program != filepath.Join(dir, "lister") {
		t.Errorf("report: %+v", rep)
	}
	if !strings.Contains(errOut, "twice 8\n") {
		t.Errorf("the program's output (stderr with --json): %q", errOut)
	}
}

// What --make cannot build is one line on stderr that says what to do, and status 125; a
// build error shows make's (and the compiler's) messages, then the compile-error card.
func TestRunMakeFailures(t *testing.T) {
	testbin.NeedTool(t, "make")
	testbin.NeedTool(t, "gcc")
	oneLine := func(t *testing.T, errOut string, code int, want string) {
		t.Helper()
		if code != 125 || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "sandbug: --make: ") || !strings.Contains(errOut, want) {
			t.Errorf("status %d, stderr %q: want one line with %q and 125", code, errOut, want)
		}
	}
	t.Run("no Makefile", func(t *testing.T) {
		dir := makeProject(t, "")
		_, errOut, code := sandbugIn(t, dir, nil, "run", "--make")
		oneLine(t, errOut, code, "no Makefile in "+dir+": run sandbug in your project's folder")
	})
	t.Run("Makefile error", func(t *testing.T) {
		dir := makeProject(t, "lister: main.c list.c\n    $(CC) -o lister main.c list.c\n")
		_, errOut, code := sandbugIn(t, dir, nil, "run", "--make")
		oneLine(t, errOut, code, "make stopped: Makefile:2: *** missing separator")
	})
	t.Run("no program", func(t *testing.T) {
		dir := makeProject(t, makeFile)
		_, errOut, code := sandbugIn(t, dir, nil, "run", "--make", "clean")
		oneLine(t, errOut, code, "target clean builds no program: name the target that builds it (sandbug --make TARGET)")
	})
	t.Run("make missing", func(t *testing.T) {
		dir := makeProject(t, makeFile)
		_, errOut, code := sandbugIn(t, dir, []string{"PATH=" + dir}, "run", "--make")
		oneLine(t, errOut, code, "make is not installed")
	})
	t.Run("sources", func(t *testing.T) {
		dir := makeProject(t, makeFile)
		_, errOut, code := sandbugIn(t, dir, nil, "run", "--make", "main.c")
		if code != 125 || !strings.Contains(errOut, "give a make target, not sources") {
			t.Errorf("status %d, stderr %q", code, errOut)
		}
	})
	t.Run("build error", func(t *testing.T) {
		dir := makeProject(t, makeFile)
		os.WriteFile(filepath.Join(dir, "list.c"), []byte("#include \"list.h\"\nint twice(int v) { return 2 * w; }\n"), 0o644)
		out, errOut, code := sandbugIn(t, dir, nil, "run", "--make")
		if code != 125 || out != "" || !strings.Contains(errOut, "list.c:2:") || !strings.Contains(errOut, "undeclared") ||
			!strings.Contains(errOut, "compilation failed: the program was not run") {
			t.Errorf("status %d, stdout %q, stderr:\n%s", code, out, errOut)
		}
	})
	t.Run("debug mode", func(t *testing.T) {
		// The checks come before the UI: no terminal is needed to hear them.
		dir := makeProject(t, "")
		_, errOut, code := sandbugIn(t, dir, nil, "--make")
		oneLine(t, errOut, code, "no Makefile in ")
	})
}

// --help of sandbug, run and debug offers --make.
func TestMakeInHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"debug", "--help"}} {
		out, _, _ := sandbug(t, "", args...)
		if !strings.Contains(out, "--make [TARGET] [-- ARGS...]") {
			t.Errorf("%v does not offer --make [TARGET]:\n%s", args, out)
		}
	}
	out, _, _ := sandbug(t, "", "run", "--help")
	if !strings.Contains(out, "  --make\n") || !strings.Contains(out, "-g -O0") {
		t.Errorf("run --help lists no --make flag:\n%s", out)
	}
}

// --make [TARGET] [-- ARGS...]: the first word is make's target; "--" right after --make means
// the default goal; a program or sources with --make are refused.
func TestParseMakeArgs(t *testing.T) {
	tests := []struct {
		args       []string
		target     string
		progArgs   []string
		wantErrSub string
	}{
		{args: []string{"--make"}},
		{args: []string{"--make", "--", "21"}, progArgs: []string{"21"}},
		{args: []string{"--make", "lister", "--", "-v", "x"}, target: "lister", progArgs: []string{"-v", "x"}},
		{args: []string{"--make", "lister", "--timeout", "5s", "x"}, target: "lister", progArgs: []string{"x"}},
		{args: []string{"--timeout", "5s", "--make", "all"}, target: "all"},
		{args: []string{"--make", "main.c"}, wantErrSub: "give a make target, not sources"},
		{args: []string{"./prog", "--make"}, wantErrSub: "give a make target or nothing, not ./prog"},
	}
	for _, tc := range tests {
		var o options
		fs := newFlagSet("run", &o, nil, true, false)
		err := parseArgs(fs, tc.args, &o, true)
		if tc.wantErrSub != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErrSub) {
				t.Errorf("%q: err %v, want %q", tc.args, err, tc.wantErrSub)
			}
			continue
		}
		if err != nil || !o.make || o.makeTarget != tc.target || strings.Join(o.args, " ") != strings.Join(tc.progArgs, " ") {
			t.Errorf("%q: err %v, make %v, target %q, args %q", tc.args, err, o.make, o.makeTarget, o.args)
		}
	}
}
