package launcher

import (
	"context"
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// writeProject writes files (name -> text) into a fresh folder and returns it.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for n, text := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	mkMain = "#include <stdio.h>\n#include \"list.h\"\nint main(void) { printf(\"%d\\n\", twice(4)); return 0; }\n"
	mkList = "#include \"list.h\"\nint twice(int v) { return 2 * v; }\n"
	mkHdr  = "int twice(int);\n"
)

// DiscoverMake reads make's own database: the default goal (or the named target), the program
// it reaches, and the Makefile's CFLAGS as make stores them.
func TestDiscoverMake(t *testing.T) {
	testbin.NeedTool(t, "make")
	tests := []struct {
		name, makefile, target  string
		wantTarget, wantProgram string
		wantCFlags              string
		wantErr                 string // a part of the *MakeError's text
	}{
		{name: "phony all reaches prog",
			makefile:   "WARN = -Wall\nCFLAGS = $(WARN) -O2\nCFLAGS += -std=c99\n.PHONY: all clean\nall: prog\nprog: main.o list.o\n\t$(CC) $(CFLAGS) -o $@ main.o list.o\nclean:\n\trm -f prog *.o\n",
			wantTarget: "all", wantProgram: "prog", wantCFlags: "$(WARN) -O2 -std=c99"},
		{name: "all without .PHONY",
			makefile:   "all: calc\ncalc: main.c list.c\n\tgcc $(CFLAGS) -o calc main.c list.c\n",
			wantTarget: "all", wantProgram: "calc"},
		{name: "first rule is the program",
			makefile:   "CFLAGS := -Wall\nlister: main.o list.o\n\t$(CC) -o $@ $^\nclean:\n\trm -f lister *.o\n",
			wantTarget: "lister", wantProgram: "lister", wantCFlags: "-Wall"},
		{name: "built-in link rule",
			makefile:   "main: main.o list.o\n",
			wantTarget: "main", wantProgram: "main"},
		{name: "named target",
			makefile: "all: a b\na: main.c list.c\n\t$(CC) -o a main.c list.c\nb: main.c list.c\n\t$(CC) -o b main.c list.c\n",
			target:   "b", wantTarget: "b", wantProgram: "b"},
		{name: "goal builds no program",
			makefile: ".PHONY: clean\nclean:\n\trm -f *.o\n",
			wantErr:  "target clean builds no program: name the target that builds it"},
		{name: "unknown target",
			makefile: "prog: main.c\n\t$(CC) -o prog main.c\n", target: "nope",
			wantErr: "make stopped: make: *** No rule to make target 'nope'"},
		{name: "syntax error",
			makefile: "prog: main.c\n    $(CC) -o prog main.c\n",
			wantErr:  "make stopped: Makefile:2: *** missing separator"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProject(t, map[string]string{"Makefile": tc.makefile, "main.c": mkMain, "list.c": mkList, "list.h": mkHdr})
			p, err := DiscoverMake(context.Background(), dir, tc.target)
			if tc.wantErr != "" {
				var me *MakeError
				if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a MakeError with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Target != tc.wantTarget || p.Program != filepath.Join(dir, tc.wantProgram) || p.CFlags != tc.wantCFlags || p.Dir != dir {
				t.Errorf("plan = %+v, want target %q, program %q, cflags %q", p, tc.wantTarget, tc.wantProgram, tc.wantCFlags)
			}
		})
	}
}

func TestDiscoverMakeWithoutMakefile(t *testing.T) {
	dir := t.TempDir()
	_, err := DiscoverMake(context.Background(), dir, "")
	var me *MakeError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "no Makefile in "+dir) || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %v, want one line naming the folder", err)
	}
}

// -g -O0 go after the Makefile's flags (the last -O wins) unless they already ask for -g.
func TestMakeBuildCFlags(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "-g -O0",
		"-Wall -O2":              "-Wall -O2 -g -O0",
		"$(WARN) -std=c99":       "$(WARN) -std=c99 -g -O0",
		"-g -Wall":               "-g -Wall",
		"-Wall -g3":              "-Wall -g3",
		"-ggdb -O1":              "-ggdb -O1",
		"-Wall -gsplit-dwarfish": "-Wall -gsplit-dwarfish -g -O0",
	} {
		if got := (MakePlan{CFlags: in}).BuildCFlags(); got != want {
			t.Errorf("BuildCFlags(%q) = %q, want %q", in, got, want)
		}
	}
	args := MakePlan{Target: "all", CFlags: "-Wall"}.BuildArgs()
	if strings.Join(args, " ") != "-B all CFLAGS=-Wall -g -O0" {
		t.Errorf("BuildArgs = %q", args)
	}
}

