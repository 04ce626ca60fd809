package tui

import (
	"fmt"
	"path/filepath"

	"github.com/sandbug/sandbug/launcher"
)

// asmPane shows the machine code of the selected frame's function, the instruction at its pc
// marked ▶ and the source line each run of instructions was compiled from above it. It follows
// the frame the screen shows (a stop, u/d, the Stack and Threads panes).
type asmPane struct {
	dis    launcher.Disassembly
	note   string // why there is no code
	gen    int    // the views generation the code belongs to (viewsState.gen)
	top, h int
	follow bool // bring the pc into view at the next draw (new code arrived)
}

// asmRow is one row of the pane: a source line (in < 0) or instruction in.
type asmRow struct {
	in         int
	file, full string
	line       int
}

func (p *asmPane) set(d launcher.Disassembly, err error, gen int) {
	p.gen, p.follow = gen, true
	if err != nil {
		p.dis, p.note = launcher.Disassembly{}, "No machine code here: "+err.Error()
		return
	}
	p.dis, p.note = d, ""
	if len(d.Insns) == 0 {
		p.note = "gdb found no machine code around this frame's pc."
	}
}

func (p *asmPane) clear(note string) {
	p.dis, p.note, p.top = launcher.Disassembly{}, note, 0
}

func (p *asmPane) rows() []asmRow {
	var out []asmRow
	prevFile, prevLine := "", -1
	for i, in := range p.dis.Insns {
		if in.Line > 0 && (in.Line != prevLine || in.FullName != prevFile) {
			out = append(out, asmRow{in: -1, file: in.File, full: in.FullName, line: in.Line})
		}
		prevFile, prevLine = in.FullName, in.Line
		out = append(out, asmRow{in: i})
	}
	return out
}

// scroll moves the view by d rows.
func (p *asmPane) scroll(d int) {
	p.top = max(p.top+d, 0)
	p.follow = false
}

// home brings the pc back into view.
func (p *asmPane) home() { p.follow = true }

// view draws the code; srcLine gives the text of a source line ("" when its file is not
// loaded).
func (p *asmPane) view(st *Styles, w, h int, srcLine func(path string, line int) string) []string {
	p.h = h
	if p.note != "" || len(p.dis.Insns) == 0 {
		note := p.note
		if note == "" {
			note = "The machine code of the selected frame shows here when the program is stopped."
		}
		return noteLines(st, note, w)
	}
	rows := p.rows()
	cur := p.dis.Current()
	if p.follow {
		p.follow = false
		for i, r := range rows {
			if r.in == cur && cur >= 0 {
				p.top = max(i-h/3, 0)
			}
		}
	}
	p.top = min(p.top, max(len(rows)-h, 0))
	var out []string
	for _, r := range rows[p.top:] {
		if len(out) == h {
			break
		}
		if r.in < 0 {
			text := srcLine(r.full, r.line)
			if text == "" {
				text = filepath.Base(r.file) + ":" + fmt.Sprint(r.line)
			}
			out = append(out, fit(st.LineNo.Render(fmt.Sprintf("%5d ", r.line))+st.Dim.Render(clean(text)), w))
			continue
		}
		in := p.dis.Insns[r.in]
		row := fmt.Sprintf("%#x <+%d> %s", in.Addr, in.Offset, clean(in.Text))
		if r.in == cur {
			out = append(out, st.CurrentLine.Render(fit(st.CurrentArrow.Render("▶ ")+row, w)))
			continue
		}
		out = append(out, fit("  "+row, w))
	}
	return out
}
