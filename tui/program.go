package tui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
)

// The Program pane feeds the program's bytes to a terminal emulator. The emulator parses a few
// MB/s at best (every scrolled line moves the whole screen), so a program printing flat out
// would starve the UI. Bytes are therefore queued and fed with a time budget per frame; when
// more than floodKeep bytes wait, the oldest are skipped (the screen would scroll them away
// unseen anyway) and a note says how much. Nothing is skipped while the pane keeps up.
const (
	floodKeep   = 32 << 10  // bytes kept when the queue overflows (a few screens)
	floodLimit  = 128 << 10 // queue size that triggers skipping: more than ~3 frames can parse
	feedBudget  = 4 * time.Millisecond
	feedChunk   = 4 << 10
	scrollbackN = 2000
	// historyMax bounds the bytes kept to redraw the pane after a resize (historyKeep after a
	// trim): enough for the scrollback of ordinary output, and replayed in well under a frame
	// budget of a resize (a few MB/s).
	historyMax  = 256 << 10
	historyKeep = 192 << 10
)

const skipMarker = "\x1b[0m\r\n\x1b[2m[... output skipped: the program prints faster than the screen ...]\x1b[0m\r\n"

// termPane is the program's own terminal.
type termPane struct {
	emu     *vt.Emulator
	replies *replyPump
	sink    func([]byte)
	// history is the tail of what the emulator was given, kept to rebuild the screen and the
	// scrollback at a new size: the emulator's own Resize cuts lines (shrinking drops the
	// newest rows), so a resize replays the history into a new emulator instead.
	history []byte
	w, h    int
	pending []byte
	skipped int64  // bytes skipped in floods, shown in the title
	total   int64  // bytes received
	offset  int    // scrollback lines above the live screen (0 = live)
	carry   []byte // an incomplete UTF-8 sequence at the end of the last write
	// log keeps every line, beyond the scrollback and through floods; hist >= 0 shows it from
	// that line on (history mode: scrolled past the scrollback, Home, or a search).
	log    *outputLog
	hist   int
	match  int    // the log line of the last search match (-1: none)
	search string // the last search
}

// newTermPane makes an emulator of w x h cells; send receives the emulator's replies to
// terminal queries (cursor position reports and the like) and the keys typed into the pane.
func newTermPane(w, h int, send func([]byte)) *termPane {
	w, h = max(w, 1), max(h, 1)
	e := vt.NewEmulator(w, h)
	e.SetScrollbackSize(scrollbackN)
	p := &termPane{emu: e, w: w, h: h, sink: send, log: newOutputLog(), hist: -1, match: -1}
	p.replies = startReplyPump(e, send)
	return p
}

// remember appends b to the history, trimmed at a line start when it grows past historyMax.
func (p *termPane) remember(b []byte) {
	p.history = append(p.history, b...)
	if len(p.history) <= historyMax {
		return
	}
	cut := len(p.history) - historyKeep
	if i := strings.IndexByte(string(p.history[cut:min(cut+4096, len(p.history))]), '\n'); i >= 0 {
		cut += i + 1
	}
	p.history = append(p.history[:0:0], p.history[cut:]...)
}

// emuWrite gives b to the emulator and keeps it in the history.
func (p *termPane) emuWrite(b []byte) {
	p.emu.Write(b)
	p.remember(b)
}

// close stops the reply goroutines. It closes the emulator's input pipe itself rather than
// calling Emulator.Close, whose unguarded flag the reading goroutine would race on.
func (p *termPane) close() {
	if pw, ok := p.emu.InputPipe().(*io.PipeWriter); ok {
		pw.CloseWithError(io.EOF)
	}
	p.replies.stop()
	p.log.close()
}

// setSink points the replies and typed keys at another session (after a restart).
func (p *termPane) setSink(send func([]byte)) {
	p.sink = send
	p.replies.setSink(send)
}

// write queues program bytes; it never parses (cheap, called for every output event).
func (p *termPane) write(b []byte) {
	p.total += int64(len(b))
	p.log.write(b)
	p.pending, p.carry = appendValidUTF8(p.pending, p.carry, b)
	if len(p.pending) > floodLimit {
		cut := len(p.pending) - floodKeep
		// Resume at a line start so the kept tail does not begin mid escape sequence.
		if i := strings.IndexByte(string(p.pending[cut:min(cut+4096, len(p.pending))]), '\n'); i >= 0 {
			cut += i + 1
		}
		p.skipped += int64(cut)
		p.pending = append(p.pending[:0:0], p.pending[cut:]...)
		p.emuWrite([]byte(skipMarker))
	}
}

// busy reports whether bytes still wait to be fed.
func (p *termPane) busy() bool { return len(p.pending) > 0 }

