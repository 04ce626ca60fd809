package gdbmi

// The connection's goroutines: the reader of gdb's stdout, the forwarder onto Events, the
// reader of gdb's stderr and the one that reaps gdb.

import (
	"bufio"
	"bytes"
	"errors"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// readLoop reads gdb's stdout line by line (lines of any length), hands each result record to
// the call waiting for it and queues everything else for Events, in gdb's order. It is the one
// reader of gdb's output; issue 17 measured what a reading baton shared with Exec and eventfd
// wake-ups bought at the level a user sees (under 2 %: docs/bench/gdbmi.md) and replaced them
// with this goroutine and channels.
func (c *Conn) readLoop() {
	defer c.wg.Done()
	defer func() {
		c.qmu.Lock()
		c.qdone = true
		c.qdata.Signal()
		c.qmu.Unlock()
	}()
	defer func() {
		// Let the exit status settle so callers get it, but never wait long.
		select {
		case <-c.procDone:
		case <-time.After(time.Second):
		}
		close(c.dead)
	}()
	br := bufio.NewReaderSize(c.stdout, 64<<10)
	var long []byte // the start of a line longer than br's buffer
	prompted := false
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, line...)
			continue
		}
		if len(long) > 0 {
			long = append(long, line...)
			line = long
		}
		c.lineDone(line, &prompted)
		if cap(long) > 1<<20 {
			long = nil
		} else {
			long = long[:0]
		}
		if err != nil { // EOF, or the pipe closed: whatever was left has been processed
			return
		}
	}
}

// lineDone processes one line of gdb's output: logs it and routes its record. The first prompt
// ends Start's wait.
func (c *Conn) lineDone(line []byte, prompted *bool) {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) == 0 {
		return
	}
	c.logLine("<-", line)
	if isPrompt(line) { // one per command: not worth a Record
		if !*prompted {
			*prompted = true
			close(c.firstPrompt)
		}
		return
	}
	r, err := Parse(line)
	if err != nil {
		r = &Record{Kind: RawLine, Stream: bytes.Clone(line)}
	}
	c.route(r)
}

// route hands a result record to the call waiting for it, and queues everything else for
// Events.
func (c *Conn) route(r *Record) {
	if tok, sent := r.Token.Int64(); sent && r.Kind == ResultRecord {
		c.mu.Lock()
		ch, ok := c.waiters[tok]
		if ok {
			delete(c.waiters, tok)
			if ch != nil { // nil: the caller gave up, the late result is dropped
				ch <- r // buffered 1, one result per token: never blocks
				c.waiting.Add(-1)
			}
		}
		c.mu.Unlock()
		if ok {
			return
		}
	}
	c.qmu.Lock()
	if len(c.queue)-c.qhead >= c.opts.EventBuffer {
		c.readerHeld.Store(true)
		for len(c.queue)-c.qhead >= c.opts.EventBuffer && c.waiting.Load() == 0 && !c.isClosing() {
			c.qspace.Wait() // back-pressure: gdb's output waits in its pipe
		}
		c.readerHeld.Store(false)
	}
	c.queue = append(c.queue, r)
	if c.fwdIdle {
		c.qdata.Signal()
	}
	c.qmu.Unlock()
}

func (c *Conn) isClosing() bool {
	select {
	case <-c.closing:
		return true
	default:
		return false
	}
}

// forwardLoop moves queued records onto the Events channel in order, and closes it once the
// reader has ended and everything is delivered.
func (c *Conn) forwardLoop() {
	defer c.wg.Done()
	defer close(c.events)
	for {
		c.qmu.Lock()
		for c.qhead == len(c.queue) && !c.qdone {
			c.fwdIdle = true
			c.qdata.Wait()
			c.fwdIdle = false
		}
		if c.qhead == len(c.queue) {
			c.qmu.Unlock()
			return
		}
		r := c.queue[c.qhead]
		c.queue[c.qhead] = nil
		c.qhead++
		if c.qhead == len(c.queue) {
			if cap(c.queue) > 1<<16 {
				c.queue = nil // a burst is over: do not keep its memory
			}
			c.queue, c.qhead = c.queue[:0], 0
		}
		if c.readerHeld.Load() {
			c.qspace.Signal() // room for the reader
		}
		c.qmu.Unlock()
		select {
		case c.events <- r:
		case <-c.closing:
			// After Close nobody has to listen: deliver only what fits.
			select {
			case c.events <- r:
			default:
			}
		}
	}
}

func (c *Conn) stderrLoop() {
	defer c.wg.Done()
	defer close(c.stderrDone)
	br := bufio.NewReader(c.stderr)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			c.stderrTail.Write(line)
			c.logLine("!!", bytes.TrimRight(line, "\n"))
		}
		if err != nil {
			c.stderr.Close()
			return
		}
	}
}

func (c *Conn) waitLoop() {
	defer c.wg.Done()
	err := c.cmd.Wait()
	e := &ExitedError{Code: -1}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			e.Signal = ws.Signal().String()
			e.SigNum = int(ws.Signal())
		} else {
			e.Code = ee.ExitCode()
		}
	} else if err == nil {
		e.Code = 0
	}
	// stderr ends with the process unless a child holds it; give it a moment.
	select {
	case <-c.stderrDone:
	case <-time.After(50 * time.Millisecond):
	}
	e.Stderr = c.stderrTail.String()
	c.exitErr = e
	// Whatever gdb left in its process group (a `shell` command, say) goes with it. The group id
	// cannot be reused while any member lives, so this reaches nothing else.
	syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	reapAdopted(c.cmd.Process.Pid)
	close(c.procDone)
	c.stdin.Close()
	// A detached child of the program could keep the output pipe open: do not wait on it.
	select {
	case <-c.dead:
	case <-time.After(time.Second):
		c.stdout.Close()
		c.stderr.Close()
	}
}

// tail keeps the last 4 KiB written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) {
	t.mu.Lock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-4096:]...)
	}
	t.mu.Unlock()
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// reapAdopted waits for the members of process group pgid that were re-parented to this process
// (a subreaper, when gdb runs under a prefix such as a keeper that died first): nobody else would
// reap them, and each would stay a zombie. They were just sent SIGKILL; it gives up after 1 s.
func reapAdopted(pgid int) {
	deadline := time.Now().Add(time.Second)
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-pgid, &ws, syscall.WNOHANG, nil)
		switch {
		case err == syscall.EINTR || pid > 0:
			continue
		case err != nil: // ECHILD: none of the group is ours
			return
		}
		if time.Now().After(deadline) {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
