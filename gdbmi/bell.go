package gdbmi

import (
	"os"
	"runtime"
)

// A call is one Exec waiting for its result (unless it reads the result itself: baton.go). The
// reader, or the Exec holding the reading baton, hands the result over by storing it in
// r (under Conn.mu) and ringing the call's bell: an eventfd registered with Go's network poller,
// or a channel when GOMAXPROCS is 1 or no eventfd can be made.
//
// Why an eventfd: waking a goroutine parked on a channel (or a sync.Cond, or a mutex) makes the
// runtime wake a second OS thread whenever a P is idle (runtime.wakep), which cost 7-9 µs of
// futex wake-up on the critical path of every command on the 2-vCPU machine of
// docs/bench/gdbmi.md (seen with `go test -trace`), and that thread then competes with gdb for a
// CPU. A goroutine parked on a pollable fd is instead picked up by the reader's own thread when
// the reader parks (findRunnable's netpoll), as the raw-pipe client's reads are: no extra
// thread. With a single P there is no idle P to wake, and the channel is cheaper than the
// eventfd's three system calls.
type call struct {
	bell *os.File      // the eventfd, or nil
	ch   chan struct{} // with bell == nil: the bell, buffered 1
	r    *Record       // the result, set under Conn.mu
	buf  [8]byte
}

func newCall() *call {
	if runtime.GOMAXPROCS(0) > 1 {
		if f := newEventFD(); f != nil {
			return &call{bell: f}
		}
	}
	return &call{ch: make(chan struct{}, 1)}
}

var one = [8]byte{1} // little-endian 1 for the eventfd counter

// ring wakes the call's waiter (at once, or at its next wait). Ringing a closed bell does
// nothing.
func (w *call) ring() {
	if w.bell == nil {
		select {
		case w.ch <- struct{}{}:
		default: // already rung
		}
		return
	}
	w.bell.Write(one[:])
}

// wait blocks until the bell has rung at least once since the last wait, and resets it. A wait
// can return for a ring meant for an earlier use of the same call: callers re-check their
// condition.
func (w *call) wait() error {
	if w.bell == nil {
		<-w.ch
		return nil
	}
	_, err := w.bell.Read(w.buf[:])
	return err
}

// close releases the call's eventfd.
func (w *call) close() {
	if w.bell != nil {
		w.bell.Close()
	}
}

// getCall takes a call from the free list or makes one.
func (c *Conn) getCall() *call {
	c.mu.Lock()
	if n := len(c.free); n > 0 {
		w := c.free[n-1]
		c.free = c.free[:n-1]
		c.mu.Unlock()
		return w
	}
	c.mu.Unlock()
	return newCall()
}

// putCall returns w to the free list, or closes it once the connection is closed.
func (c *Conn) putCall(w *call) {
	c.mu.Lock()
	w.r = nil
	if !c.closed && len(c.free) < 8 {
		c.free = append(c.free, w)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	w.close()
}

// ringAll wakes every waiting call, so that it looks at the connection's state again.
func (c *Conn) ringAll() {
	c.mu.Lock()
	for _, w := range c.waiters {
		if w != nil {
			w.ring()
		}
	}
	c.mu.Unlock()
}

// closeFree closes the calls in the free list; called when the connection is closed.
func (c *Conn) closeFree() {
	c.mu.Lock()
	free := c.free
	c.free = nil
	c.mu.Unlock()
	for _, w := range free {
		w.close()
	}
}
