package gdbmi

// The reading baton: whoever holds it reads gdb's stdout (c.br, c.long, c.prompted) and
// processes every line in order (lineDone). The reader goroutine holds it while no Exec does;
// one Exec at a time may take it to read its own result itself.
//
// Why: with the reader alone, the result of a command reaches its caller in two wake-ups on the
// critical path (the reader's from the pipe, then the caller's from its bell). The raw-pipe
// client has one. An Exec that holds the baton wakes straight from the pipe. To get it, the Exec
// first writes its command, and only then evicts the reader from its read (a read deadline in
// the past): the eviction overlaps gdb's own work on the command, so it costs no latency.
//
// -exec-* commands never ask for the baton (exec in conn.go): what their caller waits for is
// the *stopped that the reader delivers afterwards.
//
// Rules, all under Conn.bmu:
//   - batonFree: nobody reads. The reader takes it when it next looks (see below), unless an
//     Exec takes it first.
//   - batonReader: the reader reads. An Exec that wants it sets bwant and a read deadline in
//     the past; the reader hands it over (handOver) after the line it is processing, or when
//     its read fails with the deadline.
//   - batonExec: the Exec with token bowner reads until its result is routed, its ctx ends or
//     the grace after gdb's death is over (both interrupt its read with a deadline), or the read
//     fails (rerr: the reader then takes the baton back to end the connection). It then hands
//     the baton to the Exec in bwant, if any, or frees it.
//   - Only an eviction (batonReader) or the holding Exec's interruption (batonExec) set a read
//     deadline, and whoever gives the baton up clears it: the next holder reads without one.
//
// While it does not hold the baton the reader looks at it every readerPoll, and when rung
// (rbell). An Exec that frees the baton rings it only when output is expected soon (its result
// was ^running, another call waits, the output failed, Close began) or the reader stopped
// polling (rdeep: it found the same Exec holding the baton readerPatience times in a row, a
// long command); otherwise the reader takes the baton back within readerPoll. Ringing it each time cost a wake-up of the reader
// per command, right after the next command was written: the kernel puts gdb, woken by the
// write, on the writer's CPU, where the reader's wake-up then delayed it (median overhead of
// BenchmarkRoundTripPaired ~11% with a ring per command, ~6% without). So output that comes
// after a command's result, with no ^running and no other call waiting, may reach Events up to
// readerPoll later than it would otherwise; the next Exec reads it at once.

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"time"
)

const (
	batonFree = iota
	batonReader
	batonExec
)

// readerPoll is how often the reader looks whether an Exec freed the baton without ringing.
const readerPoll = time.Millisecond

// readerPatience is how many polls find the same Exec holding the baton before the reader
// stops polling and asks to be rung instead (rdeep).
const readerPatience = 8

// past is a read deadline that has passed: it makes a pending read of stdout return at once.
var past = time.Unix(1, 0)

// isDeadline reports whether a read failed because of a read deadline (an eviction or an
// interruption), which is not the end of gdb's output.
func isDeadline(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// nextLine returns the next whole line of gdb's output (of any length, with its end of line),
// for the holder of the baton. A read deadline returns (nil, the error) and keeps the part of a
// line already read for the next holder. Any other error comes with what was left (possibly a
// last line without a newline), to be processed before the error.
func (c *Conn) nextLine() ([]byte, error) {
	for {
		line, err := c.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			c.long = append(c.long, line...)
			continue
		}
		if err != nil && isDeadline(err) {
			c.long = append(c.long, line...)
			return nil, err
		}
		if len(c.long) > 0 {
			c.long = append(c.long, line...)
			line = c.long
		}
		return line, err
	}
}

// lineDone processes a line from nextLine (logs it, routes its record) and reports whether it
// was the result self (the holder's own call; nil for the reader) waits for. It resets c.long.
func (c *Conn) lineDone(line []byte, self *call) bool {
	mine := false
	line = bytes.TrimRight(line, "\r\n")
	if len(line) > 0 {
		c.logLine("<-", line)
		if isPrompt(line) { // one per command: not worth a Record
			if !c.prompted {
				c.prompted = true
				close(c.firstPrompt)
			}
		} else if r, perr := Parse(line); perr != nil {
			c.route(&Record{Kind: RawLine, Stream: bytes.Clone(line)}, nil)
		} else {
			mine = c.route(r, self)
		}
	}
	if cap(c.long) > 1<<20 {
		c.long = nil
	} else {
		c.long = c.long[:0]
	}
	return mine
}

// clearDeadlineLocked removes a read deadline left by an eviction or interruption. c.bmu held.
func (c *Conn) clearDeadlineLocked() {
	if c.bdeadline {
		c.stdout.SetReadDeadline(time.Time{})
		c.bdeadline = false
	}
}

// setDeadlineLocked makes the holder's pending or next read return. c.bmu held.
func (c *Conn) setDeadlineLocked() {
	if !c.bdeadline {
		c.stdout.SetReadDeadline(past)
		c.bdeadline = true
	}
}

