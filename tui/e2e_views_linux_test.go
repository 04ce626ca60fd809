package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

const e2eViewsSrc = `#include <pthread.h>
#include <stdio.h>

unsigned char table[8] = {0xde, 0xad, 0xbe, 0xef, 'H', 'i', 0, 7};

static void *worker(void *arg)
{
	table[0]++; /* L_WORKER */
	table[1] = 0x11;
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	printf("%d %d\n", table[0], table[1]);
	return 0;
}
`

var pcRow = regexp.MustCompile(`▶ (0x[0-9a-f]+) <\+\d+>`)

// pcOf is the address of the instruction the Asm tab marks on the screen, or "".
func pcOf(scr string) string {
	if m := pcRow.FindStringSubmatch(scr); m != nil {
		return m[1]
	}
	return ""
}

// TestE2EViews walks the debugger views on a real two-thread program at 80x24: at a breakpoint
// in the worker, Asm marks the pc under its source line and i steps one instruction; Memory
// shows a global array at an expression typed at its prompt and marks the bytes a step changed;
// Registers lists rip, marked changed by the step; Threads lists both threads, and Enter on the main thread shows its stack.
func TestE2EViews(t *testing.T) {
	tm := newTerm(t, 80, 24, e2eViewsSrc)
	tm.wait(30*time.Second, "stopped", "in main()", "sandbox: default ✓")
	line := strings.Count(e2eViewsSrc[:strings.Index(e2eViewsSrc, "L_WORKER")], "\n") + 1
	tm.keys("g")
	tm.text(fmt.Sprint(line))
	tm.keys("Enter", "F9")
	tm.wait(10*time.Second, fmt.Sprintf("● %3d", line))
	tm.keys("F5")
	tm.wait(15*time.Second, "stopped at breakpoint", "in worker()")

	// Source -> Processes -> Asm.
	tm.keys("]", "]")
	scr := tm.wait(10*time.Second, "[Asm]", "table[0]++; /* L_WORKER */", "▶ 0x")
	pc := pcOf(scr)
	tm.keys("i")
	deadline := time.Now().Add(10 * time.Second)
	for {
		scr = tm.screen()
		if now := pcOf(scr); now != "" && now != pc && strings.Contains(scr, "stepped to") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("i did not move the pc from %s:\n%s", pc, scr)
		}
		time.Sleep(40 * time.Millisecond)
	}

	// Memory at table: its bytes, then a line stepped over changes two of them.
	tm.keys("]", "a")
	tm.wait(5*time.Second, "memory at")
	tm.text("table")
	tm.keys("Enter")
	tm.wait(10*time.Second, "[Memory]", "table at 0x", "+000 de ad be ef 48 69 00 07  ....Hi..")
	tm.keys("F10")
	tm.wait(10*time.Second, "+000*df ad be ef 48 69 00 07")
	tm.keys("F10")
	tm.wait(10*time.Second, "+000 df*11 be ef 48 69 00 07")

	// The right column: Locals, then [ to Threads and [ again to Registers.
	tm.keys("Tab", "[")
	tm.wait(10*time.Second, "[Threads]", "▶ 2 ", "worker ", " 1 ")
	tm.keys("[")
	// The two steps moved rip: it is marked changed since the last stop.
	tm.wait(10*time.Second, "[Registers]", "rip    0x", " *", "rsp    0x", "rbp    0x")
	// Threads again: Enter on the main thread shows its stack (it waits in pthread_join).
	tm.keys("]")
	tm.wait(10*time.Second, "[Threads]")
	tm.keys("Up", "Up", "Enter")
	tm.wait(10*time.Second, "▶ 1 ")
	tm.keys("]", "]") // Threads -> Locals -> Stack
	tm.wait(10*time.Second, "[Stack", "main()")
	tm.keys("F5")
	tm.wait(15*time.Second, "exited")
	tm.keys("Enter")
	tm.quit()
}
