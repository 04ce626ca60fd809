package tui

import (
	"bytes"
	"testing"
	"testing/synctest"

	"github.com/sandbug/sandbug/launcher"
)

// TestPumpNeverDropsOutput: the output policy (docs/ARCHITECTURE.md): past pumpLimit waiting
// bytes the pump stops reading the session's stream instead of dropping; every byte arrives, in
// order, with the other events between them.
func TestPumpNeverDropsOutput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan launcher.Event)
		p := startPump(ch)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		var want bytes.Buffer
		sent := make(chan int, 1)
		go func() {
			n := 0
			for i := 0; i < 2*pumpLimit/len(chunk); i++ {
				c := append([]byte(nil), chunk...)
				c[0] = byte('a' + i%26)
				want.Write(c)
				ch <- launcher.OutputEvent{Data: c}
				n++
				if i == 3 {
					ch <- launcher.StateEvent{State: launcher.Running}
					n++
				}
			}
			close(ch)
			sent <- n
		}()
		synctest.Wait()
		select {
		case <-sent:
			t.Fatal("the producer was never held back: output past pumpLimit was taken without a reader")
		default:
		}
		var got bytes.Buffer
		states := 0
		for {
			evs, closed := p.take()
			for _, ev := range evs {
				switch e := ev.(type) {
				case launcher.OutputEvent:
					got.Write(e.Data)
				case launcher.StateEvent:
					if got.Len() != 4*len(chunk) {
						t.Fatalf("state event after %d bytes, want %d", got.Len(), 4*len(chunk))
					}
					states++
				}
			}
			if closed {
				break
			}
		}
		<-sent
		if states != 1 || !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("got %d bytes and %d state events, want %d bytes (equal: %v) and 1", got.Len(), states, want.Len(), bytes.Equal(got.Bytes(), want.Bytes()))
		}
	})
}

// TestPumpRelease: a pump the UI dropped stops holding the session back.
func TestPumpRelease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan launcher.Event)
		p := startPump(ch)
		done := make(chan struct{})
		go func() {
			for i := 0; i < 2*pumpLimit/(64<<10); i++ {
				ch <- launcher.OutputEvent{Data: make([]byte, 64<<10)}
			}
			close(ch)
			close(done)
		}()
		synctest.Wait()
		p.release()
		<-done
	})
}
