package tui

import (
	"strings"
	"testing"
	"time"
)

const e2eHistorySrc = `#include <stdio.h>
int main(void) {
	for (int i = 1; i <= 100000; i++)
		printf("tick %d.\n", i);
	return 0;
}
`

// TestE2EOutputHistorySearch: a program prints 100,000 lines, faster than the screen can show
// (the pane skips most of them on screen); after the run, / in the Program pane finds line
// 4242 in the history, Home shows the first line and End the live screen again.
func TestE2EOutputHistorySearch(t *testing.T) {
	tm := newTerm(t, 80, 24, e2eHistorySrc)
	tm.wait(30*time.Second, "in main()", "sandbox: default")
	tm.keys("C-r") // run without debugging
	tm.wait(30*time.Second, "exited normally")
	tm.keys("Enter") // close the exit card
	for i := 0; !programFocused(tm.screen()); i++ {
		if i == 8 {
			t.Fatalf("Tab never focused the Program pane:\n%s", tm.screen())
		}
		tm.keys("Tab")
		time.Sleep(100 * time.Millisecond)
	}
	tm.keys("/")
	tm.text("tick 4242.")
	tm.keys("Enter")
	scr := tm.wait(10*time.Second, "tick 4242.", "(history ")
	if !strings.Contains(scr, "of 100001") && !strings.Contains(scr, "of 100002") {
		t.Errorf("the history does not hold every line:\n%s", scr)
	}
	tm.keys("Home")
	tm.wait(10*time.Second, "tick 1.", "(history 1-")
	tm.keys("End")
	scr = tm.wait(10*time.Second, "tick 100000.")
	if strings.Contains(scr, "(history ") {
		t.Errorf("End did not return to the live screen:\n%s", scr)
	}
	tm.quit()
}
