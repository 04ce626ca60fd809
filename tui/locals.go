package tui

import (
	"strings"

	"github.com/sandbug/sandbug/launcher"
)

// varNode is one variable in the Locals tree.
type varNode struct {
	V        launcher.Variable
	Path     string // "p", "p.next", stable across stops: keys expansion and change marks
	Depth    int
	Expanded bool
	Loading  bool
	Children []*varNode
	Changed  bool
}

// localsPane shows the selected frame's arguments and locals; structs, arrays and pointers
// expand (through gdb varobjs); values that changed since the previous stop in the same
// function are highlighted.
type localsPane struct {
	roots    []*varNode
	sel, top int
	h        int
	fn       string            // function the values belong to
	prev     map[string]string // path -> value at the previous stop in fn
	expanded map[string]bool   // paths the user expanded (kept across stops)
	arrays   []arraySpec       // the *p@n the user asked for in fn (kept across its stops)
	note     string
}

func newLocalsPane() localsPane {
	return localsPane{prev: map[string]string{}, expanded: map[string]bool{}}
}

// visible flattens the tree into rows.
func (p *localsPane) visible() []*varNode {
	var out []*varNode
	var walk func(ns []*varNode)
	walk = func(ns []*varNode) {
		for _, n := range ns {
			out = append(out, n)
			if n.Expanded {
				walk(n.Children)
			}
		}
	}
	walk(p.roots)
	return out
}

// values snapshots path -> value of every node loaded.
func (p *localsPane) values() map[string]string {
	m := map[string]string{}
	var walk func(ns []*varNode)
	walk = func(ns []*varNode) {
		for _, n := range ns {
			m[n.Path] = n.V.Value
			walk(n.Children)
		}
	}
	walk(p.roots)
	return m
}

// set replaces the variables after a stop (or a frame change). It returns the varobjs of nodes
// to expand again (the user had them open).
func (p *localsPane) set(fn string, vars []launcher.Variable) []*varNode {
	if fn == p.fn {
		p.prev = p.values()
	} else {
		p.prev = map[string]string{}
		p.arrays = nil
	}
	p.fn = fn
	p.note = ""
	p.roots = nil
	for _, v := range vars {
		p.roots = append(p.roots, p.node(v, rootPath(v), 0))
	}
	if len(vars) == 0 {
		p.note = "No locals in this frame."
	}
	if p.sel >= len(p.roots) {
		p.sel = max(len(p.roots)-1, 0)
	}
	var again []*varNode
	for _, n := range p.roots {
		if p.expanded[n.Path] && expandable(n.V) {
			n.Loading = true
			again = append(again, n)
		}
	}
	return again
}

func (p *localsPane) node(v launcher.Variable, path string, depth int) *varNode {
	n := &varNode{V: v, Path: path, Depth: depth}
	if old, ok := p.prev[path]; ok && old != v.Value {
		n.Changed = true
	}
	return n
}

// rootPath keys a local: its name, and its block for a name two locals share (shadowing).
func rootPath(v launcher.Variable) string {
	if v.Block != "" {
		return v.Name + "@" + v.Block
	}
	return v.Name
}

// displayName is how a row names its variable: an array element by its index ([3], where gdb
// says 3), a shadowed local with its block ("i (lines 8-9)").
func displayName(v launcher.Variable) string {
	name := clean(v.Name)
	if isIndex(name) {
		return "[" + name + "]"
	}
	if v.Block != "" {
		return name + " (" + clean(v.Block) + ")"
	}
	return name
}

// isIndex reports whether a child's name is an array index: gdb names elements 0, 1, 2 ...,
// and no C member or variable name starts with a digit.
func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// changedMark follows a value that changed since the last stop: visible without colour.
const changedMark = " *"

// find returns the node with path, or nil.
func (p *localsPane) find(path string) *varNode {
	var found *varNode
	var walk func(ns []*varNode)
	walk = func(ns []*varNode) {
		for _, n := range ns {
			if found != nil {
				return
			}
			if n.Path == path {
				found = n
				return
			}
			walk(n.Children)
		}
	}
	walk(p.roots)
	return found
}

