package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `sandbug run main.c list.c -- 4` compiles both sources (list.c was dropped silently before:
// a link error), finds list.h beside them, links libm for math.h, and passes the arguments.
func TestRunSeveralSources(t *testing.T) {
	dir := t.TempDir()
	for n, c := range map[string]string{
		"list.h": "int twice(int);\n",
		"list.c": "#include <math.h>\n#include \"list.h\"\nint twice(int v) { return (int)sqrt((double)v * v) * 2; }\n",
		"main.c": "#include <stdio.h>\n#include <stdlib.h>\n#include \"list.h\"\nint main(int c, char **v) { printf(\"got %d\\n\", twice(atoi(v[c-1]))); return 0; }\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := sandbug(t, "", "run", filepath.Join(dir, "main.c"), filepath.Join(dir, "list.c"), "--", "4")
	if code != 0 || out != "got 8\n" {
		t.Errorf("run main.c list.c -- 4: status %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Without "--" the first word that is not a source starts the arguments.
	out, _, code = sandbug(t, "", "run", filepath.Join(dir, "main.c"), filepath.Join(dir, "list.c"), "5")
	if code != 0 || out != "got 10\n" {
		t.Errorf("run main.c list.c 5: status %d, stdout %q", code, out)
	}
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"debug", "--help"}} {
		out, _, _ := sandbug(t, "", args...)
		if !strings.Contains(out, "FILE.c...") {
			t.Errorf("%v does not offer several sources (FILE.c...):\n%s", args, out)
		}
	}
}
