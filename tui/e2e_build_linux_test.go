package tui

import (
	"testing"
	"time"
)

// TestE2ETwoSourcesAndACompileError: `sandbug MAIN.c list.c` at 80x24 builds both (with the
// header beside them and -lm for math.h) and stops in main; after list.c is broken, F5 builds
// again (the source changed: a new session compiles) and opens list.c at the error's line with
// the compiler's message under it; fixed, F5 builds and runs it.
func TestE2ETwoSourcesAndACompileError(t *testing.T) {
	tm := prepareTerm(t)
	main := tm.name + ".c"
	writeFiles(t, tm.dir, map[string]string{
		"list.h": "int root(int v);\n",
		"list.c": "#include <math.h>\n#include \"list.h\"\nint root(int v)\n{\n\treturn (int)sqrt((double)v);\n}\n",
		main:     "#include <stdio.h>\n#include \"list.h\"\nint main(void)\n{\n\tprintf(\"root %d\\n\", root(49));\n\treturn 0;\n}\n",
	})
	tm.start(80, 24, main, "list.c")
	tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
	tm.keys("F5")
	tm.wait(15*time.Second, "root 7", "exited normally")
	tm.keys("Enter")
	writeFiles(t, tm.dir, map[string]string{
		"list.c": "#include <math.h>\n#include \"list.h\"\nint root(int v)\n{\n\treturn (int)sqrt((double)w);\n}\n",
	})
	tm.keys("F5")
	tm.wait(30*time.Second, "Source: list.c", "✗  5", "└ error: ", "undeclared", "compile error at list.c:5")
	// Fixed, F5 builds again and the program runs.
	writeFiles(t, tm.dir, map[string]string{
		"list.c": "#include <math.h>\n#include \"list.h\"\nint root(int v)\n{\n\treturn (int)sqrt((double)v * 4);\n}\n",
	})
	tm.keys("F5")
	tm.wait(30*time.Second, "stopped before main runs")
	tm.keys("F5")
	tm.wait(15*time.Second, "root 14", "exited normally")
	tm.keys("Enter")
	tm.quit()
}
