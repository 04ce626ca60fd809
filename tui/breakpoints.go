package tui

import (
	"fmt"
	"strconv"

	"github.com/sandbug/sandbug/launcher"
)

// bpPane lists breakpoints: enable or disable, delete, edit the condition, jump to the source.
type bpPane struct {
	list     []launcher.Breakpoint
	sel, top int
	// labels number the student's breakpoints 1, 2, ... in the order they were set. gdb's own
	// numbers start at 2: the launcher's temporary breakpoint at main took number 1.
	labels map[string]int
	next   int
}

// label is the number shown for the gdb breakpoint id ("" when it has none: a temporary one).
func (p *bpPane) label(id string) string {
	if n, ok := p.labels[id]; ok {
		return strconv.Itoa(n)
	}
	return ""
}

// resetLabels starts the numbering again (a new gdb).
func (p *bpPane) resetLabels() {
	p.labels, p.next = nil, 0
}

func (p *bpPane) set(list []launcher.Breakpoint) {
	p.list = list
	if p.labels == nil {
		p.labels = map[string]int{}
	}
	for _, b := range list {
		if _, ok := p.labels[b.ID]; !ok && !b.Temp {
			p.next++
			p.labels[b.ID] = p.next
		}
	}
	if p.sel >= len(list) {
		p.sel = max(len(list)-1, 0)
	}
}

func (p *bpPane) selected() (launcher.Breakpoint, bool) {
	if p.sel < 0 || p.sel >= len(p.list) {
		return launcher.Breakpoint{}, false
	}
	return p.list[p.sel], true
}

func (p *bpPane) move(d int) { p.sel = min(max(p.sel+d, 0), max(len(p.list)-1, 0)) }

// at returns the breakpoint at file:line (full path or base name match).
func bpAt(list []launcher.Breakpoint, full string, line int) (launcher.Breakpoint, bool) {
	for _, b := range list {
		if b.Line == line && (b.FullName == full || (b.FullName == "" && b.File != "" && baseName(full) == baseName(b.File))) {
			return b, true
		}
	}
	return launcher.Breakpoint{}, false
}

func (p *bpPane) view(st *Styles, w, h int, focused bool) []string {
	if len(p.list) == 0 {
		return noteLines(st, "No breakpoints. F9 or b sets one on the cursor line.", w)
	}
	p.top = scrollTo(p.top, p.sel, h, len(p.list))
	var out []string
	for i := p.top; i < len(p.list) && len(out) < h; i++ {
		b := p.list[i]
		mark := st.Breakpoint.Render("●")
		if !b.Enabled {
			mark = st.BreakpointOff.Render("○")
		}
		where := clean(b.Pending)
		if b.File != "" {
			where = fmt.Sprintf("%s:%d", clean(baseName(b.File)), b.Line)
		}
		if b.Func != "" {
			where += " in " + clean(b.Func) + "()"
		}
		if b.Watch != "" {
			where = "watch " + clean(b.Watch) // stops when it changes
		}
		extra := ""
		if b.Hits > 0 {
			extra += fmt.Sprintf(" hits %d", b.Hits)
		}
		if b.Cond != "" {
			extra += " if " + clean(b.Cond)
		}
		if b.Temp {
			extra += " (once)"
		}
		id := p.label(b.ID)
		if id == "" {
			id = "·"
		}
		plain := fmt.Sprintf("%s %s%s", id, where, extra)
		if i == p.sel && focused {
			out = append(out, fit(mark+" "+st.Selected.Render(fit(plain, w-2)), w))
			continue
		}
		out = append(out, fit(mark+" "+plain, w))
	}
	return out
}
