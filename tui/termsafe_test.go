package tui

import (
	"strings"
	"testing"

	"github.com/sandbug/sandbug/launcher"
)

// TestProgramPaneKeepsControlStringsInside: the Program pane is a terminal emulator: a
// program's clipboard (OSC 52), title and passthrough strings become nothing, and only cells
// reach the real terminal, so sandbug's own screen can be neither faked nor hidden from there.
func TestProgramPaneKeepsControlStringsInside(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.OutputEvent{Data: []byte("\x1b]52;c;c3RvbGVu\x07\x1b]0;owned\x07\x1bPtmux;\x1b\x1b]52;c;QQ==\x07\x1b\\\x1b[8mvisible-text\x1b[0m\r\n")})
	hs.m.cache.valid = false
	raw := hs.m.View().Content
	for _, bad := range []string{"\x1b]52", "\x1b]0;", "owned", "\x1bP", "c3RvbGVu"} {
		if strings.Contains(raw, bad) {
			t.Errorf("the screen carries %q from the program:\n%q", bad, raw)
		}
	}
	if !strings.Contains(hs.screen(), "visible-text") {
		t.Errorf("the program's text is not in its pane:\n%s", hs.screen())
	}
}
