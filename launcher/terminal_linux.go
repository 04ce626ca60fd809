package launcher

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

// drainPTY returns once everything the program wrote to its terminal has been read and emitted.
// The session holds the pty's slave open (gdb reopens it for every run), so the master never
// reads end-of-file; and bytes written to the slave reach the master through the kernel's flip
// buffer asynchronously, so an empty input queue proves nothing. Instead a unique marker is
// written to the slave after the program is gone: it travels behind the program's bytes, and the
// reader (ptyReader) strips it and reports when it has passed.
func (s *Session) drainPTY() {
	s.mu.Lock()
	sl := s.slave
	s.mu.Unlock()
	d := s.dbg
	if sl == nil || d == nil || d.pty == nil {
		return
	}
	done := d.pty.expect()
	mark := d.pty.marker()
	// A terminal left stopped (Ctrl-S) would block the write: never wait for it here.
	go sl.Write(mark)
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		d.pty.cancel()
	}
}

// ptyReader copies a debug session's pty output into OutputEvents for the whole session,
// removing the drain markers drainPTY writes.
type ptyReader struct {
	mu      sync.Mutex
	n       int
	mark    []byte        // the marker expected, nil when none
	done    chan struct{} // closed when mark has passed
	pending []byte        // held back: may be the start of mark
}

func (p *ptyReader) expect() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.mark = []byte(fmt.Sprintf("\x1b_sandbug-drain-%d-%d\x1b\\", os.Getpid(), p.n))
	p.done = make(chan struct{})
	return p.done
}

func (p *ptyReader) marker() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mark
}

func (p *ptyReader) cancel() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mark = nil
}

// filter returns the bytes to emit from a chunk read from the pty and, when the chunk held the
// marker, the channel to close once those bytes are emitted (closing it earlier would let the
// exit overtake the program's last output).
func (p *ptyReader) filter(b []byte) (out []byte, passed chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mark == nil {
		if len(p.pending) > 0 {
			b = append(p.pending, b...)
			p.pending = nil
		}
		return b, nil
	}
	buf := append(p.pending, b...)
	p.pending = nil
	if i := bytes.Index(buf, p.mark); i >= 0 {
		out := append(append([]byte(nil), buf[:i]...), buf[i+len(p.mark):]...)
		p.mark = nil
		return out, p.done
	}
	// Hold back a tail that could be the start of the marker.
	keep := 0
	for k := len(p.mark) - 1; k > 0; k-- {
		if k <= len(buf) && bytes.Equal(buf[len(buf)-k:], p.mark[:k]) {
			keep = k
			break
		}
	}
	p.pending = append([]byte(nil), buf[len(buf)-keep:]...)
	return buf[:len(buf)-keep], nil
}

func (s *Session) readPTY(f *os.File, p *ptyReader) {
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			out, passed := p.filter(buf[:n])
			if len(out) > 0 {
				s.emit(OutputEvent{Data: out})
				s.mu.Lock()
				w := s.watch
				s.mu.Unlock()
				w.sample()
			}
			if passed != nil {
				close(passed)
			}
		}
		if err != nil {
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			if !isEndOfPTY(err) {
				s.emit(ErrorEvent{Err: fmt.Errorf("reading the program's output: %w", err)})
			}
			return
		}
	}
}