// setChildren fills an expanded node; it returns children to expand again.
func (p *localsPane) setChildren(path string, vars []launcher.Variable) []*varNode {
	n := p.find(path)
	if n == nil {
		return nil
	}
	n.Loading = false
	n.Expanded = true
	n.Children = nil
	var again []*varNode
	for _, v := range vars {
		c := p.node(v, path+"."+v.Name, n.Depth+1)
		n.Children = append(n.Children, c)
		if p.expanded[c.Path] && expandable(c.V) {
			c.Loading = true
			again = append(again, c)
		}
	}
	return again
}

// expandable reports whether v has members to show: a struct, an array, or a pointer that is
// not NULL (gdb would list the members of *NULL with no values).
func expandable(v launcher.Variable) bool {
	if v.NumChild == 0 || v.VarObj == "" {
		return false
	}
	val := strings.TrimSpace(v.Value)
	return val != "0x0" && !strings.HasPrefix(val, "0x0 ")
}

// selected returns the selected node, or nil.
func (p *localsPane) selected() *varNode {
	rows := p.visible()
	if p.sel < 0 || p.sel >= len(rows) {
		return nil
	}
	return rows[p.sel]
}

// toggle expands or collapses the selected node; it returns the node when its children must be
// fetched.
func (p *localsPane) toggle() *varNode {
	n := p.selected()
	if n == nil || !expandable(n.V) {
		return nil
	}
	if n.Expanded {
		n.Expanded = false
		delete(p.expanded, n.Path)
		return nil
	}
	p.expanded[n.Path] = true
	if n.Children != nil {
		n.Expanded = true
		return nil
	}
	n.Loading = true
	return n
}

func (p *localsPane) move(d int) {
	n := len(p.visible())
	p.sel = min(max(p.sel+d, 0), max(n-1, 0))
}

// reading marks the values as on their way for fn. Values of another function are dropped at
// once, so the pane never shows main's a under a stop in add(); the same function's values stay
// until the new ones arrive (no flicker on a step) and feed the changed marks.
func (p *localsPane) reading(fn string) {
	if fn == p.fn && len(p.roots) > 0 {
		return
	}
	p.clear("Reading the locals of " + fn + "()…")
	if fn == "" {
		p.note = "Reading the locals…"
	}
}

func (p *localsPane) clear(note string) {
	p.roots = nil
	p.sel = 0
	p.note = note
}

func (p *localsPane) view(st *Styles, w, h int, focused bool) []string {
	p.h = h
	rows := p.visible()
	if len(rows) == 0 {
		note := p.note
		if note == "" {
			note = "Locals appear when the program stops."
		}
		return noteLines(st, note, w)
	}
	p.top = scrollTo(p.top, p.sel, h, len(rows))
	var out []string
	for i := p.top; i < len(rows) && len(out) < h; i++ {
		n := rows[i]
		icon := "  "
		switch {
		case n.Loading:
			icon = "… "
		case expandable(n.V) && n.Expanded:
			icon = "▾ "
		case expandable(n.V):
			icon = "▸ "
		}
		indent := strings.Repeat("  ", n.Depth)
		name := displayName(n.V)
		val := clean(n.V.Value)
		typ := clean(n.V.Type)
		mark := ""
		if n.Changed {
			mark = changedMark
		}
		plain := indent + icon + name + " = " + val + mark
		tail := ""
		if typ != "" && len([]rune(plain))+len([]rune(typ))+3 <= w {
			tail = "  " + typ
		}
		if i == p.sel {
			sel := st.SelectedBlur
			if focused {
				sel = st.Selected
			}
			out = append(out, sel.Render(fit(plain+tail, w)))
			continue
		}
		vs := st.Value
		if n.Changed {
			vs = st.Changed
		}
		line := indent + icon + st.Name.Render(name) + " = " + vs.Render(val+mark)
		if tail != "" {
			line += st.VarType.Render(tail)
		}
		out = append(out, fit(line, w))
	}
	return out
}
