package tui

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sandbug/sandbug/launcher"
)

// Stack pages: the first one, with the frames' arguments, shows at once; deeper frames follow
// page by page without arguments (gdb unwinds a 30,000-frame recursion in seconds, and a step
// waits at most one page behind them).
const (
	stackFirstPage = 100
	stackPage      = 2000
	// foldMin consecutive frames of one function fold into one row (a deep recursion).
	foldMin = 4
)

// argState says whether a frame's arguments were read: deep pages come without them, and the
// frames a student scrolls to are asked for again with them.
type argState uint8

const (
	argsUnread argState = iota
	argsAsked
	argsRead
)

// stackRow is one row of the Stack pane: the frame frames[start], or with fold the header of
// the run frames[start:end] of one function (folded unless open).
type stackRow struct {
	start, end int
	fold       bool
	inFold     bool // a frame of an opened fold (indented)
}

// stackPane lists the call stack; the selected frame is the one Source and Locals show.
// Consecutive frames of one function fold into one row (`rec() ×29,998`) that Enter opens.
type stackPane struct {
	frames   []launcher.Frame
	more     bool         // deeper frames are still being read
	args     []argState   // per frame: were its arguments read
	open     map[int]bool // runs the user opened, by their first frame's level
	rows     []stackRow
	sel, top int
	h        int
	gen      int // the stop the frames belong to: later pages of an older stop are dropped
	note     string
}

// set shows the first page of a new stop's stack.
func (p *stackPane) set(frames []launcher.Frame, more bool) {
	p.frames = frames
	p.more = more
	p.args = make([]argState, len(frames))
	for i := range p.args {
		p.args[i] = argsRead
	}
	p.open = map[int]bool{}
	p.sel, p.top = 0, 0
	p.note = ""
	if len(frames) == 0 {
		p.note = "No stack: the program is not stopped."
	}
	p.rebuild()
}

// add appends a deeper page; the selection stays on its frame.
func (p *stackPane) add(frames []launcher.Frame, more bool) {
	cur, fold := p.selRow()
	p.frames = append(p.frames, frames...)
	p.args = append(p.args, make([]argState, len(frames))...)
	p.more = more
	p.rebuild()
	p.selectRow(cur, fold)
}

func (p *stackPane) clear(note string) {
	p.frames, p.rows = nil, nil
	p.more = false
	p.sel = 0
	p.note = note
	p.gen++
}

// rebuild groups the frames into rows.
func (p *stackPane) rebuild() {
	p.rows = p.rows[:0]
	for i := 0; i < len(p.frames); {
		j := i + 1
		for fn := p.frames[i].Func; fn != "" && j < len(p.frames) && p.frames[j].Func == fn; j++ {
		}
		if j-i < foldMin {
			for k := i; k < j; k++ {
				p.rows = append(p.rows, stackRow{start: k, end: k + 1})
			}
		} else {
			p.rows = append(p.rows, stackRow{start: i, end: j, fold: true})
			if p.open[p.frames[i].Level] {
				for k := i; k < j; k++ {
					p.rows = append(p.rows, stackRow{start: k, end: k + 1, inFold: true})
				}
			}
		}
		i = j
	}
	p.sel = min(max(p.sel, 0), max(len(p.rows)-1, 0))
}

// selRow returns the selected row's first frame and whether it is a fold's header.
func (p *stackPane) selRow() (int, bool) {
	if p.sel < 0 || p.sel >= len(p.rows) {
		return 0, false
	}
	return p.rows[p.sel].start, p.rows[p.sel].fold
}

// selectRow selects the row of frame index i (its fold's header when fold, or when the frame
// is the first of a folded run); a frame inside a closed run opens the run.
func (p *stackPane) selectRow(i int, fold bool) {
	for r, row := range p.rows {
		if row.start == i && row.fold == fold {
			p.sel = r
			return
		}
	}
	for r, row := range p.rows {
		if row.fold && i >= row.start && i < row.end {
			if i == row.start || fold {
				p.sel = r
				return
			}
			p.open[p.frames[row.start].Level] = true
			p.rebuild()
			p.selectRow(i, false)
			return
		}
	}
}

