package tui

import (
	"testing"
	"time"
)

// TestE2EMakeProject: `sandbug --make` in a project with a Makefile (two sources, -O2 and no
// -g of its own) builds the default goal with -g -O0 and stops before main with main.c shown.
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
	tm.quit()
}
