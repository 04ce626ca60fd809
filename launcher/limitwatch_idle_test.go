package launcher

import (
	"testing"
	"time"
)

// TestLimitWatchSleepsWhileStopped: stopped under gdb, the program cannot change its address
// space or fork, so the memory-limit watcher reads nothing (it read /proc every 50 ms, a
// stopped session's largest wake-up); once the program runs again it samples again.
func TestLimitWatchSleepsWhileStopped(t *testing.T) {
	cfg := baseConfig(t, program(t, "sleeper", srcSleep))
	r := startDebug(t, cfg)
	if st := r.stopped(); st == nil {
		t.Fatalf("no stop at main: %s", r.c.describe())
	}
	w := r.s.limitWatch()
	if w == nil {
		t.Fatal("no limit watcher for the debugged program")
	}
	waitFor(t, "the watcher to sleep through the stop", w.asleep.Load)
	before := w.lastRead.Load()
	time.Sleep(8 * watchVMEvery)
	if after := w.lastRead.Load(); after != before {
		t.Fatalf("the watcher read /proc %v after the stop, while the program was stopped",
			time.Duration(after-before))
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a sample once the program runs", func() bool { return w.lastRead.Load() != before })
}
