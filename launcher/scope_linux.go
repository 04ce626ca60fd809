package launcher

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
)

// The queries of a stopped program take their scope (thread, frame) with each call, as gdb's
// --thread and --frame: nothing depends on a selection made by an earlier call, so a screen
// that shows frame 2 evaluates in frame 2. The methods without a Scope act on the session's
// selected frame (SelectFrame) of the thread of the last stop, for callers that keep no scope
// of their own (the CLI, tests).

// scope returns the thread and the frame commands act on, as gdb's --thread and --frame.
func (s *Session) scope() (thread, frame string) {
	if s.dbg == nil {
		return "1", "0"
	}
	s.owner(func(d *debugState) { thread, frame = strconv.Itoa(d.thread), strconv.Itoa(d.frame) })
	return thread, frame
}

// scopeArgs returns sc as gdb's --thread and --frame values; Thread 0 is the last stop's.
func (s *Session) scopeArgs(sc Scope) (thread, frame string) {
	th := sc.Thread
	if th <= 0 {
		s.owner(func(d *debugState) { th = d.thread })
	}
	return strconv.Itoa(th), strconv.Itoa(max(sc.Frame, 0))
}

// callCtx joins the caller's ctx to the session's: a call ends when either is done.
func (s *Session) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx == nil {
		return s.ctx, func() {}
	}
	c, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.ctx, cancel)
	return c, func() { stop(); cancel() }
}

// selected returns the session's own scope: the last stop's thread and the selected frame.
func (s *Session) selected() Scope {
	var sc Scope
	if s.dbg != nil {
		s.owner(func(d *debugState) { sc = Scope{Thread: d.thread, Frame: d.frame} })
	}
	return sc
}

// Stack returns the frames of the current thread, innermost first (at most the innermost 1000).
func (s *Session) Stack() ([]Frame, error) { return s.StackIn(s.ctx, 0) }

// StackIn returns the frames of gdb's thread (0: the thread of the last stop), innermost first.
func (s *Session) StackIn(ctx context.Context, thread int) ([]Frame, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return nil, err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	t, _ := s.scopeArgs(Scope{Thread: thread})
	return s.stack(ctx, t)
}

// stack lists the frames of gdb's thread t (on the loop or off it).
// maxFrames bounds the frames a stack listing returns.
const maxFrames = 1000

func (s *Session) stack(ctx context.Context, t string) ([]Frame, error) {
	// At most maxFrames: a stack overflow leaves 100,000+ frames, which gdb takes seconds to
	// list and no pane can show.
	r, err := s.mi(ctx, "-stack-list-frames", "--thread", t, "0", strconv.Itoa(maxFrames-1))
	if err != nil {
		return nil, err
	}
	var out []Frame
	for _, f := range gdbmi.ParseFrames(r) {
		out = append(out, fromMIFrame(f))
	}
	return out, nil
}

// SelectFrame makes frame level n the one Locals, Evaluate, Finish and Console act on.
func (s *Session) SelectFrame(n int) error {
	if _, err := s.dbgOrErr(); err != nil {
		return err
	}
	s.owner(func(d *debugState) { d.frame = n })
	return nil
}

// Locals returns the arguments and local variables of frame level n (-1: the selected frame).
func (s *Session) Locals(frame int) ([]Variable, error) {
	sc := s.selected()
	if frame >= 0 {
		sc.Frame = frame
	}
	return s.LocalsIn(s.ctx, sc)
}

