package tui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// The Locals action @: the n elements a pointer points to, gdb's *p@n, shown as one more
// expandable variable of the frame, and shown again at each stop in the same function.

// arraySpec is one *expr@n the user asked for.
type arraySpec struct {
	expr string
	n    int
}

// arrayBase reads gdb's *expr@n back into expr and n: "*arr@5", "*(l->items)@3".
func arrayBase(name string) (string, int, bool) {
	at := strings.LastIndexByte(name, '@')
	if !strings.HasPrefix(name, "*") || at < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(name[at+1:])
	if err != nil {
		return "", 0, false
	}
	expr := name[1:at]
	if strings.HasPrefix(expr, "(") && strings.HasSuffix(expr, ")") {
		expr = expr[1 : len(expr)-1]
	}
	return expr, n, expr != ""
}

// isPointer reports whether a variable of type typ points somewhere @ can follow.
func isPointer(typ string) bool {
	return strings.HasSuffix(strings.TrimSpace(typ), "*")
}

// addArray shows (or refreshes) a *p@n root; it returns the node when it must be expanded
// again (the user had it open).
func (p *localsPane) addArray(v launcher.Variable) []*varNode {
	if expr, n, ok := arrayBase(v.Name); ok {
		known := false
		for _, a := range p.arrays {
			known = known || a == arraySpec{expr, n}
		}
		if !known {
			p.arrays = append(p.arrays, arraySpec{expr, n})
		}
	}
	n := p.node(v, v.Name, 0)
	replaced := false
	for i, r := range p.roots {
		if r.Path == n.Path {
			p.roots[i], replaced = n, true
		}
	}
	if !replaced {
		p.roots = append(p.roots, n)
	}
	p.note = ""
	if p.expanded[n.Path] && expandable(n.V) {
		n.Loading = true
		return []*varNode{n}
	}
	return nil
}

// askArray is @ on the selected local: ask how many elements the pointer points to.
func (m *Model) askArray() {
	n := m.locals.selected()
	if n == nil || !isPointer(n.V.Type) {
		m.say("@ works on a pointer: select one in Locals.")
		return
	}
	if n.V.Shadowed {
		m.say("%s is hidden by an inner %s: no expression reaches it.", n.V.Name, n.V.Name)
		return
	}
	expr, vo := n.V.Name, ""
	if n.Depth > 0 {
		expr, vo = n.Path, n.V.VarObj
	}
	m.openPrompt(promptArray, "show *"+displayName(n.V)+"@N: how many elements", "")
	m.prompt.expr, m.prompt.varobj = expr, vo
}

// submitArray asks gdb for *expr@val.
func (m *Model) submitArray(val string) tea.Cmd {
	n, err := strconv.Atoi(val)
	if err != nil || n <= 0 {
		m.say("not a number of elements: %q", val)
		return nil
	}
	if m.dbg == nil || m.state != launcher.Stopped {
		m.say("The program is not stopped: nothing to show.")
		return nil
	}
	return fetchArray(m.ctx, m.dbg, m.dbgID, m.scope(), m.prompt.expr, m.prompt.varobj, n)
}

// fetchArrays shows again, after the locals of a stop, the *p@n asked for in this function.
func (m *Model) fetchArrays() []tea.Cmd {
	var cmds []tea.Cmd
	for _, a := range m.locals.arrays {
		cmds = append(cmds, fetchArray(m.ctx, m.dbg, m.dbgID, m.scope(), a.expr, "", a.n))
	}
	return cmds
}

// onArray shows a *p@n gdb made for the Locals of the selected frame.
func (m *Model) onArray(msg arrayMsg) (tea.Cmd, bool) {
	if msg.sid != m.dbgID || msg.frame != m.frameSel {
		return nil, false
	}
	if msg.err != nil {
		m.fail("%v", msg.err)
		return nil, true
	}
	return m.expandAgain(m.locals.addArray(msg.v)), true
}
