package wrapper

import (
	"strconv"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/wrapper/policy"
)

func TestEventQueueCoalesces(t *testing.T) {
	q := newEventQueue()
	a := Event{Kind: EventBlocked, Pid: 1, Nr: 135, RuleIndex: 3, Action: policy.Errno, Errno: 1, Args: [6]uint64{7}}
	b := Event{Kind: EventBlocked, Pid: 1, Nr: 101, RuleIndex: 2, Action: policy.Errno, Errno: 1}
	q.push(Event{Kind: EventAttached, Pid: 1})
	q.push(a)
	q.push(b)
	a2 := a
	a2.Args[0] = 8
	q.push(a2)                                                                                       // merges into a, keeps a's details
	q.push(Event{Kind: EventAttached, Pid: 1})                                                       // never merged
	q.push(Event{Kind: EventBlocked, Pid: 2, Nr: 135, RuleIndex: 3, Action: policy.Errno, Errno: 1}) // other pid
	held := a
	held.Held = true
	q.push(held)
	q.push(held) // held events are never merged
	if q.len() != 7 {
		t.Fatalf("queue holds %d events, want 7", q.len())
	}
	var got []string
	for {
		e, ok := q.pop()
		if !ok {
			break
		}
		got = append(got, e.Kind.String()+":"+strconv.Itoa(e.Pid)+":"+strconv.Itoa(e.Nr)+":"+strconv.Itoa(e.Count)+":"+strconv.Itoa(int(e.Args[0])))
	}
	want := "attached:1:0:1:0 blocked:1:135:2:7 blocked:1:101:1:0 attached:1:0:1:0 blocked:2:135:1:0 blocked:1:135:1:7 blocked:1:135:1:7"
	if strings.Join(got, " ") != want {
		t.Errorf("popped %s\nwant   %s", strings.Join(got, " "), want)
	}
	// Once popped, an event no longer absorbs later ones: order is kept.
	q.push(a)
	q.push(b)
	q.pop()
	q.push(a)
	if e, _ := q.pop(); e.Nr != 101 || e.Count != 1 {
		t.Errorf("after popping a, b comes next: %+v", e)
	}
	if e, _ := q.pop(); e.Nr != 135 || e.Count != 1 {
		t.Errorf("then the new a: %+v", e)
	}
}

func TestEventQueueBoundedUnderFlood(t *testing.T) {
	q := newEventQueue()
	sum := 0
	take := func() {
		e, ok := q.pop()
		if ok {
			sum += e.Count
		}
	}
	for i := range 1_000_000 {
		q.push(Event{Kind: EventBlocked, Pid: 1 + i%3, Nr: 135, Action: policy.Errno, Errno: 1})
		if i%100_000 == 0 { // the reader takes one now and then
			take()
		}
		if q.len() > 3 {
			t.Fatalf("queue grew to %d events for 3 keys", q.len())
		}
	}
	for q.len() > 0 {
		take()
	}
	if sum != 1_000_000 {
		t.Errorf("sum of counts %d, want 1000000", sum)
	}
}
