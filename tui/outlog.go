package tui

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

// The output log keeps everything the program printed as plain lines, beside the emulator: the
// emulator holds a screen and a short scrollback with colours; the log holds the whole run, for
// scrolling back past the scrollback and for search (/). Bytes skipped in a flood are skipped
// only on screen, never here. Lines stay in memory up to logMem bytes; older ones spill to a
// temporary file (unlinked at once: nothing is left behind, even if sandbug is killed) and are
// read back on demand, in files of logSeg bytes up to logDisk. Beyond that, or logMaxLines,
// the oldest lines are dropped, and counted in the pane's title.
const (
	logMem      = 16 << 20
	logSeg      = 32 << 20
	logDisk     = 256 << 20
	logMaxLines = 2_000_000
	logLineMax  = 64 << 10 // a "line" with no newline is cut here
	logQueueMax = 64 << 20
)

// outputLog is the program's output as lines of text. The UI only queues bytes (write); a
// goroutine of the log's own splits, cleans and stores them, so the UI's cost per byte stays a
// copy whatever the program prints. A queue grown past logQueueMax (the program prints faster
// than the log keeps, over 50 MB/s here) drops what comes next, and counts it.
type outputLog struct {
	qmu    sync.Mutex // the queue: held for a copy, never while parsing
	idle   *sync.Cond // on qmu: signalled when the queue is empty and stored
	in     [][]byte   // writes waiting for the log's goroutine (kept, not copied)
	inLen  int        // their bytes
	busy   bool       // the goroutine is storing bytes taken from in
	lost   int64      // bytes dropped at a full queue
	wake   chan struct{}
	done   chan struct{}
	closed bool

	mu sync.Mutex // the lines

	mem      []byte // the newest lines, in memory, each ending in a newline
	memOffs  []int  // where each line of mem starts
	memMax   int
	segs     []*spillSeg // older lines on disk, oldest first
	segMax   int64       // bytes per spill file
	diskMax  int64       // bytes on disk; past it the oldest file is dropped
	maxLines int
	dropped  int    // lines dropped from the start
	partial  []byte // the unfinished last line, raw
	spillErr error  // spilling failed: older lines are dropped instead, and counted
}

// spillSeg is one spill file: lines ending in newlines, and where each starts. A file holds
// about logSeg bytes, so an offset fits 32 bits: with two million lines on disk their offsets
// are 8 MB, not 16 (and 30 MB with append's spare room: most of a 1 GB flood's heap).
type spillSeg struct {
	f    *os.File
	end  int64
	offs []uint32
}

func newOutputLog() *outputLog {
	l := &outputLog{memMax: logMem, segMax: logSeg, diskMax: logDisk, maxLines: logMaxLines,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	l.idle = sync.NewCond(&l.qmu)
	go l.run()
	return l
}

// write queues the program's bytes as they came; it never parses nor copies: b must not be
// changed afterwards (the launcher hands every output event its own slice).
func (l *outputLog) write(b []byte) {
	l.qmu.Lock()
	defer l.qmu.Unlock()
	if l.closed || len(b) == 0 {
		return
	}
	if l.inLen+len(b) > logQueueMax {
		l.lost += int64(len(b))
		return
	}
	l.in = append(l.in, b)
	l.inLen += len(b)
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run stores queued writes, one at a time, so readers never wait long.
func (l *outputLog) run() {
	defer close(l.done)
	for range l.wake {
		for {
			l.qmu.Lock()
			if len(l.in) == 0 || l.closed {
				l.in, l.inLen, l.busy = nil, 0, false
				l.idle.Broadcast()
				l.qmu.Unlock()
				break
			}
			b := l.in[0]
			l.in[0] = nil
			l.in = l.in[1:]
			l.inLen -= len(b)
			l.busy = true
			l.qmu.Unlock()
			for len(b) > 0 {
				n := min(len(b), 256<<10)
				l.mu.Lock()
				l.ingest(b[:n])
				l.mu.Unlock()
				b = b[n:]
			}
		}
	}
}

// flush waits until every byte written so far is stored (a search sees all of it).
func (l *outputLog) flush() {
	l.qmu.Lock()
	defer l.qmu.Unlock()
	for (len(l.in) > 0 || l.busy) && !l.closed {
		l.idle.Wait()
	}
}

// ingest splits raw bytes into lines; l.mu is held.
func (l *outputLog) ingest(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.partial = append(l.partial, b...)
			if len(l.partial) > logLineMax {
				l.add(l.partial)
				l.partial = l.partial[:0]
			}
			return
		}
		if len(l.partial) > 0 {
			l.partial = append(l.partial, b[:i]...)
			l.add(l.partial)
			l.partial = l.partial[:0]
		} else {
			l.add(b[:i])
		}
		b = b[i+1:]
	}
}

