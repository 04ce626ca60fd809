package tui

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
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
)

// outputLog is the program's output as lines of text.
type outputLog struct {
	mem      []string // the newest lines, in memory
	memBytes int
	memMax   int
	segs     []*spillSeg // older lines on disk, oldest first
	segMax   int64       // bytes per spill file
	diskMax  int64       // bytes on disk; past it the oldest file is dropped
	maxLines int
	dropped  int    // lines dropped from the start
	partial  []byte // the unfinished last line, raw
	spillErr error  // spilling failed: older lines are dropped instead, and counted
}

// spillSeg is one spill file: lines ending in newlines, and where each starts.
type spillSeg struct {
	f    *os.File
	end  int64
	offs []int64
}

func newOutputLog() *outputLog {
	return &outputLog{memMax: logMem, segMax: logSeg, diskMax: logDisk, maxLines: logMaxLines}
}

// write takes the program's bytes as they came.
func (l *outputLog) write(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.partial = append(l.partial, b...)
			if len(l.partial) > logLineMax {
				l.add(plainLine(l.partial))
				l.partial = l.partial[:0]
			}
			return
		}
		l.partial = append(l.partial, b[:i]...)
		l.add(plainLine(l.partial))
		l.partial = l.partial[:0]
		b = b[i+1:]
	}
}

// mark adds a line of sandbug's own (a run separator).
func (l *outputLog) mark(s string) {
	if len(l.partial) > 0 {
		l.add(plainLine(l.partial))
		l.partial = l.partial[:0]
	}
	l.add(s)
}

// plainLine is what a reader sees of a raw line: escape sequences removed, a carriage return
// overwriting from the line's start (progress counters keep their last state), other control
// characters dropped, tabs kept. Plain lines, the common case, cost one scan and one copy.
func plainLine(raw []byte) string {
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
		return string(raw)
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == 0x1b && i+1 < len(raw):
			i = skipEscape(raw, i+1)
		case c == 0xc2 && i+1 < len(raw) && raw[i+1] >= 0x80 && raw[i+1] < 0xa0:
			i++ // a C1 control
		case (c < 0x20 && c != '\t') || c == 0x7f:
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

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

func (l *outputLog) add(s string) {
	l.mem = append(l.mem, s)
	l.memBytes += len(s) + 16
	if l.memBytes > l.memMax {
		l.spillHalf()
	}
	if n := l.spilled() + len(l.mem); n > l.maxLines {
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
	n := len(l.mem) / 2
	if n == 0 {
		return
	}
	old := l.mem[:n]
	for _, s := range old {
		l.memBytes -= len(s) + 16
	}
	l.mem = append(l.mem[:0:0], l.mem[n:]...)
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
		g = &spillSeg{f: f}
		l.segs = append(l.segs, g)
	}
	w := bufio.NewWriterSize(io.NewOffsetWriter(g.f, g.end), 256<<10)
	for _, s := range old {
		g.offs = append(g.offs, g.end)
		w.WriteString(s)
		w.WriteByte('\n')
		g.end += int64(len(s)) + 1
	}
	if err := w.Flush(); err != nil {
		l.spillErr = err
	}
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
		for _, s := range l.mem[:n] {
			l.memBytes -= len(s) + 16
		}
		l.mem = l.mem[n:]
		l.dropped += n
	}
}

// len is the number of lines kept, the unfinished last one included.
func (l *outputLog) len() int {
	n := l.spilled() + len(l.mem)
	if len(l.partial) > 0 {
		n++
	}
	return n
}

// line returns line i (0: the oldest kept).
func (l *outputLog) line(i int) string {
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
			end = g.offs[i+1]
		}
		buf := make([]byte, end-g.offs[i])
		if _, err := g.f.ReadAt(buf, g.offs[i]); err != nil {
			return fmt.Sprintf("[line lost: %v]", err)
		}
		return strings.TrimSuffix(string(buf), "\n")
	}
	switch {
	case i < len(l.mem):
		return l.mem[i]
	case i == len(l.mem) && len(l.partial) > 0:
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
	fold := strings.ToLower(q) == q
	match := func(s string) bool {
		if fold {
			s = strings.ToLower(s)
		}
		return strings.Contains(s, q)
	}
	n := l.len()
	if backward {
		for i := min(from-1, n-1); i >= 0; i-- {
			if match(l.line(i)) {
				return i
			}
		}
		return -1
	}
	for i := max(from+1, 0); i < n; i++ {
		if match(l.line(i)) {
			return i
		}
	}
	return -1
}

// close releases the spill file.
func (l *outputLog) close() {
	for _, g := range l.segs {
		g.f.Close()
	}
	l.segs = nil
}
