package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/launcher"
)

const brokenC = `#include <stdio.h>

int main(void)
{
	int total = 0;
	for (int i = 0; i < 3; i++)
		total += i;
	printf("%d\n", totl);
	return 0;
}
`

// A compile error opens the Source pane at the first error's line, the compiler's message
// right under it, focus on Source; the exit card makes room. Goldens at 80x24 and 120x40.
func TestCompileErrorOpensSourceAtFirstError(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("testdata", "compileerr"))
	path := filepath.Join(dir, "broken.c")
	if b, err := os.ReadFile(path); err != nil || string(b) != brokenC {
		t.Fatalf("testdata/compileerr/broken.c is not the expected fixture: %v", err)
	}
	out := path + ": In function 'main':\n" +
		path + ":8:24: error: 'totl' undeclared (first use in this function); did you mean 'total'?\n" +
		path + ":9:9: error: expected ';' before 'return'\n"
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		name := fmt.Sprintf("%dx%d", sz.w, sz.h)
		t.Run(name, func(t *testing.T) {
			hs := started(t, sz.w, sz.h, Options{})
			hs.m.setFocus(paneStack)
			hs.events(launcher.CompileEvent{OK: false, Command: "cc -g -O0 -Wall -o broken " + path, Output: out},
				launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindCompileError, Message: out}})
			scr := hs.screen()
			if hs.m.card != cardNone {
				t.Errorf("the exit card still hides the source (card %d)", hs.m.card)
			}
			if hs.m.focus != paneSource || hs.m.src.file == nil || hs.m.src.cursor != 8 {
				t.Fatalf("focus %v, cursor %d: want Source at line 8\n%s", hs.m.focus, hs.m.src.cursor, scr)
			}
			lines := strings.Split(scr, "\n")
			at := -1
			for i, l := range lines {
				if strings.Contains(l, `printf("%d\n", totl);`) {
					at = i
				}
			}
			if at < 0 || at+1 >= len(lines) || !strings.Contains(lines[at], "✗") ||
				!strings.Contains(lines[at+1], "└ error: 'totl' undeclared") {
				t.Errorf("line 8 with the message under it not found:\n%s", scr)
			}
			status := lines[len(lines)-2]
			if !strings.Contains(status, "compile error at broken.c:8  · fix it, then F5") || strings.Contains(status, "failedsandbox") {
				t.Errorf("status line: %q", status)
			}
			golden(t, "compile-error-"+name, scr)
		})
	}
}

// The status line keeps a space between a long message cut to fit and the sandbox part.
func TestStatusLineNeverRunsWordsTogether(t *testing.T) {
	hs := started(t, 80, 24, Options{})
	hs.events(launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindCompileError, Message: "x.c: no line here"}})
	hs.m.fail("compilation failed")
	s := hs.m.statusLine()
	if strings.Contains(s, "failedsandbox") || strings.Contains(s, "…sandbox") || !strings.Contains(s, " sandbox: default") {
		t.Errorf("status line runs words together: %q", s)
	}
}

// make's messages name files from make's folder (CompileEvent.Dir), not sandbug's: the Source
// pane opens the file there.
func TestCompileErrorFromMakeOpensFileInItsFolder(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("testdata", "compileerr"))
	out := "cc -Wall -O2 -g -O0   -c -o broken.o broken.c\n" +
		"broken.c:8:24: error: 'totl' undeclared (first use in this function); did you mean 'total'?\n" +
		"make: *** [<builtin>: broken.o] Error 1\n"
	hs := started(t, 80, 24, Options{})
	hs.events(launcher.CompileEvent{OK: false, Dir: dir, Command: "make -B all 'CFLAGS=-g -O0'", Output: out},
		launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindCompileError, Message: out}})
	scr := hs.screen()
	if hs.m.src.file == nil || hs.m.src.file.Path != filepath.Join(dir, "broken.c") || hs.m.src.cursor != 8 {
		t.Fatalf("want %s at line 8 in the Source pane:\n%s", filepath.Join(dir, "broken.c"), scr)
	}
	if !strings.Contains(scr, "└ error: 'totl' undeclared") {
		t.Errorf("the compiler's message is not under its line:\n%s", scr)
	}
}

// A make build without debug information (the Makefile ignores $(CFLAGS)) is said in the
// status line, whole at 80 columns, with make's explanation in the console.
func TestMakeBuildWithoutDebugInfoIsSaid(t *testing.T) {
	hs := started(t, 80, 24, Options{})
	hs.events(launcher.CompileEvent{OK: true, NoDebugInfo: true, Dir: "/tmp/p", Command: "make -B prog 'CFLAGS=-g -O0'",
		Output: "gcc -o prog main.c\nsandbug: prog has no debug information: the Makefile's rules do not pass $(CFLAGS) to the compiler\n"})
	if scr := hs.screen(); !strings.Contains(scr, "No debug info: see the console.") {
		t.Fatalf("the status line does not say it:\n%s", scr)
	}
	found := false
	for _, l := range hs.m.con.lines {
		found = found || strings.Contains(l.Text, "prog has no debug information")
	}
	if !found {
		t.Errorf("the console lacks make's explanation: %+v", hs.m.con.lines)
	}
}