// appendPlain appends what a reader sees of a raw line: escape sequences removed, a carriage
// return overwriting from the line's start (progress counters keep their last state), other
// control characters dropped, tabs kept. Plain lines, the common case, cost one scan and a copy.
func appendPlain(dst, raw []byte) []byte {
	raw = bytes.TrimSuffix(raw, []byte{'\r'})
	if i := bytes.LastIndexByte(raw, '\r'); i >= 0 {
		raw = raw[i+1:]
	}
	plain := true
	for _, c := range raw {
		if (c < 0x20 && c != '\t') || c == 0x7f || c == 0xc2 { // 0xc2 starts the C1 controls
			plain = false
			break
		}
	}
	if plain {
		return append(dst, raw...)
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == 0x1b && i+1 < len(raw):
			i = skipEscape(raw, i+1)
		case c == 0xc2 && i+1 < len(raw) && raw[i+1] >= 0x80 && raw[i+1] < 0xa0:
			i++ // a C1 control
		case (c < 0x20 && c != '\t') || c == 0x7f:
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// plainLine is appendPlain as a string.
func plainLine(raw []byte) string { return string(appendPlain(nil, raw)) }

// skipEscape returns the index of the last byte of the escape sequence whose introducer (the
// byte after ESC) is at i: CSI up to its final byte, OSC/DCS/APC/PM/SOS up to BEL or ST, an
// nF sequence's intermediates and final, or one byte.
func skipEscape(b []byte, i int) int {
	switch b[i] {
	case '[':
		for j := i + 1; j < len(b); j++ {
			if b[j] >= 0x40 && b[j] <= 0x7e {
				return j
			}
		}
		return len(b) - 1
	case ']', 'P', 'X', '^', '_':
		for j := i + 1; j < len(b); j++ {
			if b[j] == 0x07 {
				return j
			}
			if b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\' {
				return j + 1
			}
		}
		return len(b) - 1
	}
	j := i
	for j < len(b)-1 && b[j] >= 0x20 && b[j] <= 0x2f {
		j++
	}
	return j
}

func (l *outputLog) add(raw []byte) {
	l.memOffs = append(l.memOffs, len(l.mem))
	l.mem = appendPlain(l.mem, raw)
	l.mem = append(l.mem, '\n')
	if len(l.mem)+8*len(l.memOffs) > l.memMax {
		l.spillHalf()
	}
	if n := l.spilled() + len(l.memOffs); n > l.maxLines {
		l.dropFirst(n - l.maxLines)
	}
}

// spilled is the number of lines on disk.
func (l *outputLog) spilled() int {
	n := 0
	for _, g := range l.segs {
		n += len(g.offs)
	}
	return n
}

// spillHalf moves the older half of the memory lines to the newest spill file (a new one when
// it is full; the oldest goes when the disk budget is spent).
func (l *outputLog) spillHalf() {
	n := len(l.memOffs) / 2
	if n == 0 {
		return
	}
	cut := l.memOffs[n]
	old, oldOffs := l.mem[:cut], l.memOffs[:n]
	defer func() {
		l.mem = append(l.mem[:0], l.mem[cut:]...)
		l.memOffs = append(l.memOffs[:0], l.memOffs[n:]...)
		for i := range l.memOffs {
			l.memOffs[i] -= cut
		}
	}()
	if l.spillErr != nil {
		l.dropped += n
		return
	}
	var g *spillSeg
	if k := len(l.segs); k > 0 && l.segs[k-1].end < l.segMax {
		g = l.segs[k-1]
	} else {
		f, err := os.CreateTemp("", "sandbug-output-*")
		if err != nil {
			l.spillErr = err
			l.dropped += n
			return
		}
		os.Remove(f.Name()) // the open file is all it needs: nothing is left behind
		if k := len(l.segs); k > 0 {
			// The full file's offsets without append's spare room.
			l.segs[k-1].offs = slices.Clone(l.segs[k-1].offs)
		}
		g = &spillSeg{f: f}
		l.segs = append(l.segs, g)
	}
	if _, err := g.f.WriteAt(old, g.end); err != nil {
		l.spillErr = err
		l.dropped += n
		return
	}
	for _, o := range oldOffs {
		g.offs = append(g.offs, uint32(g.end+int64(o)))
	}
	g.end += int64(len(old))
	var disk int64
	for _, g := range l.segs {
		disk += g.end
	}
	for len(l.segs) > 1 && disk > l.diskMax {
		disk -= l.segs[0].end
		l.dropped += len(l.segs[0].offs)
		l.segs[0].f.Close()
		l.segs = l.segs[1:]
	}
}

// dropFirst forgets the n oldest lines.
func (l *outputLog) dropFirst(n int) {
	for n > 0 && len(l.segs) > 0 {
		g := l.segs[0]
		k := min(n, len(g.offs))
		g.offs = g.offs[k:]
		l.dropped += k
		n -= k
		if len(g.offs) == 0 {
			g.f.Close()
			l.segs = l.segs[1:]
		}
	}
	if n > 0 {
		cut := len(l.mem)
		if n < len(l.memOffs) {
			cut = l.memOffs[n]
		}
		l.mem = append(l.mem[:0], l.mem[cut:]...)
		l.memOffs = append(l.memOffs[:0], l.memOffs[n:]...)
		for i := range l.memOffs {
			l.memOffs[i] -= cut
		}
		l.dropped += n
	}
}

// len is the number of lines kept, the unfinished last one included.
func (l *outputLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count()
}

// droppedLines is how many of the oldest lines are gone; lostBytes how many bytes a full queue
// dropped.
func (l *outputLog) droppedLines() (int, int64) {
	l.qmu.Lock()
	lost := l.lost
	l.qmu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropped, lost
}

func (l *outputLog) count() int {
	n := l.spilled() + len(l.memOffs)
	if len(l.partial) > 0 {
		n++
	}
	return n
}

// line returns line i (0: the oldest kept).
func (l *outputLog) line(i int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lineAt(i)
}

func (l *outputLog) lineAt(i int) string {
	if i < 0 {
		return ""
	}
	for _, g := range l.segs {
		if i >= len(g.offs) {
			i -= len(g.offs)
			continue
		}
		end := g.end
		if i+1 < len(g.offs) {
			end = int64(g.offs[i+1])
		}
		buf := make([]byte, end-int64(g.offs[i]))
		if _, err := g.f.ReadAt(buf, int64(g.offs[i])); err != nil {
			return fmt.Sprintf("[line lost: %v]", err)
		}
		return strings.TrimSuffix(string(buf), "\n")
	}
	switch {
	case i < len(l.memOffs):
		end := len(l.mem)
		if i+1 < len(l.memOffs) {
			end = l.memOffs[i+1]
		}
		return string(l.mem[l.memOffs[i] : end-1])
	case i == len(l.memOffs) && len(l.partial) > 0:
		return plainLine(l.partial)
	}
	return ""
}

// find returns the nearest line before from (backward) or after it containing q, ignoring
// case when q is all lower case (as less and vim's smartcase), or -1.
func (l *outputLog) find(q string, from int, backward bool) int {
	if q == "" {
		return -1
	}
	l.flush()
	l.mu.Lock()
	defer l.mu.Unlock()
	fold := strings.ToLower(q) == q
	match := func(s string) bool {
		if fold {
			s = strings.ToLower(s)
		}
		return strings.Contains(s, q)
	}
	n := l.count()
	if backward {
		for i := min(from-1, n-1); i >= 0; i-- {
			if match(l.lineAt(i)) {
				return i
			}
		}
		return -1
	}
	for i := max(from+1, 0); i < n; i++ {
		if match(l.lineAt(i)) {
			return i
		}
	}
	return -1
}

// close releases the spill file.
func (l *outputLog) close() {
	l.qmu.Lock()
	if l.closed {
		l.qmu.Unlock()
		return
	}
	l.closed = true
	close(l.wake)
	l.idle.Broadcast()
	l.qmu.Unlock()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, g := range l.segs {
		g.f.Close()
	}
	l.segs = nil
}
