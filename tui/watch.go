package tui

// watchItem is one watch expression and its latest value.
type watchItem struct {
	Expr, Value string
	Err         bool
	Changed     bool
}

// watchPane holds expressions evaluated at every stop in the selected frame.
type watchPane struct {
	items    []watchItem
	sel, top int
}

func (p *watchPane) add(expr string) {
	p.items = append(p.items, watchItem{Expr: expr, Value: "…"})
	p.sel = len(p.items) - 1
}

func (p *watchPane) remove() {
	if p.sel < 0 || p.sel >= len(p.items) {
		return
	}
	p.items = append(p.items[:p.sel], p.items[p.sel+1:]...)
	p.sel = min(p.sel, max(len(p.items)-1, 0))
}

func (p *watchPane) move(d int) { p.sel = min(max(p.sel+d, 0), max(len(p.items)-1, 0)) }

// setValue records the value of expression i (ignored when the list changed meanwhile).
func (p *watchPane) setValue(i int, expr, val string, isErr bool) {
	if i < 0 || i >= len(p.items) || p.items[i].Expr != expr {
		return
	}
	it := &p.items[i]
	it.Changed = !isErr && !it.Err && it.Value != "…" && it.Value != val
	it.Value, it.Err = val, isErr
}

func (p *watchPane) view(st *Styles, w, h int, focused bool) []string {
	if len(p.items) == 0 {
		return noteLines(st, "No watches. Press a to add an expression.", w)
	}
	p.top = scrollTo(p.top, p.sel, h, len(p.items))
	var out []string
	for i := p.top; i < len(p.items) && len(out) < h; i++ {
		it := p.items[i]
		expr, val := clean(it.Expr), clean(it.Value)
		if i == p.sel && focused {
			out = append(out, st.Selected.Render(fit(expr+" = "+val, w)))
			continue
		}
		vs := st.Value
		switch {
		case it.Err:
			vs = st.Dim
		case it.Changed:
			vs = st.Changed
		}
		out = append(out, fit(st.Name.Render(expr)+" = "+vs.Render(val), w))
	}
	return out
}
