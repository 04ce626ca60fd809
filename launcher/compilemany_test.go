package launcher

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A two-file program with a header beside it, math and threads links and runs: list.c is not
// dropped, list.h is found, -lm and -pthread come from the includes.
func TestCompileAllSeveralSourcesHeadersAndLibs(t *testing.T) {
	if _, err := exec.LookPath("cc"); err != nil {
		t.Skip("cc not installed")
	}
	dir := t.TempDir()
	files := map[string]string{
		"list.h": "int sum(int n);\n",
		"list.c": "#include \"list.h\"\n#include <math.h>\nint sum(int n) { return n + (int)sqrt((double)n * 4.0); }\n",
		"main.c": `#include <stdio.h>
#include <pthread.h>
#include "list.h"
static void *work(void *a) { (void)a; return 0; }
int main(void) {
	pthread_t t; pthread_create(&t, 0, work, 0); pthread_join(t, 0);
	printf("%d\n", sum(9));
	return 0;
}
`,
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srcs := []string{filepath.Join(dir, "main.c"), filepath.Join(dir, "list.c")}
	ev, err := CompileAll(context.Background(), srcs, "", "", t.TempDir())
	if err != nil {
		t.Fatalf("CompileAll: %v\n%s", err, ev.Output)
	}
	if filepath.Base(ev.Binary) != "main" {
		t.Errorf("binary %s, want one named after the first source", ev.Binary)
	}
	for _, w := range []string{"list.c", "-lm", "-pthread"} {
		if !strings.Contains(ev.Command, w) {
			t.Errorf("command %q lacks %q", ev.Command, w)
		}
	}
	out, err := exec.Command(ev.Binary).Output()
	if err != nil || string(out) != "15\n" {
		t.Errorf("program printed %q, %v; want 15", out, err)
	}
	// A flag the user gave is not repeated.
	ev, err = CompileAll(context.Background(), srcs, "", "-lm", t.TempDir())
	if err != nil || strings.Count(ev.Command, "-lm") != 1 {
		t.Errorf("with --cflags -lm: %q, %v", ev.Command, err)
	}
}

func TestDetectLibs(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.c")
	os.WriteFile(a, []byte("#include <stdio.h>\n  # include <pthread.h>\n// #include <math.h> in a comment line is not at a line start\n"), 0o644)
	b := filepath.Join(dir, "b.c")
	os.WriteFile(b, []byte("#include<math.h>\n"), 0o644)
	if got := DetectLibs([]string{a}); !reflect.DeepEqual(got, []string{"-pthread"}) {
		t.Errorf("a.c: %q", got)
	}
	if got := DetectLibs([]string{a, b}); !reflect.DeepEqual(got, []string{"-lm", "-pthread"}) {
		t.Errorf("a.c b.c: %q", got)
	}
}

func TestFirstError(t *testing.T) {
	out := "main.c: In function 'main':\nmain.c:3:5: warning: unused variable 'x' [-Wunused-variable]\n" +
		"main.c:7:12: error: 'y' undeclared (first use in this function)\nmain.c:9:1: error: expected ';'\n"
	m, ok := FirstError(out)
	want := CompilerMessage{File: "main.c", Line: 7, Col: 12, Severity: "error", Text: "'y' undeclared (first use in this function)"}
	if !ok || m != want {
		t.Errorf("FirstError = %+v, %v; want %+v", m, ok, want)
	}
	if _, ok := FirstError("/usr/bin/ld: main.o: in function `main':\nmain.c:(.text+0x9): undefined reference to `sum'\n"); ok {
		t.Error("a link error has no line, yet FirstError found one")
	}
}
