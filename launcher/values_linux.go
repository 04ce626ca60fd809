package launcher

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sandbug/sandbug/gdbmi"
)

// StackPageIn returns count frames of gdb's thread (0: the thread of the last stop) from level
// from, innermost first, with their arguments as gdb's backtrace shows them when args is set,
// and whether deeper frames follow. gdb unwinds a stack only as deep as it is asked (a
// 30,000-frame recursion takes it seconds), so a UI asks for the first page to show at once
// and for the rest page by page, each a short command a step does not wait long behind.
func (s *Session) StackPageIn(ctx context.Context, thread, from, count int, args bool) (StackPage, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return StackPage{}, err
	}
	if count <= 0 {
		return StackPage{}, fmt.Errorf("a stack page of %d frames", count)
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	t, _ := s.scopeArgs(Scope{Thread: thread})
	from = max(from, 0)
	// Counting stops one frame past the page: "more" costs no deeper unwinding than the page.
	r, err := s.mi(ctx, "-stack-info-depth", "--thread", t, strconv.Itoa(from+count+1))
	if err != nil {
		return StackPage{}, err
	}
	depth, err := strconv.Atoi(r.Get("depth").String())
	if err != nil {
		return StackPage{}, fmt.Errorf("stack depth: gdb answered %q", r.Get("depth").String())
	}
	to := min(from+count, depth) - 1
	page := StackPage{More: depth > from+count}
	if to < from {
		return page, nil
	}
	lo, hi := strconv.Itoa(from), strconv.Itoa(to)
	r, err = s.mi(ctx, "-stack-list-frames", "--thread", t, lo, hi)
	if err != nil {
		return StackPage{}, err
	}
	for _, f := range gdbmi.ParseFrames(r) {
		page.Frames = append(page.Frames, fromMIFrame(f))
	}
	if !args {
		return page, nil
	}
	r, err = s.mi(ctx, "-stack-list-arguments", "--thread", t, "--simple-values", lo, hi)
	if err != nil {
		return page, nil // the frames without their arguments are still worth showing
	}
	byLevel := map[int]string{}
	for _, fa := range gdbmi.ParseStackArgs(r) {
		byLevel[fa.Level] = formatArgs(fa.Args)
	}
	for i := range page.Frames {
		page.Frames[i].Args = byLevel[page.Frames[i].Level]
	}
	return page, nil
}

// ArrayIn shows the n elements that start where the pointer expr points, gdb's *expr@n, as an
// expandable variable of the frame sc names; with a varobj (a pointer inside the Locals tree)
// the pointer is the one that varobj shows. The varobj lives until the next LocalsIn.
func (s *Session) ArrayIn(ctx context.Context, sc Scope, expr, varobj string, n int) (Variable, error) {
	d, err := s.dbgOrErr()
	if err != nil {
		return Variable{}, err
	}
	if n <= 0 {
		return Variable{}, fmt.Errorf("a length of %d elements: give a number from 1 up", n)
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	if varobj != "" {
		r, err := s.mi(ctx, "-var-info-path-expression", varobj)
		if err != nil {
			return Variable{}, fmt.Errorf("%s: %w", expr, err)
		}
		expr = simplePath(r.Get("path_expr").String())
	}
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return Variable{}, fmt.Errorf("no pointer to show")
	}
	name := arrayExpr(expr, n)
	t, f := s.scopeArgs(sc)
	cr, err := d.getConn().Exec(ctx, "-var-create", "--thread", t, "--frame", f, "-", "*", name)
	if err != nil {
		return Variable{}, fmt.Errorf("%s: %w", name, err)
	}
	o := gdbmi.ParseVarObj(cr.Results)
	s.keepVarObj(o.Name, t, f)
	return Variable{Name: name, Type: o.Type, Value: o.Value, VarObj: o.Name, NumChild: o.NumChild}, nil
}

// keepVarObj records a root varobj made in thread t, frame f: the next LocalsIn deletes it,
// and its char-array members are read in that frame.
func (s *Session) keepVarObj(name, t, f string) {
	th, _ := strconv.Atoi(t)
	fr, _ := strconv.Atoi(f)
	s.owner(func(d *debugState) {
		d.varobjs = append(d.varobjs, name)
		if d.varScope == nil {
			d.varScope = map[string]Scope{}
		}
		d.varScope[name] = Scope{Thread: th, Frame: fr}
	})
}

// charArrayText reads a char array as the string a C program sees ("alice"), where a varobj
// would say only "[8]". expr is gdb's expression for it in thread t, frame f.
func (s *Session) charArrayText(ctx context.Context, t, f, expr string) (string, bool) {
	r, err := s.dbg.getConn().Exec(ctx, "-data-evaluate-expression", "--thread", t, "--frame", f, expr)
	if err != nil {
		return "", false
	}
	return trimNuls(r.Get("value").String()), true
}

// childCharArrays replaces the "[N]" of char array members of a varobj's children by their
// text, read in the frame the root varobj was made in.
func (s *Session) childCharArrays(ctx context.Context, parent string, vars []Variable) {
	root, _, _ := strings.Cut(parent, ".")
	var sc Scope
	ok := false
	s.owner(func(d *debugState) { sc, ok = d.varScope[root] })
	if !ok {
		return
	}
	t, f := strconv.Itoa(sc.Thread), strconv.Itoa(sc.Frame)
	for i := range vars {
		if !isCharArray(vars[i].Type) || vars[i].VarObj == "" {
			continue
		}
		r, err := s.dbg.getConn().Exec(ctx, "-var-info-path-expression", vars[i].VarObj)
		if err != nil {
			continue
		}
		if text, ok := s.charArrayText(ctx, t, f, r.Get("path_expr").String()); ok {
			vars[i].Value = text
		}
	}
}

// frameBlocks asks gdb's Python for the blocks of frame f (nil without Python).
func (s *Session) frameBlocks(ctx context.Context, t, f string) []block {
	d := s.dbg
	state := 0
	s.owner(func(d *debugState) { state = d.blocksPy })
	if state < 0 {
		return nil
	}
	if state == 0 {
		_, err := d.getConn().Exec(ctx, "-interpreter-exec", "console", "python exec("+strconv.Quote(blocksPython)+")")
		state = 1
		if err != nil {
			state = -1
		}
		s.owner(func(d *debugState) { d.blocksPy = state })
		if state < 0 {
			return nil
		}
	}
	if _, err := d.getConn().Exec(ctx, "-interpreter-exec", "--thread", t, "--frame", f, "console",
		"python gdb.set_convenience_variable('_sandbug_blocks', _sandbug_blocks())"); err != nil {
		return nil
	}
	r, err := d.getConn().Exec(ctx, "-data-evaluate-expression", "$_sandbug_blocks")
	if err != nil {
		return nil
	}
	v, err := strconv.Unquote(r.Get("value").String())
	if err != nil {
		return nil
	}
	return parseBlocks(v)
}

// PathExpression returns the C expression of the value varobj stands for (a field or an element
// of a local: "h.count[3]", "p->next"), as gdb's -var-info-path-expression gives it, simplified.
func (s *Session) PathExpression(ctx context.Context, varobj string) (string, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return "", err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	r, err := s.mi(ctx, "-var-info-path-expression", varobj)
	if err != nil {
		return "", err
	}
	return simplePath(r.Get("path_expr").String()), nil
}
