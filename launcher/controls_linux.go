package launcher

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
	"github.com/sandbug/sandbug/wrapper"
)

func (s *Session) dbgOrErr() (*debugState, error) {
	if s.dbg == nil {
		return nil, ErrNotDebugging
	}
	if s.ctx.Err() != nil {
		return nil, ErrClosed
	}
	if s.dbg.getConn() == nil {
		return nil, errors.New("gdb is not running yet")
	}
	return s.dbg, nil
}

// scope returns the thread and the frame commands act on, as gdb's --thread and --frame.
func (s *Session) scope() (thread, frame string) {
	if s.dbg == nil {
		return "1", "0"
	}
	s.owner(func(d *debugState) { thread, frame = strconv.Itoa(d.thread), strconv.Itoa(d.frame) })
	return thread, frame
}

var startupExitRE = regexp.MustCompile(`exited with code (\d+)`)

// Run starts the program under gdb (killing a run in progress first: restart) and stops at a
// temporary breakpoint in main.
func (s *Session) Run() error {
	d, err := s.dbgOrErr()
	if err != nil {
		return err
	}
	d.cmdMu.Lock()
	defer d.cmdMu.Unlock()
	s.killLocked()
	var wrapErrC chan struct{}
	s.owner(func(d *debugState) {
		d.started = true
		d.verifiedRun = false
		d.killedBy, d.lastSignal = nil, nil
		d.calls.forget()
		d.userKilled, d.timedOut = false, false
		d.budget = s.cfg.Timeout
		d.thread, d.frame = 1, 0
		d.exitDone = make(chan struct{})
		d.wrapErrC = make(chan struct{})
		wrapErrC = d.wrapErrC
	})
	s.mu.Lock()
	s.exit, s.attached, s.wrapErr, s.verified = nil, false, nil, nil
	s.blocked = BlockedList{}
	s.mu.Unlock()
	s.setState(Starting, nil)
	// Stop before main runs; a program without a main symbol (stripped) stops at its first
	// instruction instead, so that the sandbox is verified before any of its code runs.
	starti := false
	if _, berr := s.mi(s.ctx, "-break-insert", "-t", "main"); berr != nil {
		starti = true
	}
	s.owner(func(d *debugState) {
		d.startiRun = starti
		d.attachVerify = nil
	})
	if starti {
		_, err = s.mi(s.ctx, "-interpreter-exec", "console", "starti")
	} else {
		_, err = s.mi(s.ctx, "-exec-run")
	}
	if err == nil {
		return nil
	}
	var me *gdbmi.MIError
	if !errors.As(err, &me) {
		s.owner(func(*debugState) {
			s.finishRun(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup, Message: err.Error()})
		})
		return err
	}
	// "During startup program exited with code 125.": the wrapper failed; its own reason
	// arrives on the notify socket, if it comes at all.
	code := wrapper.ExitSetup
	if m := startupExitRE.FindStringSubmatch(me.Msg); m != nil {
		code, _ = strconv.Atoi(m[1])
	}
	msg := me.Msg
	select {
	case <-wrapErrC:
		s.mu.Lock()
		if we := s.wrapErr; we != nil {
			code, msg = we.Code, we.Message
		}
		s.mu.Unlock()
	case <-time.After(time.Second):
	case <-s.ctx.Done():
	}
	s.owner(func(*debugState) { s.finishRun(ExitStatus{Kind: KindSandboxError, Code: code, Message: msg}) })
	return nil
}

// Restart is Run: it kills a run in progress and starts again.
func (s *Session) Restart() error { return s.Run() }

func (s *Session) execRun(cmd string, args ...string) error {
	d, err := s.dbgOrErr()
	if err != nil {
		return err
	}
	d.cmdMu.Lock()
	defer d.cmdMu.Unlock()
	s.resume(d)
	_, err = s.mi(s.ctx, cmd, args...)
	return err
}

// Continue resumes the program.
func (s *Session) Continue() error { return s.execRun("-exec-continue") }

// Next steps over one source line.
func (s *Session) Next() error {
	t, _ := s.scope()
	return s.execRun("-exec-next", "--thread", t)
}

// Step steps into one source line.
func (s *Session) Step() error {
	t, _ := s.scope()
	return s.execRun("-exec-step", "--thread", t)
}

// Finish runs until the selected frame returns.
func (s *Session) Finish() error {
	t, f := s.scope()
	return s.execRun("-exec-finish", "--thread", t, "--frame", f)
}

// Until runs until file:line is reached (or the current frame returns).
func (s *Session) Until(file string, line int) error {
	t, _ := s.scope()
	return s.execRun("-exec-until", "--thread", t, fmt.Sprintf("%s:%d", file, line))
}

// Interrupt stops the running program (like Ctrl-C in gdb).
func (s *Session) Interrupt() error {
	if _, err := s.dbgOrErr(); err != nil {
		return err
	}
	_, err := s.mi(s.ctx, "-exec-interrupt")
	return err
}

// Kill kills the program; the run ends with "terminated by SIGKILL". In a run session it
// kills the program's whole tree.
func (s *Session) Kill() error {
	if s.dbg == nil {
		s.mu.Lock()
		pid := s.mainPid
		s.mu.Unlock()
		if pid > 0 {
			killTree(pid, s.cfg.IO == IOPty)
		}
		return nil
	}
	d, err := s.dbgOrErr()
	if err != nil {
		return err
	}
	d.cmdMu.Lock()
	defer d.cmdMu.Unlock()
	s.killLocked()
	return nil
}

