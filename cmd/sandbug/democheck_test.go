package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

const teacherC = `#include <errno.h>
#include <stdio.h>
#include <sys/ptrace.h>
int main(void) {
	char name[32];
	if (scanf("%31s", name) == 1)
		printf("hello %s\n", name);
	long r = ptrace(PTRACE_TRACEME, 0, 0, 0);
	printf("ptrace returned %ld errno %d\n", r, errno);
	return 2;
}
`

const teacherLesson = `---
title: A teacher's demo
summary: greets the user, then ptrace is refused
profile: default
stdin: "ada\n"
expect:
  kind: exited
  code: CODE
  blocked: [ptrace]
  output:
    - "hello ada"
    - "errno 1"
---
# A teacher's demo

The sandbox refuses ` + "`ptrace`" + `.
`

// teacherDemo writes a demo folder a teacher would: lesson.md and the program.
func teacherDemo(t *testing.T, code string) string {
	dir := filepath.Join(testbin.WorldDir(t), "greet")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "greet.c"), []byte(teacherC), 0o644)
	os.WriteFile(filepath.Join(dir, "lesson.md"), []byte(strings.Replace(teacherLesson, "CODE", code, 1)), 0o644)
	return dir
}

// TestDemoCheckTeacherFolder: `sandbug demo --check ./folder` runs a teacher's demo in both
// modes against its lesson (stdin fed, blocked calls and output checked) and says which
// expectation does not hold.
func TestDemoCheckTeacherFolder(t *testing.T) {
	out, errOut, code := sandbug(t, "", "demo", "--check", teacherDemo(t, "2"))
	if code != 0 || strings.Count(out, ": ok: exited with status 2") != 2 || !strings.Contains(out, "run mode") || !strings.Contains(out, "debug mode") {
		t.Fatalf("a true lesson: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = sandbug(t, "", "demo", "--check", teacherDemo(t, "3"))
	if code != 1 || strings.Count(out, "FAIL: it exited with status 2; the lesson expects 3") != 2 {
		t.Fatalf("a wrong lesson: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = sandbug(t, "", "demo", "--run", teacherDemo(t, "2"))
	if code != 2 || !strings.Contains(errOut, "ptrace") {
		t.Errorf("demo --run of a folder: exit %d\n%s%s", code, out, errOut)
	}
	_, errOut, code = sandbug(t, "", "demo", "--check", filepath.Join(testbin.WorldDir(t), "empty")+"/")
	if code != 125 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "no lesson.md") {
		t.Errorf("a folder without a lesson: exit %d %q", code, errOut)
	}
}

// TestDemoCheckBundled: --check works on a bundled demo by name too.
func TestDemoCheckBundled(t *testing.T) {
	out, errOut, code := sandbug(t, "", "demo", "ptrace", "--check")
	if code != 0 || strings.Count(out, ": ok: ") != 2 {
		t.Errorf("demo ptrace --check: exit %d\n%s%s", code, out, errOut)
	}
}

// TestDemoReportNamesTheExample: a demo's report names its source as the student knows it,
// examples/NAME/NAME.c, not the temporary copy it was compiled from.
func TestDemoReportNamesTheExample(t *testing.T) {
	out, errOut, _ := sandbug(t, "", "demo", "segfault", "--run", "--json")
	if !strings.Contains(out, `"program": "examples/segfault/segfault.c"`) || strings.Contains(out+errOut, "sandbug-demo-") {
		t.Errorf("the report names a temporary path:\n%s\n%s", out, errOut)
	}
}