// BuildMake rebuilds every object with debug information, reports the folder and make's
// output, and fails plainly on a build error or a goal that made no program.
func TestBuildMake(t *testing.T) {
	testbin.NeedTool(t, "make")
	testbin.NeedTool(t, "gcc")
	ctx := context.Background()
	mf := "CFLAGS = -Wall -O2\nall: prog\nprog: main.o list.o\n\t$(CC) $(CFLAGS) -o $@ main.o list.o\n"
	dir := writeProject(t, map[string]string{"Makefile": mf, "main.c": mkMain, "list.c": mkList, "list.h": mkHdr})
	p, err := DiscoverMake(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := BuildMake(ctx, p, "")
	if err != nil || !ev.OK || ev.Binary != filepath.Join(dir, "prog") || ev.Dir != dir {
		t.Fatalf("BuildMake: %v, event %+v", err, ev)
	}
	if ev.Command != "make -B all 'CFLAGS=-Wall -O2 -g -O0'" || !strings.Contains(ev.Output, "-Wall -O2 -g -O0   -c -o main.o main.c") {
		t.Errorf("command %q, output:\n%s", ev.Command, ev.Output)
	}
	out := t.TempDir()
	if ev, err := BuildMake(ctx, p, out); err != nil || ev.Binary != filepath.Join(out, "prog") {
		t.Errorf("BuildMake into %s: %v, binary %s", out, err, ev.Binary)
	} else if fi, err := os.Stat(ev.Binary); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the copy: %v, %v", fi, err)
	}
	f, err := elf.Open(ev.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if f.Section(".debug_info") == nil {
		t.Errorf("%s has no debug information", ev.Binary)
	}
	f.Close()

	// A compile error: make's output, gcc's message in it, as a CompileError.
	os.WriteFile(filepath.Join(dir, "list.c"), []byte("int twice(int v) { return 2 * w; }\n"), 0o644)
	ev, err = BuildMake(ctx, p, "")
	var ce *CompileError
	if !errors.As(err, &ce) || ev.OK || !strings.Contains(ev.Output, "list.c:1:") || !strings.Contains(ev.Output, "undeclared") {
		t.Errorf("build error: %v, output:\n%s", err, ev.Output)
	}
	if d, ok := FirstError(ev.Output); !ok || d.File != "list.c" || d.Line != 1 {
		t.Errorf("FirstError(make's output) = %+v, %v", d, ok)
	}

	// A goal whose rule makes no file of its name.
	dir2 := writeProject(t, map[string]string{"Makefile": "prog: main.c\n\techo nothing\n", "main.c": mkMain})
	p2, err := DiscoverMake(ctx, dir2, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = BuildMake(ctx, p2, "")
	var me *MakeError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "make prog built no program prog (no such file)") {
		t.Errorf("no program built: %v", err)
	}
}

// TestMakeIgnoresAnOuterMake: sandbug started from a Makefile (make demo, make -n ...) inherits
// the outer make's MAKEFLAGS and MAKELEVEL; the student's build is its own make run all the same:
// it builds (not a dry run) and its messages say "make:", not "make[1]:".
func TestMakeIgnoresAnOuterMake(t *testing.T) {
	testbin.NeedTool(t, "make")
	testbin.NeedTool(t, "gcc")
	t.Setenv("MAKEFLAGS", "n")
	t.Setenv("MAKELEVEL", "2")
	ctx := context.Background()
	dir := writeProject(t, map[string]string{"Makefile": "all: prog\nprog: main.o list.o\n\t$(CC) $(CFLAGS) -o $@ main.o list.o\n",
		"main.c": mkMain, "list.c": mkList, "list.h": mkHdr})
	if _, err := DiscoverMake(ctx, dir, "nope"); err == nil || !strings.Contains(err.Error(), "make: *** No rule to make target 'nope'") {
		t.Errorf("an unknown target: %v", err)
	}
	p, err := DiscoverMake(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := BuildMake(ctx, p, ""); err != nil || !ev.OK {
		t.Fatalf("BuildMake under MAKEFLAGS=n: %v, event %+v", err, ev)
	}
	if _, err := os.Stat(filepath.Join(dir, "prog")); err != nil {
		t.Errorf("no program built (a dry run?): %v", err)
	}
}

// TestMakeWithoutCFlagsSaysNoDebugInfo: a Makefile whose rule hard-codes the compiler's
// command never gets -g: the build is kept, and the event says the program has no debug
// information and why.
func TestMakeWithoutCFlagsSaysNoDebugInfo(t *testing.T) {
	testbin.NeedTool(t, "make")
	testbin.NeedTool(t, "gcc")
	ctx := context.Background()
	dir := writeProject(t, map[string]string{"Makefile": "prog: main.c list.c\n\tgcc -o prog main.c list.c\n",
		"main.c": mkMain, "list.c": mkList, "list.h": mkHdr})
	p, err := DiscoverMake(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := BuildMake(ctx, p, "")
	if err != nil || !ev.OK || !ev.NoDebugInfo || !strings.Contains(ev.Output, "prog has no debug information: the Makefile's rules do not pass $(CFLAGS)") {
		t.Fatalf("BuildMake: %v, event %+v", err, ev)
	}
	// With $(CFLAGS) in the rule, -g reaches the compiler and nothing is said.
	os.WriteFile(filepath.Join(dir, "Makefile"), []byte("prog: main.c list.c\n\t$(CC) $(CFLAGS) -o prog main.c list.c\n"), 0o644)
	if p, err = DiscoverMake(ctx, dir, ""); err != nil {
		t.Fatal(err)
	}
	if ev, err := BuildMake(ctx, p, ""); err != nil || !ev.OK || ev.NoDebugInfo {
		t.Fatalf("BuildMake with $(CFLAGS): %v, event %+v", err, ev)
	}
}
