package wrapper

import "sync"

// coalesceKey identifies events that may merge into one with a larger Count.
type coalesceKey struct {
	kind      EventKind
	pid, nr   int
	ruleIndex int
	action    string
	errno     int
}

func keyOf(e *Event) (coalesceKey, bool) {
	switch e.Kind {
	case EventBlocked, EventLogged, EventKilled:
		if e.Held {
			return coalesceKey{}, false
		}
		return coalesceKey{e.Kind, e.Pid, e.Nr, e.RuleIndex, string(e.Action), e.Errno}, true
	}
	return coalesceKey{}, false
}

// eventQueue is the unbounded-in-keys, coalescing FIFO between the supervisor loops (push,
// never blocks) and the goroutine that feeds the Events channel (pop). An event whose key
// matches one still queued adds its Count to it instead of taking memory, so a flood of one
// denied call costs one queued event however slow the reader is.
type eventQueue struct {
	mu     sync.Mutex
	items  []*Event
	head   int
	index  map[coalesceKey]*Event
	signal chan struct{} // capacity 1: "something was pushed"
}

func newEventQueue() *eventQueue {
	return &eventQueue{index: map[coalesceKey]*Event{}, signal: make(chan struct{}, 1)}
}

func (q *eventQueue) push(e Event) {
	if e.Count < 1 {
		e.Count = 1
	}
	k, ok := keyOf(&e)
	q.mu.Lock()
	if ok {
		if old := q.index[k]; old != nil {
			old.Count += e.Count
			q.mu.Unlock()
			return
		}
	}
	p := &e
	q.items = append(q.items, p)
	if ok {
		q.index[k] = p
	}
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// pop removes and returns the oldest event; ok is false when the queue is empty.
func (q *eventQueue) pop() (Event, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.items) {
		return Event{}, false
	}
	p := q.items[q.head]
	q.items[q.head] = nil
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head > 1024 && q.head*2 > len(q.items) {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	if k, ok := keyOf(p); ok && q.index[k] == p {
		delete(q.index, k)
	}
	return *p, true
}

func (q *eventQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head
}
