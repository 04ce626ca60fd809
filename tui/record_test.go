package tui

import (
	"strings"
	"testing"

	"github.com/sandbug/sandbug/launcher"
)

// TestKeyReverseStepping: v records (while stopped); N S F C are reverse next, step, finish and
// continue while gdb records, and say why they do nothing before; the status line says
// "recording"; a recording that gdb ends shows its reason in one line.
func TestKeyReverseStepping(t *testing.T) {
	hs := started(t, 160, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 14, "breakpoint-hit"))
	before := len(hs.dbg.Calls())
	hs.key("N")
	if calls := hs.dbg.Calls()[before:]; len(calls) != 0 {
		t.Errorf("N before recording called %v", calls)
	}
	if !strings.Contains(hs.screen(), "works while recording: v starts it") {
		t.Errorf("N before recording does not say why:\n%s", hs.screen())
	}
	hs.key("v")
	if !hs.dbg.has("SetRecording(true)") {
		t.Fatalf("v did not start recording; calls %v", hs.dbg.Calls())
	}
	hs.events(launcher.RecordEvent{On: true})
	if scr := hs.screen(); !strings.Contains(scr, "● recording │") {
		t.Errorf("status line does not say recording:\n%s", scr)
	}
	for _, c := range []struct{ key, call string }{
		{"N", "ReverseNext"}, {"S", "ReverseStep"}, {"F", "ReverseFinish"}, {"C", "ReverseContinue"},
	} {
		before := len(hs.dbg.Calls())
		hs.key(c.key)
		if calls := hs.dbg.Calls()[before:]; len(calls) == 0 || calls[0] != c.call {
			t.Errorf("%s: calls %v, want %s", c.key, calls, c.call)
		}
	}
	hs.key("v")
	if !hs.dbg.has("SetRecording(false)") {
		t.Errorf("v again did not stop recording; calls %v", hs.dbg.Calls())
	}
	why := "recording stopped: gdb cannot record instruction 0xc5 at 0x401136 (AVX code)"
	hs.events(launcher.RecordEvent{On: false, Reason: why})
	if scr := hs.screen(); !strings.Contains(scr, "recording stopped: gdb cannot record") || strings.Contains(scr, "● recording │") {
		t.Errorf("the end of recording is not shown:\n%s", scr)
	}
}
