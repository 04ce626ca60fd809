package launcher

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sandbug/sandbug/wrapper"
)

// TestSweepStale: a run folder is removed only when its owner's lock can be taken (the owner
// died), whatever its pid says; folders still locked (a live sandbug, in this or another pid
// namespace), of other users, or with names sandbug does not make stay.
func TestSweepStale(t *testing.T) {
	dir := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadPid := strconv.Itoa(dead.Process.Pid)
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Join(p, "inside"), 0o700); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Abandoned: a lock file nobody holds (its owner died), or no lock file and a minute old.
	abandoned := func(name string) string {
		p := mk(name)
		if err := os.WriteFile(filepath.Join(p, wrapper.RunDirLock), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := mk("sandbug-demo-" + deadPid + "-old")
	past := time.Now().Add(-2 * time.Minute)
	os.Chtimes(old, past, past)
	gone := []string{abandoned("sandbug-session-" + deadPid + "-123"), abandoned("sandbug-notify-" + deadPid + "-9"), old}
	// Held: the pid looks dead from here (as a live sandbug's does from inside another pid
	// namespace) but its lock is held.
	held := mk("sandbug-session-" + deadPid + "-held")
	if err := wrapper.LockRunDir(held); err != nil {
		t.Fatal(err)
	}
	defer wrapper.UnlockRunDir(held)
	kept := []string{held, mk("sandbug-session-" + deadPid + "-young"), // no lock yet, just made
		mk("sandbug-session-123"), mk("sandbug-other-" + deadPid + "-1"), mk("unrelated")}
	if os.Geteuid() == 0 {
		other := abandoned("sandbug-session-" + deadPid + "-other")
		if err := os.Chown(other, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, other)
	} else {
		t.Log("not root: the other-user case needs chown; not checked here")
	}
	if n := sweepStale(dir); n != len(gone) {
		t.Errorf("removed %d folders, want %d", n, len(gone))
	}
	for _, p := range gone {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived: %v", p, err)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}
