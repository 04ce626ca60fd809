package launcher

import (
	"bytes"
	"math/rand"
	"testing"
)

func TestQueueOrderAndCoalescing(t *testing.T) {
	q := newQueue()
	var want bytes.Buffer
	rng := rand.New(rand.NewSource(1))
	// Producer outpaces the (absent) consumer: output merges, other events stay in order.
	for i := 0; i < 1000; i++ {
		b := make([]byte, rng.Intn(300)+1)
		rng.Read(b)
		want.Write(b)
		q.push(OutputEvent{Data: b})
		b[0] ^= 0xff // the queue must have copied
		if i%100 == 0 {
			q.push(StateEvent{State: State(i / 100 % 5)})
		}
	}
	q.push(ExitEvent{Status: ExitStatus{Kind: KindExited}})
	q.close()
	var got bytes.Buffer
	n, states := 0, 0
	sawExit := false
	for e := range q.out {
		n++
		switch e := e.(type) {
		case OutputEvent:
			got.Write(e.Data)
		case StateEvent:
			if e.State != State(states%5) {
				t.Fatalf("state %d out of order: %v", states, e.State)
			}
			states++
		case ExitEvent:
			sawExit = true
		}
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("output differs: got %d bytes, want %d", got.Len(), want.Len())
	}
	if states != 10 || !sawExit {
		t.Fatalf("states=%d exit=%v", states, sawExit)
	}
	if n > outBuffer+30 {
		t.Errorf("%d events delivered: output was not coalesced", n)
	}
}

func TestQueueBackPressureAndAbandon(t *testing.T) {
	q := newQueue()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 40; i++ {
			q.push(OutputEvent{Data: make([]byte, 1<<20)})
		}
	}()
	// Nobody reads: the producer must block around maxPendingOutput, then be released by abandon.
	got := 0
	for e := range q.out {
		got += len(e.(OutputEvent).Data)
		if got >= 4<<20 {
			break
		}
	}
	q.abandon()
	<-done
	for range q.out {
	}
}

func TestPTYReaderMarker(t *testing.T) {
	p := &ptyReader{}
	// feed filters one chunk and closes the marker's channel after "emitting", as readPTY does.
	var passedAt []string
	feed := func(chunk string) []byte {
		out, passed := p.filter([]byte(chunk))
		if passed != nil {
			passedAt = append(passedAt, chunk)
			close(passed)
		}
		return out
	}
	if got := string(feed("plain")); got != "plain" {
		t.Fatalf("no marker expected: %q", got)
	}
	done := p.expect()
	m := string(p.marker())
	input := "before" + m[:5] + "" // marker split over three reads
	var out []byte
	out = append(out, feed(input)...)
	out = append(out, feed(m[5:9])...)
	select {
	case <-done:
		t.Fatal("done before the whole marker")
	default:
	}
	// The reader, not filter, closes done, after the bytes before the marker are emitted:
	// otherwise the exit could overtake the program's last output.
	last, passed := p.filter([]byte(m[9:] + "after"))
	select {
	case <-done:
		t.Fatal("filter closed done itself, before the output was emitted")
	default:
	}
	if passed == nil {
		t.Fatal("the chunk ending the marker did not report it")
	}
	close(passed)
	out = append(out, last...)
	<-done
	if string(out) != "beforeafter" || len(passedAt) != 0 {
		t.Fatalf("got %q (passed at %q)", out, passedAt)
	}
	// A near-miss of the marker is kept as data.
	p.expect()
	m = string(p.marker())
	out = append([]byte(nil), feed("x"+m[:4])...)
	out = append(out, feed("y")...)
	p.cancel()
	out = append(out, feed("z")...)
	if string(out) != "x"+m[:4]+"yz" || len(passedAt) != 0 {
		t.Fatalf("near miss: %q (passed at %q)", out, passedAt)
	}
}
