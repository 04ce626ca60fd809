package tui

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTrimOnlyWhenStillStopped: the heap is given back once per quiet stop: a later stop
// replaces an earlier one's trim, and running again cancels it.
func TestTrimOnlyWhenStillStopped(t *testing.T) {
	var calls atomic.Int32
	oldFree, oldDelay := freeOSMemory.Load(), trimDelay.Load()
	count := func() { calls.Add(1) }
	freeOSMemory.Store(&count)
	trimDelay.Store(int64(20 * time.Millisecond))
	t.Cleanup(func() { freeOSMemory.Store(oldFree); trimDelay.Store(oldDelay) })
	run := func(cmds ...func()) {
		var wg sync.WaitGroup
		for _, c := range cmds {
			wg.Add(1)
			go func() { defer wg.Done(); c() }()
		}
		wg.Wait()
	}
	first, second := trimWhenIdle(), trimWhenIdle() // two stops in a row (F10, F10)
	run(func() { first() }, func() { second() })
	if n := calls.Load(); n != 1 {
		t.Errorf("two quick stops freed memory %d times, want once", n)
	}
	third := trimWhenIdle()
	cancelTrim() // the program runs again
	run(func() { third() })
	if n := calls.Load(); n != 1 {
		t.Errorf("a stop left for a run freed memory (%d calls)", n)
	}
}
