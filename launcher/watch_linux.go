package launcher

import (
	"context"
	"fmt"
	"strings"

	"github.com/sandbug/sandbug/gdbmi"
)

// Watch sets a watchpoint, "stop when this changes", on expr in the selected frame.
func (s *Session) Watch(expr string) (Breakpoint, error) {
	return s.WatchIn(s.ctx, s.selected(), expr, "")
}

// WatchIn sets a watchpoint on expr in the frame sc names, or, when varobj is not "", on the
// variable that varobj shows (a local, a struct field, an array element: the Locals tree),
// through gdb's path expression for it ("list->head->value", "hist[4]"). A watchpoint on a
// local lasts until its function returns (a StopWatchpointScope stop says so). On machines
// whose hardware watchpoints never trigger the session uses software ones (watchpointSteps).
func (s *Session) WatchIn(ctx context.Context, sc Scope, expr, varobj string) (Breakpoint, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return Breakpoint{}, err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	if varobj != "" {
		r, err := s.mi(ctx, "-var-info-path-expression", varobj)
		if err != nil {
			return Breakpoint{}, fmt.Errorf("watch %s: %w", expr, err)
		}
		expr = simplePath(r.Get("path_expr").String())
	}
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return Breakpoint{}, fmt.Errorf("watch: nothing to watch")
	}
	t, f := s.scopeArgs(sc)
	r, err := s.mi(ctx, "-break-watch", "--thread", t, "--frame", f, expr)
	if err != nil {
		return Breakpoint{}, err // gdb's own sentence: "Cannot watch constant value `3'."
	}
	b := watchResult(r, expr)
	if b.ID == "" {
		return Breakpoint{}, fmt.Errorf("watch %s: gdb returned no watchpoint", expr)
	}
	s.owner(func(d *debugState) {
		d.setBreakpoint(b)
		s.emitBreakpoints()
	})
	return b, nil
}

// watchResult reads -break-watch's answer: wpt, hw-wpt (or hw-rwpt, hw-awpt) {number, exp}.
func watchResult(r *gdbmi.Record, expr string) Breakpoint {
	for _, k := range []string{"wpt", "hw-wpt", "hw-rwpt", "hw-awpt"} {
		w := r.Get(k)
		if n := w.Get("number").String(); n != "" {
			b := Breakpoint{ID: n, Enabled: true, Watch: w.Get("exp").String()}
			if b.Watch == "" {
				b.Watch = expr
			}
			return b
		}
	}
	return Breakpoint{}
}

// watchStop fills a watchpoint stop's WatchHit and keeps the breakpoints list true: a trigger
// counts a hit, a scope end removes the watchpoint gdb deleted (on the loop).
func (s *Session) watchStop(stop *Stop, st gdbmi.StopEvent) {
	d := s.dbg
	id := st.WatchNo
	w := &WatchHit{ID: id, Expr: st.WatchExp, Old: st.OldValue, New: st.NewValue}
	b, known := d.bps[id]
	if w.Expr == "" && known {
		w.Expr = b.Watch
	}
	if StopReason(st.Reason) == StopWatchpointScope {
		w.Scope = true
		if known {
			d.deleteBreakpoint(id)
			s.emitBreakpoints()
		}
	} else if known {
		b.Hits++
		d.setBreakpoint(b)
		s.emitBreakpoints()
	}
	stop.Watch = w
}

var (
	parenPathRE = lazyRE(`\(([A-Za-z_][\w.\[\]>-]*)\)`)
	derefPathRE = lazyRE(`\(\*([A-Za-z_][\w.\[\]>-]*)\)\.`)
)

// simplePath writes gdb's fully parenthesised path expression the way a student would:
// "((h).count)[3]" is h.count[3], "(*(l)).head" is l->head. Anything else is left alone.
func simplePath(e string) string {
	for {
		n := derefPathRE().ReplaceAllString(parenPathRE().ReplaceAllString(e, "$1"), "$1->")
		if n == e {
			return e
		}
		e = n
	}
}
