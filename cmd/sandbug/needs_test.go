package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/machine"
)

// TestDemoListMarksMissingNeeds: `sandbug demo` marks a demo whose machine feature is missing
// here, says which and why, and marks nothing where every feature is present.
func TestDemoListMarksMissingNeeds(t *testing.T) {
	saved := probeNeed
	t.Cleanup(func() { probeNeed = saved })
	for _, present := range []bool{false, true} {
		probeNeed = func(need string) machine.Feature {
			return machine.Feature{Name: need, Present: present, Detail: "probe said so"}
		}
		var out, errOut bytes.Buffer
		if code := cmdDemo(context.Background(), nil, &out, &errOut); code != 0 {
			t.Fatalf("sandbug demo: %d %s", code, errOut.String())
		}
		text := out.String()
		marked := strings.Contains(text, "! int80 ")
		if marked == present || strings.Contains(text, "! hello") {
			t.Errorf("present=%v: int80 marked=%v:\n%s", present, marked, text)
		}
		if !present && !strings.Contains(text, "needs 32-bit system calls (int $0x80), which this machine lacks (probe said so)") {
			t.Errorf("the mark does not say what is missing:\n%s", text)
		}
	}
}

// TestDemoListOnThisMachine: the listing agrees with the real probe.
func TestDemoListOnThisMachine(t *testing.T) {
	out, _, code := sandbug(t, "", "demo")
	f := machine.IA32()
	t.Logf("%v", f)
	if code != 0 || strings.Contains(out, "! int80 ") == f.Present {
		t.Errorf("sandbug demo with %v (exit %d):\n%s", f, code, out)
	}
}
