package launcher

import (
	"strings"
	"testing"
)

func TestShellEscape(t *testing.T) {
	for _, c := range []string{"shell ls", "  shell", "!ls", "| p x | wc", "pipe p x | wc", "make", "she ls"} {
		if _, ok := shellEscape(c); !ok {
			t.Errorf("%q runs a shell: not refused", c)
		}
	}
	for _, c := range []string{"p x", "bt", "info shells", "print shell", "x/4x &a", "show version"} {
		if _, ok := shellEscape(c); ok {
			t.Errorf("%q refused", c)
		}
	}
}

// TestDebugConsoleRefusesShell: `shell ls` in the console is refused with a sentence, instead
// of running outside the sandbox with its output lost.
func TestDebugConsoleRefusesShell(t *testing.T) {
	r := startDebug(t, baseConfig(t, program(t, "exit", srcExit), "0"))
	if st := r.stopped(); st == nil {
		t.Fatal("no first stop")
	}
	err := r.s.Console("shell ls")
	if err == nil || !strings.Contains(err.Error(), "outside the sandbox") {
		t.Fatalf("shell ls: %v", err)
	}
	if err := r.s.Console("p 1+1"); err != nil {
		t.Fatalf("p 1+1: %v", err)
	}
}
