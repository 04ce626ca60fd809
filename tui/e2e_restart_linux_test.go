package tui

import (
	"testing"
	"time"
)

const e2eRestartSrc = `#include <stdio.h>

static int twice(int v)
{
	return 2 * v;
}

int main(void)
{
	printf("before\n");
	int n = twice(21);
	printf("after %d\n", n);
	return 0;
}
`

// TestE2ERestartKeepsBreakpoints: at a breakpoint, R kills the program and runs it again on
// the same gdb: the Program pane shows the separator, the status line "Restarted (1)", the new
// run stops before main, and F5 stops at the same breakpoint again. Ctrl+Shift+F5 counts on.
func TestE2ERestartKeepsBreakpoints(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eRestartSrc)
	tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
	tm.keys("g")
	tm.text("5")
	tm.keys("Enter", "F9")
	tm.wait(10*time.Second, "●   5")
	tm.keys("F5")
	tm.wait(15*time.Second, "stopped at breakpoint", ":5 in twice()", "before")
	tm.keys("R")
	tm.wait(15*time.Second, "── restarted ──", "Restarted (1)", "stopped before main runs")
	tm.keys("F5")
	tm.wait(15*time.Second, "stopped at breakpoint", ":5 in twice()", "●   5")
	tm.keys("C-S-F5")
	tm.wait(15*time.Second, "Restarted (2)", "stopped before main runs")
	tm.quit()
}
