package tui

import (
	"runtime/debug"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
)

var (
	// trimDelay is how long the program must stay stopped before the UI gives its unused heap
	// back (nanoseconds; atomic: tests shorten it while other tests' commands may read it).
	trimDelay atomic.Int64
	trimGen   atomic.Int64
	// freeOSMemory is debug.FreeOSMemory; tests count the calls.
	freeOSMemory atomic.Pointer[func()]
)

func init() {
	trimDelay.Store(int64(time.Second))
	f := debug.FreeOSMemory
	freeOSMemory.Store(&f)
}

// trimWhenIdle returns a command that, once the program has stayed stopped for trimDelay (no
// later stop or run asked for another), collects garbage and returns the free heap to the
// kernel: what the UI holds then is what it uses (BENCHMARKS.md: the front end at a stopped
// main). While output flows or the student steps, it does nothing.
func trimWhenIdle() tea.Cmd {
	g := trimGen.Add(1)
	return func() tea.Msg {
		time.Sleep(time.Duration(trimDelay.Load()))
		if trimGen.Load() == g {
			(*freeOSMemory.Load())()
		}
		return nil
	}
}

// cancelTrim makes a pending trimWhenIdle do nothing (the program runs again).
func cancelTrim() { trimGen.Add(1) }
