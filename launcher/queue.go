package launcher

import "sync"

// maxPendingOutput bounds the program output held for a slow consumer. Beyond it the reader of
// the program's pty waits (so the program blocks in write, as on a slow terminal): bytes are
// never dropped and memory stays bounded.
const maxPendingOutput = 8 << 20

// outBuffer is the capacity of the event channel. While the consumer keeps up, push hands an
// event straight to the channel (no goroutine switch in between); when it is full, events wait
// in the queue, where output coalesces.
const outBuffer = 64

// queue is an ordered, unbounded event queue feeding one channel. Pushing never blocks except
// output beyond maxPendingOutput; consecutive OutputEvents still waiting are merged.
type queue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	items   []Event
	pending int // bytes of output held in items
	closed  bool
	sending bool // the loop holds an item it is sending: a fast-path send would overtake it
	wake    chan struct{}
	out     chan Event
	done    chan struct{}
}

func newQueue() *queue {
	q := &queue{wake: make(chan struct{}, 1), out: make(chan Event, outBuffer), done: make(chan struct{})}
	q.cond = sync.NewCond(&q.mu)
	go q.loop()
	return q
}

// push appends e. It never blocks, except for OutputEvents while too much output is pending.
func (q *queue) push(e Event) {
	q.mu.Lock()
	if o, ok := e.(OutputEvent); ok {
		if len(o.Data) == 0 {
			q.mu.Unlock()
			return
		}
		for q.pending >= maxPendingOutput && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		if len(q.items) == 0 && !q.sending {
			select {
			case q.out <- OutputEvent{Data: append([]byte(nil), o.Data...)}:
				q.mu.Unlock()
				return
			default:
			}
		}
		q.pending += len(o.Data)
		if n := len(q.items); n > 0 {
			if last, ok := q.items[n-1].(OutputEvent); ok {
				// The loop owns nothing of last.Data yet (it is still queued): extend it.
				q.items[n-1] = OutputEvent{Data: append(last.Data, o.Data...)}
				q.mu.Unlock()
				return
			}
		}
		e = OutputEvent{Data: append([]byte(nil), o.Data...)}
	} else if q.closed {
		q.mu.Unlock()
		return
	} else if len(q.items) == 0 && !q.sending {
		select {
		case q.out <- e:
			q.mu.Unlock()
			return
		default:
		}
	}
	q.items = append(q.items, e)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *queue) loop() {
	defer close(q.out)
	for {
		q.mu.Lock()
		for len(q.items) == 0 {
			if q.closed {
				q.mu.Unlock()
				return
			}
			q.mu.Unlock()
			<-q.wake
			q.mu.Lock()
		}
		e := q.items[0]
		q.items[0] = nil
		q.items = q.items[1:]
		if o, ok := e.(OutputEvent); ok {
			q.pending -= len(o.Data)
			q.cond.Broadcast()
		}
		q.sending = true
		q.mu.Unlock()
		select {
		case q.out <- e:
		case <-q.done:
			return
		}
		q.mu.Lock()
		q.sending = false
		q.mu.Unlock()
	}
}

// close ends the stream after the events already queued have been delivered.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// abandon ends the stream at once: for a consumer that stopped reading (Close). Safe to call more
// than once, after close or not.
func (q *queue) abandon() {
	q.close()
	q.mu.Lock()
	select {
	case <-q.done:
	default:
		close(q.done)
	}
	q.mu.Unlock()
}
