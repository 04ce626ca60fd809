package wrapper

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunDirNeverAbandonedWhileLocking races LockRunDir on fresh folders against another
// sandbug's sweep (RunDirAbandoned) looking at the same folders in a tight loop: a folder whose
// owner is taking or holds its lock is never abandoned. The lock file appears already locked;
// when it was created first and locked a moment later, a sweep in between could take the lock,
// call the folder abandoned and remove it under its live owner (seen in the test suite: "program
// temp dir: mkdir .../tmp: no such file or directory").
func TestRunDirNeverAbandonedWhileLocking(t *testing.T) {
	base := t.TempDir()
	const folders = 1500
	var (
		mu      sync.RWMutex // the owner unlocks only while no sweep is looking
		current atomic.Pointer[string]
		wrong   atomic.Int32
	)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // the sweeper
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			mu.RLock()
			if p := current.Load(); p != nil && RunDirAbandoned(*p) {
				wrong.Add(1)
			}
			mu.RUnlock()
		}
	}()
	start := time.Now()
	for i := 0; i < folders && wrong.Load() == 0; i++ {
		d := filepath.Join(base, strconv.Itoa(i))
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		current.Store(&d)
		if err := LockRunDir(d); err != nil {
			t.Fatalf("lock %s: %v", d, err)
		}
		if RunDirAbandoned(d) {
			t.Fatalf("%s is abandoned while its owner holds the lock", d)
		}
		mu.Lock()
		current.Store(nil)
		UnlockRunDir(d)
		mu.Unlock()
	}
	close(stop)
	wg.Wait()
	if n := wrong.Load(); n > 0 {
		t.Fatalf("a sweep found a folder abandoned while its owner was locking it (%d times)", n)
	}
	t.Logf("%d folders locked in %v against a sweep in a tight loop", folders, time.Since(start))
	// And a folder whose owner is gone is abandoned.
	d := filepath.Join(base, "gone")
	os.Mkdir(d, 0o700)
	if err := LockRunDir(d); err != nil {
		t.Fatal(err)
	}
	UnlockRunDir(d)
	if !RunDirAbandoned(d) {
		t.Fatalf("%s: unlocked, yet not abandoned", d)
	}
}
