package tui

import (
	"bytes"
	"sync"

	"github.com/sandbug/sandbug/launcher"
)

// A pump reads a session's events as fast as the launcher produces them, so a program printing
// flat out is never slowed by the UI's message round trips (one Bubble Tea message per pty read
// would cap output near 10 MB/s on a busy machine). It keeps events in order and never drops
// one; consecutive output merges, and when more than pumpLimit bytes of output wait, the oldest
// are skipped (counted, and shown as skipped in the Program pane), so memory stays bounded.
const (
	pumpLimit = 1 << 20
	pumpKeep  = 256 << 10
)

type pump struct {
	mu      sync.Mutex
	items   []launcher.Event
	outLen  int   // output bytes in items
	skipped int64 // output bytes skipped since the last take
	closed  bool
	ready   chan struct{} // signalled (cap 1) when items arrive or the stream ends
}

// startPump starts reading ch; the goroutine ends when the session closes its stream.
func startPump(ch <-chan launcher.Event) *pump {
	p := &pump{ready: make(chan struct{}, 1)}
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
		if p.outLen > pumpLimit {
			p.trim()
		}
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

// trim drops the oldest output bytes until pumpKeep remain, resuming at a line start.
func (p *pump) trim() {
	excess := p.outLen - pumpKeep
	kept := p.items[:0]
	for _, ev := range p.items {
		o, ok := ev.(launcher.OutputEvent)
		if !ok || excess <= 0 {
			kept = append(kept, ev)
			continue
		}
		if len(o.Data) <= excess {
			excess -= len(o.Data)
			p.skipped += int64(len(o.Data))
			p.outLen -= len(o.Data)
			continue
		}
		cut := excess
		if i := bytes.IndexByte(o.Data[cut:min(cut+4096, len(o.Data))], '\n'); i >= 0 {
			cut += i + 1
		}
		p.skipped += int64(cut)
		p.outLen -= cut
		excess = 0
		kept = append(kept, launcher.OutputEvent{Data: append([]byte(nil), o.Data[cut:]...)})
	}
	for i := len(kept); i < len(p.items); i++ {
		p.items[i] = nil
	}
	p.items = kept
}

// take waits for events and returns all that are queued, the output bytes skipped before them,
// and whether the stream has ended (after evs).
func (p *pump) take() (evs []launcher.Event, skipped int64, closed bool) {
	for {
		p.mu.Lock()
		if len(p.items) > 0 || p.skipped > 0 || p.closed {
			evs, p.items = p.items, nil
			skipped, p.skipped = p.skipped, 0
			p.outLen = 0
			closed = p.closed
			p.mu.Unlock()
			return evs, skipped, closed
		}
		p.mu.Unlock()
		<-p.ready
	}
}
