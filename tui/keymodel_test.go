package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/launcher"
)

// A breakpoint hit while the student types in the Program pane: n steps (it went to the
// program as input before), and the program got nothing.
func TestStopInProgramPaneDebuggerKeysWork(t *testing.T) {
	hs := started(t, 80, 24, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running})
	hs.m.setFocus(paneProgram)
	hs.key("x") // running: typing goes to the program
	hs.events(stopAt(t, 14, "breakpoint-hit"))
	before := len(hs.dbg.Calls())
	for _, k := range []string{"n", "s", "f", "c"} {
		hs.events(stopAt(t, 14, "breakpoint-hit"))
		hs.key(k)
	}
	calls := strings.Join(hs.dbg.Calls()[before:], " ")
	if !strings.Contains(calls, "Next") || !strings.Contains(calls, "Step") || !strings.Contains(calls, "Finish") || !strings.Contains(calls, "Continue") {
		t.Errorf("n s f c in the Program pane while stopped called %q", calls)
	}
	time.Sleep(50 * time.Millisecond) // the reply pump delivers asynchronously
	hs.dbg.mu.Lock()
	in := string(hs.dbg.input)
	hs.dbg.mu.Unlock()
	if in != "x" {
		t.Errorf("the program received %q, want only the x typed while it ran", in)
	}
}

// When the kernel says the program waits for input, the status line and the Program pane's
// title say so, and typing in another pane goes to the program; arrows stay with the pane.
func TestWaitingForInputTypingGoesToProgram(t *testing.T) {
	hs := started(t, 80, 24, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running}, launcher.AttachedEvent{Pid: 4242, Program: "demo", Policy: "default"})
	hs.m.setFocus(paneSource)
	hs.key("4") // not waiting yet: a digit in Source does nothing, and says so
	if !strings.Contains(hs.m.msg, "does nothing in the Source pane") {
		t.Errorf("no word on an unused key: %q", hs.m.msg)
	}
	hs.update(inputMsg{pid: 4242, waiting: true})
	scr := hs.screen()
	lines := strings.Split(scr, "\n")
	if status := lines[len(lines)-2]; !strings.Contains(status, "waiting for input") {
		t.Errorf("status line does not say the program waits for input: %q", status)
	}
	if !strings.Contains(scr, "Program — waiting for input") {
		t.Errorf("Program pane title does not say it:\n%s", scr)
	}
	cursor := hs.m.src.cursor
	for _, k := range []string{"4", "2", "enter", "down"} {
		hs.key(k)
	}
	waitFor(t, func() bool {
		hs.dbg.mu.Lock()
		defer hs.dbg.mu.Unlock()
		return bytes.Equal(hs.dbg.input, []byte("42\r"))
	}, func() string { return string(hs.dbg.input) })
	if hs.m.src.cursor != cursor+1 || hs.m.focus != paneSource {
		t.Errorf("Down should move the source cursor (%d -> %d), focus %s", cursor, hs.m.src.cursor, hs.m.focus)
	}
	golden(t, "waiting-input-80x24", scr)
	// One probe that finds it busy (a signal took it out of read for an instant) keeps the
	// waiting: typed letters must not turn into debugger commands then.
	hs.update(inputMsg{pid: 4242, waiting: false})
	if !hs.m.waitInput {
		t.Error("one busy probe ended the waiting")
	}
	// The program read its line and computes (two probes in a row): typing no longer reaches it.
	hs.update(inputMsg{pid: 4242, waiting: false})
	if hs.m.waitInput {
		t.Error("two busy probes did not end the waiting")
	}
	hs.key("7")
	time.Sleep(50 * time.Millisecond)
	hs.dbg.mu.Lock()
	in := string(hs.dbg.input)
	hs.dbg.mu.Unlock()
	if in != "42\r" {
		t.Errorf("typing reached a program that does not wait for input: %q", in)
	}
	// An answer about an older program is ignored.
	hs.update(inputMsg{pid: 1, waiting: true})
	if hs.m.waitInput {
		t.Error("a probe of another pid set waiting for input")
	}
}

