package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/launcher"
)

// countCalls counts the calls named call a fake received.
func countCalls(f *fakeSession, call string) int {
	n := 0
	for _, c := range f.Calls() {
		if c == call {
			n++
		}
	}
	return n
}

// R at a breakpoint runs the program again on the same session (gdb keeps the breakpoints: no
// Delete, no new session); the kill of the old run opens no exit card; the Program pane shows
// the separator and the status line "Restarted (1)" until the new run's first stop is left.
// Ctrl+Shift+F5 does the same from the Program pane and counts on.
func TestRestartKeepsSessionAndCounts(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running}, stopAt(t, 16, "breakpoint-hit"))
	hs.key("R")
	if countCalls(hs.dbg, "Run") != 1 || hs.starts != 1 || hs.dbg.has("Kill") {
		t.Fatalf("R: calls %v, %d sessions; want one Run on the same session", hs.dbg.Calls(), hs.starts)
	}
	// The launcher ends the old run (stopped by the kill), then the new one stops before main.
	hs.events(launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindStopped, Signal: "SIGKILL"}},
		launcher.StateEvent{State: launcher.Exited}, launcher.StateEvent{State: launcher.Starting},
		launcher.StateEvent{State: launcher.Running}, stopAt(t, 13, "breakpoint-hit"))
	if hs.m.card == cardExit {
		t.Errorf("the program a restart killed opened the exit card")
	}
	hs.m.prog.feed(0)
	scr := hs.screen()
	if !strings.Contains(scr, "── restarted ──") || !strings.Contains(hs.m.statusLine(), "Restarted (1)") {
		t.Fatalf("no separator or no count; status %q:\n%s", hs.m.statusLine(), scr)
	}
	if hs.m.state != launcher.Stopped || hs.m.src.execAt != 13 {
		t.Errorf("after the restart: state %v, exec line %d; want stopped at 13", hs.m.state, hs.m.src.execAt)
	}
	// Leaving that stop clears the message.
	hs.events(launcher.StateEvent{State: launcher.Running})
	if strings.Contains(hs.m.statusLine(), "Restarted") {
		t.Errorf("the restart message outlived the first stop: %q", hs.m.statusLine())
	}
	hs.events(stopAt(t, 16, "breakpoint-hit"))

	hs.m.setFocus(paneProgram)
	hs.key("ctrl+shift+f5")
	if countCalls(hs.dbg, "Run") != 2 || !strings.Contains(hs.m.statusLine(), "Restarted (2)") {
		t.Fatalf("Ctrl+Shift+F5: calls %v, status %q", hs.dbg.Calls(), hs.m.statusLine())
	}
}

// With no program to restart, R runs nothing and says what to press instead.
func TestRestartNeedsAProgram(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindExited}}, launcher.StateEvent{State: launcher.Exited})
	hs.key("enter") // close the exit card
	hs.key("R")
	if hs.dbg.has("Run") || !strings.Contains(hs.m.msg, "F5 debugs it, Ctrl+R runs it") {
		t.Errorf("R without a program: calls %v, message %q", hs.dbg.Calls(), hs.m.msg)
	}
}

// Without the debugger Ctrl+Shift+F5 (R is typing for the running program) starts the run
// again: the old run session closes, a new one starts, under the separator.
func TestRestartRunWithoutDebugging(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.key("ctrl+r")
	run := hs.run
	waitFor(t, func() bool { return hs.m.run == Session(run) }, func() string { return "run session not started" })
	run.ev <- launcher.StateEvent{State: launcher.Running}
	hs.settle()
	hs.key("R")
	waitFor(t, func() bool {
		run.mu.Lock()
		defer run.mu.Unlock()
		return string(run.input) == "R"
	}, func() string { return "R did not reach the running program" })
	hs.key("ctrl+shift+f5")
	waitFor(t, func() bool { return hs.m.run != nil && hs.m.run != Session(run) }, func() string { return "no new run session" })
	if !run.has("Close") || hs.m.debugMode || !strings.Contains(hs.m.statusLine(), "Restarted (1)") {
		t.Fatalf("restart of a run: old run calls %v, debug %v, status %q", run.Calls(), hs.m.debugMode, hs.m.statusLine())
	}
	hs.m.prog.feed(0)
	if scr := hs.screen(); !strings.Contains(scr, "── restarted ──") {
		t.Errorf("no separator:\n%s", scr)
	}
}

// The key map has the restart keys, help lists them, and they are off when nothing can restart.
func TestKeyMapRestart(t *testing.T) {
	km := DefaultKeyMap()
	listed := map[string]bool{}
	for _, col := range km.FullHelp() {
		for _, b := range col {
			listed[b.Help().Key] = true
		}
	}
	if !listed["R"] || !listed["Ctrl+Shift+F5"] {
		t.Errorf("help lists no restart key: %v", listed)
	}
	km.applyState(keyState{debug: true})
	if km.Restart.Enabled() || km.LetterRestart.Enabled() {
		t.Errorf("restart enabled with no program")
	}
	km.applyState(keyState{debug: true, stopped: true, live: true})
	if !km.Restart.Enabled() || !km.LetterRestart.Enabled() {
		t.Errorf("restart disabled at a stop")
	}
	hs := started(t, 160, 48, Options{})
	hs.key("f1")
	if scr := hs.screen(); !strings.Contains(scr, "restart (breakpoints kept)") || !strings.Contains(scr, "restart the program") {
		t.Errorf("the help card lacks the restart keys:\n%s", scr)
	}
}

// With --make, what F5 checks for edits is the Makefile and the sources and headers beside it;
// an edit of any of them asks for a new build.
func TestMakeBuildInputs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Makefile": "all:\n", "main.c": "", "list.h": "", "notes.txt": "", "main.o": ""})
	cfg := launcher.Config{Make: &launcher.MakePlan{Dir: dir, Target: "all"}}
	var names []string
	for _, f := range buildInputs(cfg) {
		names = append(names, filepath.Base(f))
	}
	if strings.Join(names, " ") != "Makefile main.c list.h" {
		t.Errorf("buildInputs = %q", names)
	}
	since := time.Now().Add(-time.Minute)
	for _, f := range []string{"Makefile", "list.h"} {
		old := since.Add(-time.Hour)
		for _, g := range names {
			os.Chtimes(filepath.Join(dir, g), old, old)
		}
		if msg := sourcesChanged(cfg, since)(); msg != (sourcesMsg{}) {
			t.Fatalf("nothing edited, yet %v", msg)
		}
		os.Chtimes(filepath.Join(dir, f), time.Now(), time.Now())
		if msg := sourcesChanged(cfg, since)(); msg != (sourcesMsg{changed: true}) {
			t.Errorf("%s edited: %v", f, msg)
		}
	}
}
