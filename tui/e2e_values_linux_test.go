package tui

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

const e2eDeepSrc = `#include <stdio.h>
#include <string.h>

static int rec(int n) {
	if (n == 0) {
		return 0;
	}
	return 1 + rec(n - 1);
}

int main(void) {
	char name[8];
	strcpy(name, "alice");
	for (int i = 0; i < 2; i++) {
		for (int i = 5; i < 6; i++) {
			printf("%d %s\n", rec(30000), name);
		}
	}
	return 0;
}
`

// TestE2EValuesAndDeepStack: on real gdb, in a terminal: a 30,002-frame recursion shows its
// first frames with their arguments at once, then its count, folded into one row; main's char
// array reads as a string and its two i are kept apart. The times a student waits are logged.
func TestE2EValuesAndDeepStack(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eDeepSrc)
	tm.wait(30*time.Second, "int main(void)", "stopped")
	tm.keys("g")
	tm.text(strconv.Itoa(lineIn(t, e2eDeepSrc, "return 0;\n\t}")))
	tm.keys("Enter", "F9")
	tm.wait(10*time.Second, "●   6")
	start := time.Now()
	tm.keys("F5")
	tm.wait(60*time.Second, "stopped at breakpoint", "rec() ×")
	first := time.Since(start)
	scr := tm.wait(120*time.Second, "Stack (30,002)", "▶ ▸ #0-30000 rec() ×30,001", "#30001 main()")
	all := time.Since(start)
	t.Logf("30,002 frames: the stop and the first page shown %v after F5, the whole count %v", first.Round(time.Millisecond), all.Round(time.Millisecond))
	if strings.Contains(scr, "Stack (30,002+)") {
		t.Fatalf("count still open:\n%s", scr)
	}
	for i := 0; i < 8 && !strings.Contains(tm.screen(), "┏━[Stack"); i++ {
		tm.keys("Tab")
		time.Sleep(100 * time.Millisecond)
	}
	tm.keys("End", "Enter")
	// main's locals: the string and the two i.
	scr = tm.wait(20*time.Second, `name = "alice"`, "i (lines ")
	if strings.Count(scr, "i (lines ") != 2 {
		t.Fatalf("the two i are not both listed:\n%s", scr)
	}
	tm.quit()
}

// lineIn is the 1-based line where needle starts in src.
func lineIn(t *testing.T, src, needle string) int {
	t.Helper()
	i := strings.Index(src, needle)
	if i < 0 {
		t.Fatalf("%q not in the source", needle)
	}
	return strings.Count(src[:i], "\n") + 1
}