// takeBaton is the reader's wait for the baton. It returns false when the connection's output
// has failed or ended (rerr), or the reader's bell broke: then the reader ends.
func (c *Conn) takeBaton() bool {
	var owner int64 // the holder at the last poll
	same := 0       // how many polls in a row found it
	for {
		c.bmu.Lock()
		c.rdeep = false
		if c.rerr != nil {
			c.bmu.Unlock()
			return false
		}
		if c.bstate == batonFree {
			c.bstate = batonReader
			c.bmu.Unlock()
			return true
		}
		if c.bowner == owner {
			same++
		} else {
			owner, same = c.bowner, 0
		}
		c.rdeep = same >= readerPatience
		deep := c.rdeep
		c.bmu.Unlock()
		if c.rpoll {
			d := time.Now().Add(readerPoll)
			if deep {
				d = time.Time{}
			}
			c.rbell.bell.SetReadDeadline(d)
		}
		if err := c.rbell.wait(); err != nil && !isDeadline(err) {
			return false
		}
	}
}

// handOver is the reader's answer to an eviction: it gives the baton to the Exec that wants
// it and reports true, or (the Exec gave up meanwhile) clears the deadline and reports false.
func (c *Conn) handOver() bool {
	c.bmu.Lock()
	defer c.bmu.Unlock()
	c.clearDeadlineLocked()
	if c.bwant == 0 {
		c.evict.Store(false)
		return false
	}
	c.giveLocked()
	return true
}

// giveLocked hands the baton to the Exec in bwant and wakes it. c.bmu held, bwant != 0.
func (c *Conn) giveLocked() {
	c.bstate, c.bowner = batonExec, c.bwant
	w := c.bwantCall
	c.bwant, c.bwantCall = 0, nil
	c.evict.Store(false)
	w.ring()
}

// wantBaton is called by Exec once its command is written. It takes a free baton at once and
// reports true. Otherwise, when no other Exec wants it already, it asks for it: from the reader
// by evicting it from its read, from a holding Exec when that one is done. A call that wants
// it is woken through its bell when it gets it; the others wait for their results as before.
func (c *Conn) wantBaton(tok int64, w *call) bool {
	c.bmu.Lock()
	defer c.bmu.Unlock()
	if c.rerr != nil {
		return false
	}
	switch c.bstate {
	case batonFree:
		c.bstate, c.bowner = batonExec, tok
		return true
	case batonReader:
		if c.bwant == 0 {
			c.bwant, c.bwantCall = tok, w
			c.evict.Store(true)
			c.setDeadlineLocked()
		}
	case batonExec:
		if c.bwant == 0 {
			c.bwant, c.bwantCall = tok, w
		}
	}
	return false
}

// holds reports whether the Exec with token tok holds the baton.
func (c *Conn) holds(tok int64) bool {
	c.bmu.Lock()
	defer c.bmu.Unlock()
	return c.bstate == batonExec && c.bowner == tok
}

// interrupt makes the Exec with token tok stop reading, if it holds the baton (its ctx ended,
// or gdb's grace period is over). Its read fails with the deadline and it looks again at why.
func (c *Conn) interrupt(tok int64) {
	c.bmu.Lock()
	if c.bstate == batonExec && c.bowner == tok {
		c.setDeadlineLocked()
	}
	c.bmu.Unlock()
}

// interruptHolder interrupts the read of the Exec that holds the baton, if any: gdb's process
// ended, and the Exec must start its grace period (its output may be held open by a child).
func (c *Conn) interruptHolder() {
	c.bmu.Lock()
	if c.bstate == batonExec {
		c.setDeadlineLocked()
	}
	c.bmu.Unlock()
}

// dropBaton is how an Exec leaves: it no longer wants the baton, and gives it up if it holds it.
// w is its call, with its result if any.
func (c *Conn) dropBaton(tok int64, w *call) {
	c.mu.Lock()
	running := w.r != nil && w.r.Class == "running"
	c.mu.Unlock()
	c.bmu.Lock()
	defer c.bmu.Unlock()
	if c.bwant == tok {
		c.bwant, c.bwantCall = 0, nil
		c.evict.Store(false)
	}
	if c.bstate == batonExec && c.bowner == tok {
		c.releaseLocked(running)
	}
}

// releaseLocked gives up an Exec's baton: to the Exec that wants it, or back to the reader
// (always when the output failed: the reader ends the connection). The reader is rung when
// output is expected soon (urgent: the result was ^running), and whenever it does not poll
// (rpoll, rdeep). c.bmu held.
func (c *Conn) releaseLocked(urgent bool) {
	c.clearDeadlineLocked()
	if c.bwant != 0 && c.rerr == nil {
		c.giveLocked()
		return
	}
	c.bstate, c.bowner = batonFree, 0
	if urgent || !c.rpoll || c.rdeep || c.rerr != nil || c.waiting.Load() > 0 || c.isClosing() {
		c.rbell.ring()
	}
}

// readOwn is the reading of an Exec that holds the baton: it reads and processes lines exactly
// as the reader does until the result of w has been routed (nil), or a read fails. After an
// error other than a deadline, the output is over: the baton goes back to the reader, which
// ends the connection, and readOwn returns nil (the caller then waits as any other).
func (c *Conn) readOwn(tok int64, w *call) error {
	for {
		line, err := c.nextLine()
		if err != nil && isDeadline(err) {
			return err
		}
		mine := c.lineDone(line, w)
		if err != nil {
			c.bmu.Lock()
			c.rerr = err
			if c.bstate == batonExec && c.bowner == tok {
				c.releaseLocked(true)
			}
			c.bmu.Unlock()
			return nil
		}
		if mine {
			return nil
		}
	}
}
