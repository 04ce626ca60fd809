package wrapper

import (
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

// floodResult is what one flood run measured.
type floodResult struct {
	elapsed     time.Duration
	events      int   // events received
	sum         int64 // sum of their Count
	stats       int64 // Stats() total
	maxHeap     uint64
	programLine string
}

// flood runs the denied fixture making n denied calls under the real wrapper with a
// supervisor whose reader sleeps delay per event, sampling the heap meanwhile.
func flood(t testing.TB, n int, delay time.Duration) floodResult {
	denied := fixture(t, "denied")
	sup, err := NewSupervisor(SupervisorConfig{Policy: defaultProfile(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer sup.Close()
	var sum atomic.Int64
	var events atomic.Int64
	detached := make(chan struct{})
	go func() {
		for e := range sup.Events() {
			events.Add(1)
			if e.Kind == EventBlocked {
				sum.Add(int64(e.Count))
			}
			if e.Kind == EventDetached {
				close(detached)
			}
			time.Sleep(delay) // a deliberately slow reader
		}
	}()
	var maxHeap atomic.Uint64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > maxHeap.Load() {
				maxHeap.Store(ms.HeapInuse)
			}
			select {
			case <-tick.C:
			case <-stopSampling:
				return
			}
		}
	}()
	start := time.Now()
	out, err := exec.Command(testbin.Wrapper(t), "--notify", sup.SocketPath(), "--", denied, strconv.Itoa(n)).CombinedOutput()
	elapsed := time.Since(start)
	close(stopSampling)
	<-sampled
	if err != nil {
		t.Fatalf("flood program: %v %s", err, out)
	}
	select {
	case <-detached:
	case <-time.After(30 * time.Second):
		t.Fatalf("no detach event; %d events so far summing %d", events.Load(), sum.Load())
	}
	var total int64
	for _, st := range sup.Stats() {
		total += st.Count
	}
	return floodResult{elapsed, int(events.Load()), sum.Load(), total, maxHeap.Load(), strings.TrimSpace(string(out))}
}

// TestSupervisorFlood: a million denied calls, every one answered EPERM and counted exactly,
// while a slow reader gets coalesced events and the heap stays small.
func TestSupervisorFlood(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 50_000
	}
	r := flood(t, n, time.Millisecond)
	t.Logf("%d denied calls in %v (%.1f us each), %d events, max HeapInuse %.1f MB",
		n, r.elapsed, float64(r.elapsed.Microseconds())/float64(n), r.events, float64(r.maxHeap)/1e6)
	if want := fmt.Sprintf("eperm=%d other=0", n); r.programLine != want+" last_errno=0" {
		t.Errorf("program saw %q, want %s", r.programLine, want)
	}
	if r.stats != int64(n) || r.sum != int64(n) {
		t.Errorf("Stats total %d, events sum %d, want %d each", r.stats, r.sum, n)
	}
	if r.maxHeap >= 50<<20 {
		t.Errorf("HeapInuse reached %d bytes (limit 50 MB)", r.maxHeap)
	}
}

// TestSupervisorFloodBatched: with a reader that takes every event at once, a flood still
// reaches it in batches of at most one wake-up per batchWindow (not a wake-up per call, which
// cost the flood about a third of its time), and the counts stay exact.
func TestSupervisorFloodBatched(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	r := flood(t, n, 0)
	// Each wake-up delivers one coalesced blocked event (plus the few lifecycle events).
	if batchWindow < time.Millisecond {
		t.Fatalf("batchWindow is %v: the reader would wake more than once a millisecond", batchWindow)
	}
	limit := int(r.elapsed/time.Millisecond) + 20
	t.Logf("%d denied calls in %v: %d events (at most %d allowed)", n, r.elapsed, r.events, limit)
	if r.stats != int64(n) || r.sum != int64(n) {
		t.Errorf("Stats total %d, events sum %d, want %d each", r.stats, r.sum, n)
	}
	if r.events > limit {
		t.Errorf("%d events for %d calls in %v: more than one wake-up a millisecond", r.events, n, r.elapsed)
	}
}
