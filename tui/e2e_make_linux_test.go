package tui

import (
	"testing"
	"time"
)

// TestE2EMakeProject: `sandbug --make` in a project with a Makefile (two sources, -O2 and no
// -g of its own) builds the default goal with -g -O0 and stops before main with main.c shown.
// After list.c is broken, F5 runs make again and opens list.c at the compiler's error (its name
// is relative to make's folder); fixed, F5 builds and stops before main again.
func TestE2EMakeProject(t *testing.T) {
	tm := prepareTerm(t)
	prog := tm.name // the leftover check looks for processes of this name
	writeFiles(t, tm.dir, map[string]string{
		"Makefile": "CFLAGS = -Wall -O2\n.PHONY: all clean\nall: " + prog + "\n" + prog + ": main.o list.o\n\t$(CC) $(CFLAGS) -o $@ main.o list.o\nclean:\n\trm -f " + prog + " *.o\n",
		"list.h":   "int twice(int v);\n",
		"list.c":   "#include \"list.h\"\nint twice(int v)\n{\n\treturn 2 * v;\n}\n",
		"main.c":   "#include <stdio.h>\n#include \"list.h\"\nint main(void)\n{\n\tint n = twice(21);\n\tprintf(\"twice %d\\n\", n);\n\treturn 0;\n}\n",
	})
	tm.start(80, 24, "--make")
	tm.wait(30*time.Second, "Source: main.c", "int n = twice(21);", "in main()", "sandbox: default ✓")
	tm.keys("F5")
	tm.wait(15*time.Second, "twice 42", "exited normally")
	tm.keys("Enter")
	writeFiles(t, tm.dir, map[string]string{"list.c": "#include \"list.h\"\nint twice(int v)\n{\n\treturn 2 * w;\n}\n"})
	tm.keys("F5")
	tm.wait(30*time.Second, "Source: list.c", "✗  4", "└ error: ", "undeclared", "compile error at list.c:4")
	writeFiles(t, tm.dir, map[string]string{"list.c": "#include \"list.h\"\nint twice(int v)\n{\n\treturn 3 * v;\n}\n"})
	tm.keys("F5")
	tm.wait(30*time.Second, "stopped before main runs")
	tm.keys("F5")
	tm.wait(15*time.Second, "twice 63", "exited normally")
	tm.keys("Enter")
	tm.quit()
}