// feed parses queued bytes for at most budget (all of them when budget <= 0).
func (p *termPane) feed(budget time.Duration) {
	start := time.Now()
	for len(p.pending) > 0 {
		n := min(len(p.pending), feedChunk)
		p.emuWrite(p.pending[:n])
		p.pending = p.pending[n:]
		if budget > 0 && time.Since(start) > budget {
			break
		}
	}
	if len(p.pending) == 0 {
		p.pending = nil
	}
}

// resize follows the pane; the caller tells the program (Session.Resize).
func (p *termPane) resize(w, h int) bool {
	w, h = max(w, 1), max(h, 1)
	if w == p.w && h == p.h {
		return false
	}
	p.feed(0)
	p.w, p.h = w, h
	p.rebuild()
	return true
}

// rebuild replaces the emulator by one of the pane's size fed the history: lines reflow to the
// new width and none is lost. The view keeps following the newest line unless it was scrolled
// back (then it stays as far back, within the new scrollback). Replies the new emulator makes
// to queries in the history are dropped: the program had its answers the first time.
func (p *termPane) rebuild() {
	old := p.emu
	if pw, ok := old.InputPipe().(*io.PipeWriter); ok {
		pw.CloseWithError(io.EOF)
	}
	p.replies.stop()
	e := vt.NewEmulator(p.w, p.h)
	e.SetScrollbackSize(scrollbackN)
	p.emu = e
	p.replies = startReplyPump(e, nil)
	e.Write(p.history)
	p.replies.setSink(p.sink)
	p.offset = min(p.offset, e.ScrollbackLen())
}

// key sends a key typed in the pane to the program, encoded as a terminal would (the emulator
// knows the program's cursor-key mode).
func (p *termPane) key(k uv.KeyPressEvent) { p.emu.SendKey(k) }

// paste sends pasted text.
func (p *termPane) paste(s string) { p.emu.Paste(s) }

// scroll moves into the scrollback (positive: back in time); past its top, into the log.
func (p *termPane) scroll(d int) {
	if p.hist >= 0 {
		p.hist -= d
		if p.hist > p.log.len()-p.h {
			p.live() // scrolled down past the newest line
			return
		}
		p.hist = max(p.hist, 0)
		return
	}
	if n := p.emu.ScrollbackLen(); d > 0 && p.offset >= n && p.log.len() > n+p.h {
		// The log goes on where the scrollback ends (about: a wrapped line is one log line).
		p.hist = max(p.log.len()-n-p.h-d, 0)
		return
	}
	p.offset += d
	if n := p.emu.ScrollbackLen(); p.offset > n {
		p.offset = n
	}
	if p.offset < 0 {
		p.offset = 0
	}
}

// live shows the live screen again (End).
func (p *termPane) live() { p.hist, p.offset = -1, 0 }

// home shows the oldest line of the log (Home).
func (p *termPane) home() { p.hist = 0 }

// find searches the log for q, backwards from the line shown at the top (or from the newest
// line), and shows the match; false when there is none.
func (p *termPane) find(q string) bool {
	from := p.log.len()
	if p.hist >= 0 {
		from = p.hist
		if p.match >= 0 && p.match < from+p.h && q == p.search {
			from = p.match
		}
	}
	p.search = q
	i := p.log.find(q, from, true)
	if i < 0 {
		return false
	}
	p.match = i
	p.hist = max(min(i-p.h/2, p.log.len()-p.h), 0)
	return true
}

func (p *termPane) title() string {
	t := "Program"
	if p.hist >= 0 {
		n := p.log.len()
		t += fmt.Sprintf(" (history %d-%d of %d)", p.hist+1, min(p.hist+p.h, n), n)
		if dropped, lost := p.log.droppedLines(); dropped > 0 || lost > 0 {
			t += fmt.Sprintf(" (%d older lines and %s dropped)", dropped, humanBytes(lost))
		}
		return t
	}
	if p.offset > 0 {
		t += fmt.Sprintf(" (scrolled back %d)", p.offset)
	}
	if p.skipped > 0 {
		t += fmt.Sprintf(" (%s skipped while printing fast)", humanBytes(p.skipped))
	}
	return t
}

