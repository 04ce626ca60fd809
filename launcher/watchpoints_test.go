package launcher

import (
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/machine"
)

const srcWatch = `#include <stdio.h>
int counter;
int main(void) {
	for (int i = 1; i <= 3; i++)
		counter += i;
	printf("counter=%d\n", counter);
	return 0;
}
`

// TestDebugWatchpointTriggers: a watchpoint typed in the console stops the program when the
// value changes, on any machine: where the probe finds hardware watchpoints inert, the
// session has switched gdb to software ones and said so once in the console.
func TestDebugWatchpointTriggers(t *testing.T) {
	hw := machine.HardwareWatchpoints()
	t.Logf("%v", hw)
	r := startDebug(t, baseConfig(t, program(t, "watch", srcWatch)))
	if st := r.stopped(); st == nil || !st.Entry {
		t.Fatalf("first stop %+v", st)
	}
	notes := 0
	for _, e := range r.c.events {
		if c, ok := e.(ConsoleEvent); ok && strings.Contains(c.Text, "software watchpoints") {
			notes++
		}
	}
	if hw.Present && notes != 0 || !hw.Present && notes != 1 {
		t.Fatalf("%d console notes about software watchpoints with %v", notes, hw)
	}
	if err := r.s.Console("watch counter"); err != nil {
		t.Fatal(err)
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	st := r.stopped()
	// A hardware watchpoint reports the line of the write; a software one, single-stepping,
	// the statement after it (the loop's increment).
	if st == nil || st.Reason != "watchpoint-trigger" || st.Source.Line < lineOf(t, srcWatch, "for (") || st.Source.Line > lineOf(t, srcWatch, "counter += i") {
		t.Fatalf("stop %+v, want watchpoint-trigger in the loop; events %s", st, r.c.describe())
	}
	if v, err := r.s.Evaluate("counter"); err != nil || v != "1" {
		t.Fatalf("counter = %q, %v at the first trigger", v, err)
	}
}
