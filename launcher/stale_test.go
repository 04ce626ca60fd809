package launcher

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestSweepStale: folders named for a sandbug that is gone are removed; those of live
// processes and unknown names stay.
func TestSweepStale(t *testing.T) {
	dir := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadPid := strconv.Itoa(dead.Process.Pid)
	live := strconv.Itoa(os.Getppid()) // the go command: alive for the whole test
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Join(p, "inside"), 0o700); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gone := []string{mk("sandbug-session-" + deadPid + "-123"), mk("sandbug-notify-" + deadPid + "-9"), mk("sandbug-demo-" + deadPid + "-x")}
	kept := []string{mk("sandbug-session-" + live + "-1"), mk("sandbug-session-" + strconv.Itoa(os.Getpid()) + "-2"),
		mk("sandbug-session-123"), mk("sandbug-other-" + deadPid + "-1"), mk("unrelated")}
	if os.Geteuid() == 0 {
		// Another user's folder, even of a dead pid, is not ours to remove.
		other := mk("sandbug-session-" + deadPid + "-other")
		if err := os.Chown(other, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, other)
	} else {
		t.Log("not root: the other-user case needs chown; skipped within this test")
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
