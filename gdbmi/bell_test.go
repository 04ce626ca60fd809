package gdbmi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

// eventfds counts this process's open eventfds (the runtime's own netpoll one included).
func eventfds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		l, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if err == nil && strings.Contains(l, "eventfd") {
			n++
		}
	}
	return n
}

// TestLiveCallReuse: calls from many goroutines, a third of them cancelled by short deadlines,
// so that calls (and their eventfds) are reused after cancellations and late rings. Every call
// that returns a result returns its own, the connection stays usable, and Close leaves no
// eventfd open.
func TestLiveCallReuse(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	fds := eventfds(t)
	c, err := Start(bgctx(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	const workers, calls = 6, 60
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			for i := 0; i < calls; i++ {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if i%3 == 0 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(i%7)*20*time.Microsecond)
				}
				err := evalPlusOne(ctx, c, w*1000+i)
				cancel()
				if errors.Is(err, context.DeadlineExceeded) && i%3 == 0 {
					continue
				}
				if err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
	}
	for w := 0; w < workers; w++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	if r, err := c.Exec(bgctx(), "-data-evaluate-expression", "6*7"); err != nil || r.Get("value").String() != "42" {
		t.Fatalf("after the cancellations: %v %v", r, err)
	}
	if runtime.GOMAXPROCS(0) > 1 && eventfds(t) <= fds {
		t.Errorf("no eventfd in use with GOMAXPROCS=%d: calls fell back to channels", runtime.GOMAXPROCS(0))
	}
	for _, e := range drain(c.Events()) {
		if e.Kind == ResultRecord {
			t.Errorf("result record leaked to Events: %v", e)
		}
	}
	c.Close()
	if n := eventfds(t); n > fds {
		t.Errorf("eventfds: %d before Start, %d after Close", fds, n)
	}
}

// drain returns what is queued on ch now, without waiting.
func drain(ch <-chan *Record) []*Record {
	var out []*Record
	for {
		select {
		case r, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, r)
		default:
			return out
		}
	}
}