// selectLevel selects the frame of gdb's level n.
func (p *stackPane) selectLevel(n int) {
	for i, f := range p.frames {
		if f.Level == n {
			p.selectRow(i, false)
			return
		}
	}
}

// selected returns the selected frame (a fold's header: the run's innermost frame).
func (p *stackPane) selected() (launcher.Frame, bool) {
	if p.sel < 0 || p.sel >= len(p.rows) {
		return launcher.Frame{}, false
	}
	return p.frames[p.rows[p.sel].start], true
}

// move moves the selection by d rows; it reports whether the selected frame changed.
func (p *stackPane) move(d int) bool {
	before, _ := p.selRow()
	p.sel = min(max(p.sel+d, 0), max(len(p.rows)-1, 0))
	after, _ := p.selRow()
	return after != before
}

// stepFrame selects the frame d levels up (the caller's side) or down, opening a fold on the
// way, as u and d do; it reports whether the selected frame changed.
func (p *stackPane) stepFrame(d int) bool {
	f, ok := p.selected()
	if !ok {
		return false
	}
	cur, _ := p.selRow()
	next := min(max(cur+d, 0), len(p.frames)-1)
	if next == cur {
		return false
	}
	p.selectLevel(p.frames[next].Level)
	g, _ := p.selected()
	return g.Level != f.Level
}

// toggle opens or closes the selected fold; false when the row is a frame.
func (p *stackPane) toggle() bool {
	if p.sel < 0 || p.sel >= len(p.rows) || !p.rows[p.sel].fold {
		return false
	}
	lvl := p.frames[p.rows[p.sel].start].Level
	p.open[lvl] = !p.open[lvl]
	start := p.rows[p.sel].start
	p.rebuild()
	p.selectRow(start, true)
	return true
}

// unreadArgs returns the runs [from, to) of frames shown on screen whose arguments were not
// read, and marks them asked.
func (p *stackPane) unreadArgs() [][2]int {
	h := p.h
	if h <= 0 {
		h = 20 // not drawn yet: about a pane's height
	}
	p.top = scrollTo(p.top, p.sel, h, len(p.rows))
	var out [][2]int
	for r := p.top; r < len(p.rows) && r < p.top+h; r++ {
		row := p.rows[r]
		if row.fold || p.args[row.start] != argsUnread {
			continue
		}
		p.args[row.start] = argsAsked
		if n := len(out); n > 0 && out[n-1][1] == row.start {
			out[n-1][1]++
			continue
		}
		out = append(out, [2]int{row.start, row.start + 1})
	}
	return out
}

// setArgs fills in the arguments of frames read again with them.
func (p *stackPane) setArgs(frames []launcher.Frame) {
	for _, f := range frames {
		if i := f.Level; i >= 0 && i < len(p.frames) && p.frames[i].Level == i {
			p.frames[i].Args = f.Args
			p.args[i] = argsRead
		}
	}
}

// title is the pane's title with the frame count: "Stack (29,999)", "Stack (2,100+)" while
// deeper frames are being read.
func (p *stackPane) title() string {
	if len(p.frames) == 0 {
		return "Stack"
	}
	if p.more {
		return "Stack (" + thousands(len(p.frames)) + "+)"
	}
	return "Stack (" + thousands(len(p.frames)) + ")"
}

// thousands writes n with commas: 29,998.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// call is the frame as gdb's bt writes it: rec(n=3), main(), rec(…) when its arguments were
// not read (deep frames).
func (p *stackPane) call(i int) string {
	f := p.frames[i]
	fn := clean(f.Func)
	if fn == "" {
		fn = "??"
	}
	if i >= len(p.args) || p.args[i] != argsRead {
		return fn + "(…)"
	}
	return fn + "(" + clean(f.Args) + ")"
}