// view renders the emulator's cells; cell text is cleaned and hyperlinks are dropped so that
// nothing the program wrote reaches the real terminal as a sequence.
func (p *termPane) view(w, h int) []string {
	out := make([]string, 0, h)
	if p.hist >= 0 {
		for row := 0; row < h; row++ {
			i := p.hist + row
			if i >= p.log.len() {
				out = append(out, "")
				continue
			}
			line := fit(clean(p.log.line(i)), w)
			if i == p.match {
				line = "\x1b[7m" + line + "\x1b[27m" // the match, visible without colour
			}
			out = append(out, line)
		}
		return out
	}
	sb := p.emu.Scrollback()
	sbn := sb.Len()
	// Rows: the last `offset` scrollback lines above the live screen, cut to h rows.
	first := sbn - p.offset // index into the combined scrollback+screen list
	for row := 0; row < h; row++ {
		i := first + row
		var line string
		if i < sbn {
			line = renderCells(sb.Line(i), w)
		} else if y := i - sbn; y < p.emu.Height() {
			cells := make(uv.Line, 0, p.emu.Width())
			for x := 0; x < p.emu.Width(); x++ {
				if c := p.emu.CellAt(x, y); c != nil {
					cells = append(cells, *c)
				} else {
					cells = append(cells, uv.EmptyCell)
				}
			}
			line = renderCells(cells, w)
		}
		out = append(out, line)
	}
	return out
}

// text returns the live screen as plain text (tests, e2e diagnostics).
func (p *termPane) text() string { return p.emu.String() }

func renderCells(cells uv.Line, w int) string {
	var b strings.Builder
	col := 0
	var run strings.Builder
	var runStyle uv.Style
	flush := func() {
		if run.Len() == 0 {
			return
		}
		b.WriteString(runStyle.Styled(run.String()))
		run.Reset()
	}
	for i := 0; i < len(cells) && col < w; i++ {
		c := cells[i]
		if c.Width == 0 && c.Content == "" {
			continue // the tail of a wide cell
		}
		content := c.Content
		cw := c.Width
		if content == "" {
			content, cw = " ", 1
		}
		if col+cw > w {
			break
		}
		content = clean(content)
		if !c.Style.Equal(&runStyle) {
			flush()
			runStyle = c.Style
		}
		run.WriteString(content)
		col += cw
	}
	flush()
	return b.String()
}

// appendValidUTF8 appends b to dst with every invalid UTF-8 byte replaced by U+FFFD (the
// emulator would drop them silently). An incomplete sequence at the end of b is held in carry
// until the next write completes or refutes it.
func appendValidUTF8(dst, carry, b []byte) ([]byte, []byte) {
	if len(carry) > 0 {
		b = append(carry, b...)
		carry = nil
	}
	if utf8.Valid(b) {
		return append(dst, b...), nil
	}
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			dst = append(dst, b[0])
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			if !utf8.FullRune(b) {
				return dst, append([]byte(nil), b...)
			}
			dst = append(dst, "\uFFFD"...)
			b = b[1:]
			continue
		}
		dst = append(dst, b[:n]...)
		b = b[n:]
	}
	return dst, carry
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// replyPump copies what the emulator writes to its input side (replies to queries, typed keys)
// to the program. The emulator's pipe blocks its writer until read, so this goroutine must
// always read; a second goroutine delivers, so a program that does not read its input cannot
// stall the emulator (and with it Update). Beyond 64 KB undelivered, input is dropped.
type replyPump struct {
	mu   sync.Mutex
	cond *sync.Cond
	buf  []byte
	sink func([]byte)
	done bool
	wg   sync.WaitGroup
	emu  *vt.Emulator
}

func startReplyPump(e *vt.Emulator, sink func([]byte)) *replyPump {
	r := &replyPump{sink: sink, emu: e}
	r.cond = sync.NewCond(&r.mu)
	r.wg.Add(2)
	go func() {
		defer r.wg.Done()
		b := make([]byte, 4096)
		for {
			n, err := e.Read(b)
			if n > 0 {
				r.mu.Lock()
				if len(r.buf)+n <= 64<<10 {
					r.buf = append(r.buf, b[:n]...)
				}
				r.cond.Signal()
				r.mu.Unlock()
			}
			if err != nil {
				r.mu.Lock()
				r.done = true
				r.cond.Signal()
				r.mu.Unlock()
				return
			}
		}
	}()
	go func() {
		defer r.wg.Done()
		for {
			r.mu.Lock()
			for len(r.buf) == 0 && !r.done {
				r.cond.Wait()
			}
			if r.done {
				r.mu.Unlock()
				return
			}
			data := r.buf
			r.buf = nil
			sink := r.sink
			r.mu.Unlock()
			if sink != nil {
				sink(data)
			}
		}
	}()
	return r
}

func (r *replyPump) setSink(f func([]byte)) {
	r.mu.Lock()
	r.sink = f
	r.mu.Unlock()
}

// stop waits for both goroutines; the emulator must be closed first.
func (r *replyPump) stop() {
	r.mu.Lock()
	r.done = true
	r.cond.Signal()
	r.mu.Unlock()
	r.wg.Wait()
}
