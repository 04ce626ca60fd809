package tui

import (
	"fmt"

	"github.com/sandbug/sandbug/launcher"
)

// stackPane lists the call stack; the selected frame is the one Source and Locals show.
type stackPane struct {
	frames   []launcher.Frame
	sel, top int
	note     string
}

func (p *stackPane) set(frames []launcher.Frame) {
	p.frames = frames
	p.sel, p.top = 0, 0
	p.note = ""
	if len(frames) == 0 {
		p.note = "No stack: the program is not stopped."
	}
}

func (p *stackPane) clear(note string) {
	p.frames = nil
	p.sel = 0
	p.note = note
}

// selected returns the selected frame.
func (p *stackPane) selected() (launcher.Frame, bool) {
	if p.sel < 0 || p.sel >= len(p.frames) {
		return launcher.Frame{}, false
	}
	return p.frames[p.sel], true
}

func (p *stackPane) move(d int) bool {
	n := min(max(p.sel+d, 0), max(len(p.frames)-1, 0))
	changed := n != p.sel
	p.sel = n
	return changed
}

func (p *stackPane) view(st *Styles, w, h int, focused bool) []string {
	if len(p.frames) == 0 {
		note := p.note
		if note == "" {
			note = "The call stack appears when the program stops."
		}
		return []string{st.Note.Render(fit(" "+note, w))}
	}
	p.top = scrollTo(p.top, p.sel, h, len(p.frames))
	var out []string
	for i := p.top; i < len(p.frames) && len(out) < h; i++ {
		f := p.frames[i]
		fn := clean(f.Func)
		if fn == "" {
			fn = "??"
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
		mark := "  "
		if i == p.sel {
			mark = "▶ "
		}
		noSource := f.File == "" || f.Library()
		plain := fmt.Sprintf("%s#%d %s() %s", mark, f.Level, fn, where)
		if noSource {
			plain += " (no source)"
		}
		if i == p.sel {
			s := st.SelectedBlur
			if focused {
				s = st.Selected
			}
			out = append(out, s.Render(fit(plain, w)))
			continue
		}
		line := fmt.Sprintf("%s%s %s %s", mark, st.Dim.Render(fmt.Sprintf("#%d", f.Level)), st.Function.Render(fn+"()"), st.Dim.Render(where))
		if noSource {
			line = fmt.Sprintf("%s%s %s %s", mark, st.Dim.Render(fmt.Sprintf("#%d", f.Level)), st.Dim.Render(fn+"()"), st.Dim.Render(where+" (no source)"))
		}
		out = append(out, fit(line, w))
	}
	return out
}
