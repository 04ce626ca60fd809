package tui

import (
	"sync"

	"github.com/sandbug/sandbug/launcher"
)

// A pump reads a session's events as fast as the launcher produces them, so a program printing
// flat out is never slowed by the UI's message round trips (one Bubble Tea message per pty read
// would cap output near 10 MB/s on a busy machine). It follows the output policy of every layer
// between the program and the screen (docs/ARCHITECTURE.md, "Program output"): events stay in
// order and none is dropped; consecutive output merges; when pumpLimit bytes of output wait, the
// pump stops reading until the UI takes them, so the launcher's queue fills and then the program
// waits in write, as on a slow terminal. Memory stays bounded without losing a byte.
const pumpLimit = 1 << 20

type pump struct {
	mu       sync.Mutex
	room     *sync.Cond // signalled when take emptied items, or on release
	items    []launcher.Event
	outLen   int           // output bytes in items
	closed   bool          // the session's stream ended
	released bool          // nobody will take again: stop waiting, keep nothing
	ready    chan struct{} // signalled (cap 1) when items arrive or the stream ends
}

// startPump starts reading ch; the goroutine ends when the session closes its stream.
func startPump(ch <-chan launcher.Event) *pump {
	p := &pump{ready: make(chan struct{}, 1)}
	p.room = sync.NewCond(&p.mu)
	go func() {
		for ev := range ch {
			p.add(ev)
		}
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		p.signal()
	}()
	return p
}

func (p *pump) signal() {
	select {
	case p.ready <- struct{}{}:
	default:
	}
}

func (p *pump) add(ev launcher.Event) {
	p.mu.Lock()
	for p.outLen >= pumpLimit && !p.released {
		p.room.Wait()
	}
	if p.released {
		p.mu.Unlock()
		return
	}
	if o, ok := ev.(launcher.OutputEvent); ok {
		if len(o.Data) == 0 {
			p.mu.Unlock()
			return
		}
		n := len(p.items)
		if last, ok := lastOutput(p.items); ok {
			p.items[n-1] = launcher.OutputEvent{Data: append(last.Data, o.Data...)}
		} else {
			p.items = append(p.items, launcher.OutputEvent{Data: append([]byte(nil), o.Data...)})
		}
		p.outLen += len(o.Data)
	} else {
		p.items = append(p.items, ev)
	}
	p.mu.Unlock()
	p.signal()
}

func lastOutput(items []launcher.Event) (launcher.OutputEvent, bool) {
	if len(items) == 0 {
		return launcher.OutputEvent{}, false
	}
	o, ok := items[len(items)-1].(launcher.OutputEvent)
	return o, ok
}

// take waits for events and returns all that are queued, and whether the stream has ended
// (after evs).
func (p *pump) take() (evs []launcher.Event, closed bool) {
	for {
		p.mu.Lock()
		if len(p.items) > 0 || p.closed {
			evs, p.items = p.items, nil
			p.outLen = 0
			closed = p.closed
			p.room.Broadcast()
			p.mu.Unlock()
			return evs, closed
		}
		p.mu.Unlock()
		<-p.ready
	}
}

// release is called when the UI drops the session: the pump stops holding the launcher back and
// reads its stream to the end, keeping nothing. Safe on a nil pump.
func (p *pump) release() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.released = true
	p.items, p.outLen = nil, 0
	p.room.Broadcast()
	p.mu.Unlock()
}
