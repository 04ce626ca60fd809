package tui

import (
	"fmt"
	"path/filepath"

	"github.com/sandbug/sandbug/launcher"
)

// threadsPane lists the program's threads: id, name and where each is. ▶ marks the thread the
// screen shows; Enter shows another (Stack, Locals, Source and the views follow).
type threadsPane struct {
	threads []launcher.Thread
	note    string
	gen     int
	sel     int
	top, h  int
}

func (p *threadsPane) set(ts []launcher.Thread, err error, gen, shown int) {
	p.gen = gen
	if err != nil {
		p.threads, p.note = nil, "Threads unavailable: "+err.Error()
		return
	}
	p.threads, p.note = ts, ""
	for i, t := range ts {
		if t.ID == shown {
			p.sel = i
		}
	}
	p.sel = min(p.sel, max(len(ts)-1, 0))
}

func (p *threadsPane) clear(note string) { p.threads, p.note = nil, note }

func (p *threadsPane) move(d int) { p.sel = min(max(p.sel+d, 0), max(len(p.threads)-1, 0)) }

func (p *threadsPane) selected() (launcher.Thread, bool) {
	if p.sel < 0 || p.sel >= len(p.threads) {
		return launcher.Thread{}, false
	}
	return p.threads[p.sel], true
}

// threadWhere is a thread's frame in few cells: "sum_range threads.c:25", or its library.
func threadWhere(f launcher.Frame) string {
	fn := f.Func
	if fn == "" {
		fn = f.Addr
	}
	switch {
	case f.File != "" && f.Line > 0 && !f.Library():
		return fmt.Sprintf("%s %s:%d", fn, filepath.Base(f.File), f.Line)
	case f.From != "":
		return fn + " " + filepath.Base(f.From)
	}
	return fn
}

func (p *threadsPane) view(st *Styles, w, h int, focused bool, shown int) []string {
	p.h = h
	if len(p.threads) == 0 {
		note := p.note
		if note == "" {
			note = "The program's threads show here when it is stopped."
		}
		return noteLines(st, note, w)
	}
	p.top = scrollTo(p.top, p.sel, h, len(p.threads))
	var out []string
	for i := p.top; i < len(p.threads) && len(out) < h; i++ {
		t := p.threads[i]
		mark := "  "
		if t.ID == shown || shown == 0 && t.Current {
			mark = "▶ "
		}
		row := fmt.Sprintf("%s%d %s  %s", mark, t.ID, clean(t.Name), clean(threadWhere(t.Frame)))
		switch {
		case i == p.sel && focused:
			out = append(out, st.Selected.Render(fit(row, w)))
		case i == p.sel:
			out = append(out, st.SelectedBlur.Render(fit(row, w)))
		default:
			out = append(out, fit(row, w))
		}
	}
	return out
}
