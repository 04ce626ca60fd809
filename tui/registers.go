package tui

import (
	"fmt"

	"github.com/sandbug/sandbug/launcher"
)

// regsPane shows the general-purpose registers of the selected frame; those that changed since
// the last stop are marked like changed locals.
type regsPane struct {
	regs    []launcher.Register
	changed map[string]bool
	atStop  map[string]string // the values read at the last stop: the next stop compares with them
	note    string
	gen     int
	top, h  int
}

// set takes registers read in generation gen; stop says they were read for a new stop (the
// marks compare them with the previous stop's), not for another frame or thread.
func (p *regsPane) set(regs []launcher.Register, err error, gen int, stop bool) {
	p.gen = gen
	if err != nil {
		p.regs, p.changed, p.note = nil, nil, "Registers unavailable: "+err.Error()
		return
	}
	p.regs, p.note, p.changed = regs, "", map[string]bool{}
	if !stop {
		return
	}
	now := map[string]string{}
	for _, r := range regs {
		now[r.Name] = r.Value
		if old, ok := p.atStop[r.Name]; ok && old != r.Value {
			p.changed[r.Name] = true
		}
	}
	p.atStop = now
}

// reset forgets the previous stop's values (a new run).
func (p *regsPane) reset() {
	*p = regsPane{}
}

func (p *regsPane) scroll(d int) { p.top = max(p.top+d, 0) }

func (p *regsPane) view(st *Styles, w, h int) []string {
	p.h = h
	if len(p.regs) == 0 {
		note := p.note
		if note == "" {
			note = "The registers of the selected frame show here when the program is stopped."
		}
		return noteLines(st, note, w)
	}
	p.top = min(p.top, max(len(p.regs)-h, 0))
	var out []string
	for _, r := range p.regs[p.top:] {
		if len(out) == h {
			break
		}
		vs, mark := st.Value, ""
		if p.changed[r.Name] {
			vs, mark = st.Changed, changedMark
		}
		out = append(out, fit(st.Name.Render(fmt.Sprintf("%-6s", r.Name))+" "+vs.Render(clean(r.Value))+mark, w))
	}
	return out
}