// Tab moves between the panes on screen only; ] and [ switch the tabs of a slot.
func TestTabMovesBetweenPanesOnly(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		hs := started(t, sz.w, sz.h, Options{})
		hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 14, "breakpoint-hit"))
		n := len(hs.m.lay.Slots)
		var shown []paneID
		for _, sl := range hs.m.lay.Slots {
			shown = append(shown, hs.m.visible(sl))
		}
		seen := map[paneID]bool{}
		for i := 0; i < n; i++ {
			hs.key("tab")
			if !hs.m.slotShows(hs.m.focus) {
				t.Errorf("%dx%d: Tab focused %s, which its slot does not show", sz.w, sz.h, hs.m.focus)
			}
			seen[hs.m.focus] = true
		}
		if hs.m.focus != paneSource || len(seen) != n {
			t.Errorf("%dx%d: %d Tabs visited %v and ended on %s; want each of the %d panes once, back at Source", sz.w, sz.h, n, seen, hs.m.focus, n)
		}
		// Every slot shows what it showed before: Tab flips no tab (it showed "No watches"
		// instead of the locals at a crash).
		for i, sl := range hs.m.lay.Slots {
			if p := hs.m.visible(sl); p != shown[i] {
				t.Errorf("%dx%d: Tab flipped slot %d from %s to %s", sz.w, sz.h, i, shown[i], p)
			}
		}
		hs.m.setFocus(paneLocals)
		hs.key("]")
		if hs.m.focus == paneLocals || !hs.m.slotShows(hs.m.focus) || hs.m.lay.slotOf(hs.m.focus) != hs.m.lay.slotOf(paneLocals) {
			t.Errorf("%dx%d: ] in Locals gave %s, not the next tab of its slot", sz.w, sz.h, hs.m.focus)
		}
		hs.key("[")
		if hs.m.focus != paneLocals {
			t.Errorf("%dx%d: [ in Watch gave %s", sz.w, sz.h, hs.m.focus)
		}
	}
}

// Focus shows without colour: the focused pane, and only it, has a heavy border.
func TestFocusVisibleWithoutColour(t *testing.T) {
	hs := started(t, 80, 24, Options{NoColor: true})
	for _, p := range []paneID{paneSource, paneProgram, paneSandbox} {
		hs.m.setFocus(p)
		scr := hs.screen()
		if c := strings.Count(scr, "┏"); c != 1 {
			t.Fatalf("focus on %s: %d heavy corners, want 1\n%s", p, c, scr)
		}
		for _, l := range strings.Split(scr, "\n") {
			if strings.Contains(l, "┏") && !strings.Contains(l, p.String()) {
				t.Errorf("focus on %s, yet the heavy border is on %q", p, l)
			}
		}
	}
	hs.m.setFocus(paneProgram)
	golden(t, "focus-nocolor-80x24", hs.screen())
}

// A key that does nothing where it is pressed says why; so does a letter that needs a stop.
func TestUnusedKeySaysWhy(t *testing.T) {
	hs := started(t, 80, 24, Options{})
	hs.m.setFocus(paneLocals)
	hs.key("z")
	if !strings.Contains(hs.m.msg, "z does nothing in the Locals pane") {
		t.Errorf("z in Locals: %q", hs.m.msg)
	}
	hs.events(launcher.StateEvent{State: launcher.Running})
	hs.key("n")
	if !strings.Contains(hs.m.msg, "n (next) needs the program stopped: it is running (Ctrl+C pauses it)") {
		t.Errorf("n while running: %q", hs.m.msg)
	}
	hs.events(stopAt(t, 14, "breakpoint-hit"))
	hs.m.setFocus(paneProgram)
	hs.key("y")
	if !strings.Contains(hs.m.msg, "typing does not reach it") {
		t.Errorf("typing into a stopped program: %q", hs.m.msg)
	}
}

// A session closed because it was replaced (Ctrl+R during a run, a rebuild) does not end the
// UI: only quitting does.
func TestReplacedSessionClosingDoesNotQuit(t *testing.T) {
	hs := started(t, 80, 24, Options{})
	hs.update(closedMsg{})
	if hs.quit {
		t.Fatal("closing a replaced session quit the UI")
	}
	hs.key("ctrl+q")
	if !hs.quit {
		t.Fatal("Ctrl+Q with no program did not quit")
	}
}
