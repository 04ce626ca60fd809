package tui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/sandbug/sandbug/launcher"
)

// TestGlobalKeysListedByHelp: the keys that work in every pane are bindings of the key map,
// and the help card lists them.
func TestGlobalKeysListedByHelp(t *testing.T) {
	km := DefaultKeyMap()
	listed := map[string]bool{}
	for _, col := range km.FullHelp() {
		for _, b := range col {
			listed[b.Help().Key] = true
		}
	}
	for _, b := range []key.Binding{km.QuitAnywhere, km.HelpAnywhere, km.NextPaneAnywhere} {
		if !listed[b.Help().Key] {
			t.Errorf("help does not list %s (%s)", b.Help().Key, b.Help().Desc)
		}
	}
	hs := started(t, 160, 48, Options{})
	hs.key("f1")
	if scr := hs.screen(); !strings.Contains(scr, "quit (any pane)") || !strings.Contains(scr, "next pane (any pane)") {
		t.Fatalf("the help card lacks the global keys:\n%s", scr)
	}
}

// TestDisabledGlobalKey: F10 is disabled (applyState) while nothing is stopped: it does not step,
// and says why; once the program stops it steps.
func TestDisabledGlobalKey(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	if hs.m.keys.Next.Enabled() {
		t.Fatalf("F10 enabled before the program stopped")
	}
	hs.key("f10")
	if hs.dbg.has("Next") || !strings.Contains(hs.m.msg, "needs a program stopped") {
		t.Fatalf("disabled F10: calls %v, message %q", hs.dbg.Calls(), hs.m.msg)
	}
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 16, "end-stepping-range"))
	hs.key("f10")
	if !hs.dbg.has("Next") {
		t.Fatalf("F10 did not step at a stop; calls %v", hs.dbg.Calls())
	}
}
