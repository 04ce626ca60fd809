package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// TestSessionsKeepStopAtBlocked: the TUI starts its debug sessions with the StopAtBlocked the
// caller chose (the CLI turns it off with --no-stop-at-blocked), for the first session, and for
// the launcher configuration a real session gets (sessionConfig).
func TestSessionsKeepStopAtBlocked(t *testing.T) {
	for _, stop := range []bool{true, false} {
		var got []launcher.Config
		rec := func(_ context.Context, cfg launcher.Config, debug bool) (Session, error) {
			if debug {
				got = append(got, sessionConfig(cfg, debug))
			}
			return nil, errors.New("not started in this test")
		}
		dark := true
		m := New(context.Background(), launcher.Config{Program: "/x/demo.c", StopAtBlocked: stop}, Options{Start: rec, Dark: &dark})
		runCmds(m.Init())
		if len(got) != 1 {
			t.Fatalf("StopAtBlocked=%v: %d debug sessions started, want 1", stop, len(got))
		}
		if got[0].StopAtBlocked != stop {
			t.Errorf("debug session started with StopAtBlocked=%v, the caller asked %v", got[0].StopAtBlocked, stop)
		}
		if c := sessionConfig(launcher.Config{StopAtBlocked: stop}, false); c.IO != launcher.IOPty || c.StopAtBlocked != stop {
			t.Errorf("run session config: IO %v, StopAtBlocked %v", c.IO, c.StopAtBlocked)
		}
	}
}

// runCmds runs cmd and the commands it batches, synchronously, dropping their messages.
func runCmds(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runCmds(c)
		}
	}
}

// TestLibraryFrameShowsNoSource: glibc's ptrace() frame, whose ../sysdeps/.../ptrace.c gdb
// resolves to the user's own file of the same base name, is shown as "no source", never as the
// user's file at glibc's line.
func TestLibraryFrameShowsNoSource(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	libc := launcher.Frame{Level: 0, Func: "ptrace", File: "../sysdeps/unix/sysv/linux/ptrace.c", FullName: demoPath(t), Line: 45, Addr: "0x7ffff7ed334a"}
	user := launcher.Frame{Level: 1, Func: "main", File: "demo.c", FullName: demoPath(t), Line: 20}
	hs.dbg.stack = []launcher.Frame{libc, user}
	hs.events(launcher.StateEvent{State: launcher.Running},
		launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: "signal-received", Frame: libc, Source: user}})
	if hs.m.src.execAt != 20 {
		t.Fatalf("the stop shows line %d, want the user frame's 20", hs.m.src.execAt)
	}
	hs.key("d") // frame down, to glibc's ptrace()
	if hs.m.scope().Frame != 0 || !hs.dbg.has("Locals(0)") {
		t.Fatalf("d did not select frame 0; calls %v", hs.dbg.Calls())
	}
	scr := hs.screen()
	if hs.m.src.execAt != 0 || !strings.Contains(scr, "No source for") || !strings.Contains(scr, "system library") {
		t.Errorf("glibc's frame shown as a file (execAt %d):\n%s", hs.m.src.execAt, scr)
	}
	if !strings.Contains(scr, "ptrace.c:45 (no source)") {
		t.Errorf("the stack does not mark glibc's frame as without source:\n%s", scr)
	}
}