func (p *stackPane) view(st *Styles, w, h int, focused bool) []string {
	p.h = h
	if len(p.rows) == 0 {
		note := p.note
		if note == "" {
			note = "The call stack appears when the program stops."
		}
		return noteLines(st, note, w)
	}
	p.top = scrollTo(p.top, p.sel, h, len(p.rows))
	var out []string
	for r := p.top; r < len(p.rows) && len(out) < h; r++ {
		row := p.rows[r]
		mark := "  "
		if r == p.sel {
			mark = "▶ "
		}
		f := p.frames[row.start]
		if row.fold {
			icon := "▸ "
			if p.open[f.Level] {
				icon = "▾ "
			}
			last := p.frames[row.end-1].Level
			n := thousands(row.end - row.start)
			if p.more && row.end == len(p.frames) {
				n += "+"
			}
			levels := fmt.Sprintf("#%d-%d", f.Level, last)
			fn := clean(f.Func) + "()"
			if r == p.sel {
				out = append(out, p.selStyle(st, focused).Render(fit(mark+icon+levels+" "+fn+" ×"+n, w)))
				continue
			}
			out = append(out, fit(mark+icon+st.Dim.Render(levels)+" "+st.Function.Render(fn)+" ×"+n, w))
			continue
		}
		indent := ""
		if row.inFold {
			indent = "  "
		}
		where := ""
		switch {
		case f.File != "" && f.Line > 0:
			where = fmt.Sprintf("%s:%d", clean(baseName(f.File)), f.Line)
		case f.From != "":
			where = clean(f.From)
		default:
			where = clean(f.Addr)
		}
		noSource := f.File == "" || f.Library()
		if noSource {
			where += " (no source)"
		}
		level := fmt.Sprintf("#%d", f.Level)
		call := p.call(row.start)
		if r == p.sel {
			out = append(out, p.selStyle(st, focused).Render(fit(mark+indent+level+" "+call+" "+where, w)))
			continue
		}
		fs := st.Function
		if noSource {
			fs = st.Dim
		}
		out = append(out, fit(mark+indent+st.Dim.Render(level)+" "+fs.Render(call)+" "+st.Dim.Render(where), w))
	}
	return out
}

func (p *stackPane) selStyle(st *Styles, focused bool) lipgloss.Style {
	if focused {
		return st.Selected
	}
	return st.SelectedBlur
}

// stackArgs asks again, with their arguments, for the frames on screen that came without.
func (m *Model) stackArgs() tea.Cmd {
	if m.dbg == nil || m.stop == nil || m.state != launcher.Stopped {
		return nil
	}
	var cmds []tea.Cmd
	for _, r := range m.stack.unreadArgs() {
		cmds = append(cmds, fetchStackArgs(m.ctx, m.dbg, m.dbgID, m.stack.gen, m.scope().Thread, r[0], r[1]))
	}
	return tea.Batch(cmds...)
}

// onStack takes a page of the stack: the first shows at once, deeper ones are asked for one
// after the other while the program stays stopped at the same stop.
func (m *Model) onStack(msg stackMsg) (tea.Cmd, bool) {
	// A page of an older stop is dropped, and no further page is asked for once the
	// program runs again: a step waits behind one page at most.
	if msg.sid != m.dbgID || m.stop == nil || msg.gen != m.stack.gen || m.state != launcher.Stopped {
		return nil, false
	}
	if msg.argsOnly {
		if msg.err == nil {
			m.stack.setArgs(msg.page.Frames)
		}
		return nil, true
	}
	if msg.err != nil {
		if msg.from > 0 {
			m.stack.more = false
			m.fail("stack below frame %d: %v", msg.from, msg.err)
			return nil, true
		}
		m.stack.clear("Stack unavailable: " + msg.err.Error())
		return nil, true
	}
	if msg.from == 0 {
		m.stack.set(msg.page.Frames, msg.page.More)
		m.stack.selectLevel(m.frameSel)
	} else {
		m.stack.add(msg.page.Frames, msg.page.More)
	}
	if msg.page.More && len(msg.page.Frames) > 0 {
		return fetchStack(m.ctx, m.dbg, m.dbgID, m.stack.gen, m.scope().Thread, len(m.stack.frames)), true
	}
	m.stack.more = false
	return m.stackArgs(), true
}
