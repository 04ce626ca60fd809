package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const e2eInputSrc = `#include <stdio.h>
int main(void) {
	int n = 0;
	printf("number? ");
	fflush(stdout);
	if (scanf("%d", &n) != 1) return 1;
	int d = n * 2;
	printf("double %d\n", d);
	return 0;
}
`

// TestE2EWaitingForInputFromAnyPane: the program blocks in scanf; the status line says it waits
// for input, and digits typed with the Source pane focused reach it (before, they were
// swallowed and the student had to Tab three times to the Program pane).
func TestE2EWaitingForInputFromAnyPane(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			tm := newTerm(t, sz.w, sz.h, e2eInputSrc)
			tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
			tm.keys("F5")
			tm.wait(15*time.Second, "number?", "waiting for input", "Program — waiting for input")
			tm.text("21")
			tm.keys("Enter")
			tm.wait(15*time.Second, "double 42", "exited normally")
			tm.keys("Enter")
			tm.quit()
		})
	}
}

// TestE2EBreakpointWhileTypingInProgramPane: the student types the input in the Program pane
// and a breakpoint hits right after; n steps (it went to the program as input before) and c
// continues, whichever pane has focus.
func TestE2EBreakpointWhileTypingInProgramPane(t *testing.T) {
	tm := newTerm(t, 80, 24, e2eInputSrc)
	tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
	tm.keys("g")
	tm.text("7")
	tm.keys("Enter", "F9")
	tm.wait(10*time.Second, "●   7")
	tm.keys("F5")
	tm.wait(15*time.Second, "number?", "waiting for input")
	// Tab to the Program pane: its frame turns heavy (focus visible without colour).
	for i := 0; !programFocused(tm.screen()); i++ {
		if i == 6 {
			t.Fatalf("six Tabs never focused the Program pane:\n%s", tm.screen())
		}
		tm.keys("Tab")
		time.Sleep(100 * time.Millisecond)
	}
	tm.text("21")
	tm.keys("Enter")
	tm.wait(15*time.Second, "stopped at breakpoint", ":7 in main()")
	tm.keys("n")
	scr := tm.wait(15*time.Second, "stepped to", ":8 in main()")
	if strings.Contains(scr, "21n") {
		t.Errorf("n reached the program as input:\n%s", scr)
	}
	tm.keys("c")
	tm.wait(15*time.Second, "double 42", "exited normally")
	tm.keys("Enter")
	tm.quit()
}

func programFocused(scr string) bool {
	for _, l := range strings.Split(scr, "\n") {
		if i := strings.Index(l, "Program"); i >= 0 && strings.Contains(l[:i], "┏") && !strings.Contains(l[i:], "┓━") {
			// The heavy corner nearest before the title belongs to its frame.
			j := strings.LastIndex(l[:i], "┏")
			k := strings.LastIndex(l[:i], "╭")
			return j > k
		}
	}
	return false
}
