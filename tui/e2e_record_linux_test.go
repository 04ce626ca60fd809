package tui

import (
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/machine"
)

const e2eRecordSrc = `#include <stdio.h>
#include <string.h>
int main(void) {
	int score = 0;
	char name[16];
	strcpy(name, "ada");
	score = 42;
	score = score + 1;
	printf("%s %d\n", name, score);
	return 0;
}
`

// TestE2EStepBackToTheWrite: v records; after stepping past the line that wrote score, N goes
// back to that line and Locals show the value from before the write; S steps back again.
func TestE2EStepBackToTheWrite(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eRecordSrc)
	tm.wait(30*time.Second, "int main(void)", "stopped", ":4 in main()", "sandbox: default ✓")
	tm.keys("v")
	if amx := machine.AMX(); amx.Present {
		// gdb 13 cannot write back this CPU's registers: recording is refused, in words.
		tm.wait(10*time.Second, "record: reverse stepping is not")
		t.Logf("%v: checked that v refuses to record, with the reason, instead of stepping back", amx)
		tm.keys("F5")
		tm.wait(15*time.Second, "exited normally")
		tm.keys("Enter")
		tm.quit()
		return
	}
	tm.wait(10*time.Second, "● recording │")
	for _, want := range []string{":6 in main()", ":7 in main()", ":8 in main()"} {
		tm.keys("F10")
		tm.wait(10*time.Second, "stepped to", want)
	}
	tm.wait(10*time.Second, "score = 42")
	tm.keys("N") // back over score = 42: the line that wrote it, not yet run
	tm.wait(10*time.Second, "stepped to", ":7 in main()", "score = 0", "● recording │")
	tm.keys("S")
	tm.wait(10*time.Second, "stepped to", ":6 in main()", "score = 0")
	tm.keys("F10", "F10") // forward again: replays to line 8
	tm.wait(10*time.Second, ":8 in main()", "score = 42")
	tm.keys("v")
	tm.wait(10*time.Second, "Recording stopped.")
	tm.keys("F5")
	tm.wait(15*time.Second, "exited normally")
	tm.keys("Enter")
	tm.quit()
}

// TestE2ESanitizerCard: the heapoverflow demo (built with --sanitize=address by its lesson)
// stops at AddressSanitizer's report on the faulting line with the program's frame selected
// (its locals: i is 5), and the console explains the bug.
func TestE2ESanitizerCard(t *testing.T) {
	tm := newTermArgs(t, 160, 45, "demo", "heapoverflow")
	tm.wait(30*time.Second, "fill_scores", "sandbox: default ✓")
	tm.keys("F5")
	tm.wait(20*time.Second, "SIGABRT", ":22 in fill_scores()", "heap buffer overflow", "crash: heap buffer overflow", "i = 5")
	tm.quit()
}
