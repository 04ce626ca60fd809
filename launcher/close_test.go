package launcher

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCloseAnyTime closes sessions at awkward moments: right after start (compiling, gdb
// starting), and while the program runs. Nothing may be left behind and Close must not hang.
func TestCloseAnyTime(t *testing.T) {
	src := t.TempDir() + "/sleeper.c"
	writeFile(t, src, srcSleep)
	for _, debug := range []bool{false, true} {
		for _, wait := range []time.Duration{0, 50 * time.Millisecond, 400 * time.Millisecond, 1500 * time.Millisecond} {
			name := map[bool]string{false: "run", true: "debug"}[debug] + "-" + wait.String()
			t.Run(name, func(t *testing.T) {
				cfg := baseConfig(t, src)
				cfg.StopAtBlocked = true
				var s *Session
				var err error
				if debug {
					cfg.IO = IOPty
					s, err = StartDebug(context.Background(), cfg)
				} else {
					s, err = StartRun(context.Background(), cfg)
				}
				if err != nil {
					t.Fatal(err)
				}
				go func() {
					for range s.Events() {
					}
				}()
				if debug && wait > 1000*time.Millisecond {
					// Let it run past main.
					time.Sleep(wait / 2)
					s.Continue()
					time.Sleep(wait / 2)
				} else {
					time.Sleep(wait)
				}
				done := make(chan struct{})
				go func() { s.Close(); close(done) }()
				select {
				case <-done:
				case <-time.After(15 * time.Second):
					t.Fatal("Close hung")
				}
				checkNoLeftovers(t, s)
			})
		}
	}
}

// TestDebugRestartWhileRunning restarts a program that is running (not stopped).
func TestDebugRestartWhileRunning(t *testing.T) {
	cfg := baseConfig(t, program(t, "sleeper", srcSleep))
	r := startDebug(t, cfg)
	r.stopped()
	firstPid := r.s.Pid()
	r.s.Continue()
	r.until("output", func(e Event) bool { o, ok := e.(OutputEvent); return ok && len(o.Data) > 0 })
	if err := r.s.Run(); err != nil {
		t.Fatal(err)
	}
	ex := r.exit()
	if ex.Kind != KindStopped || ex.Signal != "SIGKILL" {
		t.Fatalf("killed run ended %+v", ex)
	}
	st := r.stopped()
	if st == nil || !st.Entry || r.s.Pid() == firstPid || r.s.Pid() == 0 {
		t.Fatalf("restart: stop %+v pid %d (first %d)", st, r.s.Pid(), firstPid)
	}
	if err := r.s.Kill(); err != nil {
		t.Fatal(err)
	}
	// The user's stop is said as such (it was "terminated by SIGKILL", status 137).
	if ex := r.exit(); ex.Kind != KindStopped || ex.Summary() != "stopped by you: sandbug killed it (SIGKILL)" || ex.ShellCode() != 137 {
		t.Errorf("Kill ended the run as %+v: %q", ex, ex.Summary())
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}

// TestCloseWhileGDBStarts closes a session while gdb (under its keeper) has started but not yet
// answered: the kill of the keeper's group may orphan gdb to this process (a subreaper), and
// the session must still reap it, leaving no zombie behind. Several rounds, since which of the
// keeper and gdb dies first is up to the kernel.
func TestCloseWhileGDBStarts(t *testing.T) {
	becomeSubreaper()
	silent := filepath.Join(t.TempDir(), "silent-gdb")
	// A "gdb" that never prints its first prompt.
	if err := os.WriteFile(silent, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	prog := program(t, "sleeper", srcSleep)
	for i := 0; i < 6; i++ {
		cfg := baseConfig(t, prog)
		cfg.GDB = silent
		cfg.IO = IOPty
		s, err := StartDebug(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for range s.Events() {
			}
		}()
		waitFor(t, "the silent gdb to start", func() bool { return len(descendantsNamed("sleep")) > 0 })
		s.Close()
		checkNoLeftovers(t, s)
	}
}