// LocalsIn returns the arguments and local variables of the frame sc names. Structs, arrays and
// pointers get a varobj (VarObj) whose members Children lists; the varobjs of the previous call
// are deleted (the locals pane shows one frame at a time).
func (s *Session) LocalsIn(ctx context.Context, sc Scope) ([]Variable, error) {
	d, err := s.dbgOrErr()
	if err != nil {
		return nil, err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	t, f := s.scopeArgs(sc)
	var old []string
	s.owner(func(d *debugState) { old, d.varobjs, d.varScope = d.varobjs, nil, nil })
	for _, v := range old {
		d.getConn().Exec(ctx, "-var-delete", v)
	}
	r, err := s.mi(ctx, "-stack-list-variables", "--thread", t, "--frame", f, "--simple-values")
	if err != nil {
		return nil, err
	}
	vars := gdbmi.ParseVariables(r.Get("variables"))
	out := make([]Variable, 0, len(vars))
	for _, v := range vars {
		out = append(out, Variable{Name: v.Name, Type: v.Type, Value: v.Value, Arg: v.Arg})
	}
	if hasDuplicateNames(out) {
		labelShadowed(out, s.frameBlocks(ctx, t, f))
	}
	for i, v := range vars {
		x := &out[i]
		if x.Shadowed {
			// An expression names the innermost one: no varobj can reach this variable.
			if !v.HasValue {
				x.Value = "(hidden by the inner " + x.Name + ")"
			}
			continue
		}
		if !v.HasValue || (strings.HasSuffix(strings.TrimSpace(v.Type), "*") && !strings.Contains(v.Type, "char")) {
			cr, err := d.getConn().Exec(ctx, "-var-create", "--thread", t, "--frame", f, "-", "*", v.Name)
			if err == nil {
				o := gdbmi.ParseVarObj(cr.Results)
				x.VarObj, x.NumChild = o.Name, o.NumChild
				if x.Value == "" {
					x.Value = o.Value
				}
				s.keepVarObj(o.Name, t, f)
			}
		}
		if isCharArray(x.Type) {
			// gdb's varobj says "[8]"; the student wants the string (still expandable).
			if text, ok := s.charArrayText(ctx, t, f, x.Name); ok {
				x.Value = text
			}
		}
	}
	return out, nil
}

// hasDuplicateNames reports whether two variables share a name (one shadows the other).
func hasDuplicateNames(vars []Variable) bool {
	seen := map[string]bool{}
	for _, v := range vars {
		if seen[v.Name] {
			return true
		}
		seen[v.Name] = true
	}
	return false
}

// Children lists the members of an expandable variable.
func (s *Session) Children(varobj string) ([]Variable, error) { return s.ChildrenIn(s.ctx, varobj) }

// ChildrenIn lists the members of an expandable variable (a varobj knows its own frame).
func (s *Session) ChildrenIn(ctx context.Context, varobj string) ([]Variable, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return nil, err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	r, err := s.mi(ctx, "-var-list-children", "--all-values", varobj)
	if err != nil {
		return nil, err
	}
	var out []Variable
	for _, c := range gdbmi.VarChildren(r) {
		out = append(out, Variable{Name: c.Exp, Type: c.Type, Value: c.Value, VarObj: c.Name, NumChild: c.NumChild})
	}
	s.childCharArrays(ctx, varobj, out)
	return out, nil
}

// Evaluate evaluates an expression in the selected frame (a watch expression).
func (s *Session) Evaluate(expr string) (string, error) {
	return s.EvaluateIn(s.ctx, s.selected(), expr)
}

// EvaluateIn evaluates an expression in the frame sc names.
func (s *Session) EvaluateIn(ctx context.Context, sc Scope, expr string) (string, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return "", err
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	t, f := s.scopeArgs(sc)
	r, err := s.mi(ctx, "-data-evaluate-expression", "--thread", t, "--frame", f, expr)
	if err != nil {
		return "", err
	}
	return r.Get("value").String(), nil
}

// Console runs a gdb CLI command (through -interpreter-exec console) in the selected frame. Its
// output arrives as ConsoleEvents.
func (s *Session) Console(cmd string) error { return s.ConsoleIn(s.ctx, s.selected(), cmd) }

// ConsoleIn runs a gdb CLI command in the frame sc names (while a program runs; gdb's own scope
// otherwise). Its output arrives as ConsoleEvents.
func (s *Session) ConsoleIn(ctx context.Context, sc Scope, cmd string) error {
	if _, err := s.dbgOrErr(); err != nil {
		return err
	}
	if name, ok := shellEscape(cmd); ok {
		return fmt.Errorf("%s runs a command outside the sandbox, and its output would bypass this console: use a terminal of your own", name)
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	alive := false
	s.owner(func(d *debugState) { alive = d.infPid > 0 })
	var err error
	if alive {
		t, f := s.scopeArgs(sc)
		_, err = s.mi(ctx, "-interpreter-exec", "--thread", t, "--frame", f, "console", cmd)
	} else {
		_, err = s.mi(ctx, "-interpreter-exec", "console", cmd)
	}
	return err
}

// ConsoleCapture runs a gdb CLI command like Console and also returns the text it printed
// (console and log lines, joined by newlines). The lines are still emitted as ConsoleEvents.
func (s *Session) ConsoleCapture(cmd string) (string, error) {
	d, err := s.dbgOrErr()
	if err != nil {
		return "", err
	}
	d.capMu.Lock()
	defer d.capMu.Unlock()
	c := &consoleCapture{marker: fmt.Sprintf("@@sandbug-console-end-%d@@", time.Now().UnixNano()), done: make(chan struct{})}
	s.owner(func(d *debugState) { d.capture = c })
	cmdErr := s.Console(cmd)
	// The marker's echo travels behind the command's output on gdb's ordered stream.
	_, err = d.getConn().Exec(s.ctx, "-interpreter-exec", "console", "echo "+c.marker+"\\n")
	if err == nil {
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			err = errors.New("gdb's console output did not end")
		case <-s.ctx.Done():
			err = ErrClosed
		}
	}
	var lines []string
	s.owner(func(d *debugState) {
		if d.capture == c {
			d.capture = nil
		}
		lines = c.lines
	})
	if cmdErr != nil {
		return strings.Join(lines, "\n"), cmdErr
	}
	return strings.Join(lines, "\n"), err
}

// MainLocation says where main is defined (from the debug information, without running the
// program), so that a UI can show its source while the program starts. It waits for gdb to
// start (ctx bounds the wait); a program without main, or without debug information, is an
// error.
func (s *Session) MainLocation(ctx context.Context) (Frame, error) {
	if s.dbg == nil {
		return Frame{}, ErrNotDebugging
	}
	ctx, done := s.callCtx(ctx)
	defer done()
	select {
	case <-s.dbg.gdbUp:
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	}
	if _, err := s.dbgOrErr(); err != nil {
		return Frame{}, err
	}
	r, err := s.mi(ctx, "-symbol-info-functions", "--name", "^main$")
	if err != nil {
		return Frame{}, err
	}
	for _, file := range r.Get("symbols").Get("debug").Values() {
		for _, sym := range file.Get("symbols").Values() {
			if sym.Get("name").String() != "main" {
				continue
			}
			line, _ := strconv.Atoi(sym.Get("line").String())
			return Frame{Func: "main", File: file.Get("filename").String(),
				FullName: file.Get("fullname").String(), Line: line}, nil
		}
	}
	return Frame{}, errors.New("main has no source line in the debug information")
}