// Stop is Kill (the Shift+F5 of an IDE).
func (s *Session) Stop() error { return s.Kill() }

func (s *Session) killLocked() {
	started := false
	s.owner(func(d *debugState) {
		started = d.started
		d.userKilled = d.userKilled || started
	})
	if !started {
		return
	}
	s.mi(s.ctx, "-interpreter-exec", "console", "kill")
	// gdb reports a kill with =thread-group-exited only: end the run here (unless the loop has
	// ended it meanwhile: then finishRun does nothing).
	s.owner(func(d *debugState) {
		s.killProgram()
		s.finishRun(ExitStatus{Kind: KindSignaled, Signal: "SIGKILL", SignalDesc: SignalMeaning("SIGKILL")})
	})
}

// SourceFiles lists the program's own source files as gdb knows them from its debug
// information (-file-list-exec-source-files), whether or not the program has been in them yet:
// full paths of existing regular files, system and library sources left out (the same test as
// Frame.UserSource), without duplicates, sorted.
func (s *Session) SourceFiles() ([]string, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return nil, err
	}
	r, err := s.mi(s.ctx, "-file-list-exec-source-files")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range r.Get("files").Values() {
		fr := Frame{File: f.Get("file").String(), FullName: f.Get("fullname").String(), Line: 1}
		// Sources of libraries without their files come with names relative to nothing
		// ("./elf/dl-call-libc-early-init.c"): never resolve those against our directory.
		if seen[fr.FullName] || !filepath.IsAbs(fr.FullName) || !fr.UserSource() {
			continue
		}
		seen[fr.FullName] = true
		out = append(out, fr.FullName)
	}
	slices.Sort(out)
	return out, nil
}

// Stack returns the frames of the current thread, innermost first.
func (s *Session) Stack() ([]Frame, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return nil, err
	}
	t, _ := s.scope()
	return s.stack(t)
}

// stack lists the frames of gdb's thread t (on the loop or off it).
func (s *Session) stack(t string) ([]Frame, error) {
	r, err := s.mi(s.ctx, "-stack-list-frames", "--thread", t)
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
// Structs, arrays and pointers get a varobj (VarObj) whose members Children lists.
func (s *Session) Locals(frame int) ([]Variable, error) {
	d, err := s.dbgOrErr()
	if err != nil {
		return nil, err
	}
	t, f := s.scope()
	if frame >= 0 {
		f = strconv.Itoa(frame)
	}
	var old []string
	s.owner(func(d *debugState) { old, d.varobjs = d.varobjs, nil })
	for _, v := range old {
		d.getConn().Exec(s.ctx, "-var-delete", v)
	}
	r, err := s.mi(s.ctx, "-stack-list-variables", "--thread", t, "--frame", f, "--simple-values")
	if err != nil {
		return nil, err
	}
	vars := gdbmi.ParseVariables(r.Get("variables"))
	out := make([]Variable, 0, len(vars))
	for _, v := range vars {
		x := Variable{Name: v.Name, Type: v.Type, Value: v.Value, Arg: v.Arg}
		if !v.HasValue || (strings.HasSuffix(strings.TrimSpace(v.Type), "*") && !strings.Contains(v.Type, "char")) {
			cr, err := d.getConn().Exec(s.ctx, "-var-create", "--thread", t, "--frame", f, "-", "*", v.Name)
			if err == nil {
				o := gdbmi.ParseVarObj(cr.Results)
				x.VarObj, x.NumChild = o.Name, o.NumChild
				if x.Value == "" {
					x.Value = o.Value
				}
				s.owner(func(d *debugState) { d.varobjs = append(d.varobjs, o.Name) })
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// Children lists the members of an expandable variable.
func (s *Session) Children(varobj string) ([]Variable, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return nil, err
	}
	r, err := s.mi(s.ctx, "-var-list-children", "--all-values", varobj)
	if err != nil {
		return nil, err
	}
	var out []Variable
	for _, c := range gdbmi.VarChildren(r) {
		out = append(out, Variable{Name: c.Exp, Type: c.Type, Value: c.Value, VarObj: c.Name, NumChild: c.NumChild})
	}
	return out, nil
}

// Evaluate evaluates an expression in the selected frame (a watch expression).
func (s *Session) Evaluate(expr string) (string, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return "", err
	}
	t, f := s.scope()
	r, err := s.mi(s.ctx, "-data-evaluate-expression", "--thread", t, "--frame", f, expr)
	if err != nil {
		return "", err
	}
	return r.Get("value").String(), nil
}

// Console runs a gdb CLI command (through -interpreter-exec console). Its output arrives as
// ConsoleEvents.
func (s *Session) Console(cmd string) error {
	if _, err := s.dbgOrErr(); err != nil {
		return err
	}
	var t, f string
	alive := false
	s.owner(func(d *debugState) {
		t, f, alive = strconv.Itoa(d.thread), strconv.Itoa(d.frame), d.infPid > 0
	})
	var err error
	if alive {
		_, err = s.mi(s.ctx, "-interpreter-exec", "--thread", t, "--frame", f, "console", cmd)
	} else {
		_, err = s.mi(s.ctx, "-interpreter-exec", "console", cmd)
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
