package tui

import (
	"fmt"
	"strings"

	"github.com/sandbug/sandbug/launcher"
)

// memBytes is how much memory the Memory view reads at each stop.
const memBytes = 256

// memPane shows the program's memory at an expression the user typed, as hex and ASCII: 16
// bytes a row where the pane is wide enough (70 cells), 8 otherwise. A byte that changed since
// the last stop has a * before it instead of a space.
type memPane struct {
	expr    string
	mem     launcher.Memory
	last    map[uint64]byte // the bytes the last stop read, by address
	before  map[uint64]byte // those the stop before it read: the marks compare with them
	changed map[uint64]bool
	note    string
	gen     int
	top, h  int
}

// set takes a read made in generation gen; stop says it was made for a new stop. The marks
// compare the bytes with those the previous stop read at the same addresses: a read for
// another frame (the same memory, or another address of the same expression) keeps them.
func (p *memPane) set(expr string, m launcher.Memory, err error, gen int, stop bool) {
	if expr != p.expr {
		return
	}
	p.gen = gen
	if err != nil {
		p.mem, p.changed, p.note = launcher.Memory{}, nil, err.Error()
		return
	}
	p.mem, p.note, p.changed = m, "", map[uint64]bool{}
	now := make(map[uint64]byte, len(m.Bytes))
	for i, b := range m.Bytes {
		now[m.Addr+uint64(i)] = b
	}
	switch {
	case stop:
		p.before, p.last = p.last, now
	case p.last == nil:
		p.last = now // the first read of an expression: what the next stop compares with
	}
	for a, b := range now {
		if old, ok := p.before[a]; ok && old != b {
			p.changed[a] = true
		}
	}
}

// setExpr starts showing another expression (no marks until the next stop).
func (p *memPane) setExpr(expr string) {
	*p = memPane{expr: expr}
}

func (p *memPane) scroll(d int) { p.top = max(p.top+d, 0) }

// perRow is how many bytes a row of w cells shows.
func memPerRow(w int) int {
	if w >= 4+16*3+2+16 {
		return 16
	}
	return 8
}

func (p *memPane) view(st *Styles, w, h int) []string {
	p.h = h
	if p.expr == "" {
		return noteLines(st, "No address yet. Press a and type an address or a pointer (arr, &x, p, 0x4010): its bytes show here in hex and ASCII.", w)
	}
	if p.note != "" || len(p.mem.Bytes) == 0 {
		note := p.note
		if note == "" {
			note = "Reading " + p.expr + "…"
		} else {
			note = p.expr + ": " + note
		}
		return noteLines(st, note, w)
	}
	n := memPerRow(w)
	out := []string{fit(st.Name.Render(clean(p.expr))+st.Dim.Render(fmt.Sprintf(" at %#x, %d bytes", p.mem.Addr, len(p.mem.Bytes))), w)}
	rows := (len(p.mem.Bytes) + n - 1) / n
	p.top = min(p.top, max(rows-(h-1), 0))
	for r := p.top; r < rows && len(out) < h; r++ {
		var hex, ascii strings.Builder
		for i := r * n; i < min((r+1)*n, len(p.mem.Bytes)); i++ {
			b := p.mem.Bytes[i]
			cell := fmt.Sprintf("%02x", b)
			if p.changed[p.mem.Addr+uint64(i)] {
				hex.WriteString("*" + st.Changed.Render(cell))
			} else {
				hex.WriteString(" " + cell)
			}
			if b >= 0x20 && b < 0x7f {
				ascii.WriteByte(b)
			} else {
				ascii.WriteByte('.')
			}
		}
		pad := strings.Repeat("   ", n-min(n, len(p.mem.Bytes)-r*n))
		out = append(out, fit(st.Dim.Render(fmt.Sprintf("+%03x", r*n))+hex.String()+pad+"  "+clean(ascii.String()), w))
	}
	return out
}
