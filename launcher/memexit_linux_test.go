package launcher

import (
	"testing"
	"time"

	"github.com/sandbug/sandbug/wrapper"
)

// srcQuickHog reserves 1 MiB after 1 MiB without touching it (a few microseconds each) until
// malloc fails, then exits with status 3 at once and in silence: no output for the reader to
// sample on, and over long before the limit watch's next 50 ms sample.
const srcQuickHog = `#include <stdlib.h>
int main(void) {
	for (int i = 0; i < 1 << 16; i++)
		if (!malloc(1 << 20))
			exit(3);
	return 0;
}
`

// TestMemLimitHitThenQuickExit: a memory limit hit by a program that exits with an error status
// at once is named as the memory limit in both modes: the wrapper has the kernel notify an
// exit_group with a nonzero status under a memory limit, and the supervisor reads the peak
// address space before the call runs. Repeated, because sampling alone was a race.
func TestMemLimitHitThenQuickExit(t *testing.T) {
	prog := program(t, "quickhog", srcQuickHog)
	t.Run("run", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			cfg := baseConfig(t, prog)
			cfg.Limits = wrapper.Limits{Mem: 64 << 20}
			c := runToEnd(t, cfg)
			if c.exit.Kind != KindLimit || c.exit.Limit != LimitMem || c.exit.Code != 3 {
				t.Fatalf("run %d: exit = %+v, want the memory limit with status 3", i, *c.exit)
			}
		}
	})
	t.Run("debug", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			cfg := baseConfig(t, prog)
			cfg.Limits = wrapper.Limits{Mem: 64 << 20}
			r := startDebug(t, cfg)
			if st := r.stopped(); st == nil {
				t.Fatalf("no stop at main: %s", r.c.describe())
			}
			if err := r.s.Continue(); err != nil {
				t.Fatal(err)
			}
			if ex := r.exit(); ex.Kind != KindLimit || ex.Limit != LimitMem || ex.Code != 3 {
				t.Fatalf("debug %d: exit = %+v, want the memory limit with status 3", i, ex)
			}
			r.s.Close()
		}
	})
	t.Run("no limit", func(t *testing.T) {
		// Without a memory limit the same status is a plain exit (and nothing is notified).
		cfg := baseConfig(t, program(t, "exit", srcExit), "3")
		c := runToEnd(t, cfg)
		if c.exit.Kind != KindExited || c.exit.Code != 3 {
			t.Fatalf("exit = %+v", *c.exit)
		}
	})
}

// TestMemLimitHitBeforeTheWatchStarts: the same when the program hits the limit and exits before
// the run's limit watch has started (a launcher slowed by load; here by a hook): the reading
// taken at the failed exit is kept for the watch (Session.onFailedExit).
func TestMemLimitHitBeforeTheWatchStarts(t *testing.T) {
	prog := program(t, "quickhog", srcQuickHog)
	testHookBeforeLimitWatch = func() { time.Sleep(300 * time.Millisecond) }
	defer func() { testHookBeforeLimitWatch = nil }()
	cfg := baseConfig(t, prog)
	cfg.Limits = wrapper.Limits{Mem: 64 << 20}
	c := runToEnd(t, cfg)
	if c.exit.Kind != KindLimit || c.exit.Limit != LimitMem || c.exit.Code != 3 {
		t.Fatalf("exit = %+v, want the memory limit with status 3", *c.exit)
	}
}
