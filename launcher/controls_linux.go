package launcher

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
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

var startupExitRE = lazyRE(`exited with code (\d+)`)

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
	d.resuming.Store(true) // the new run goes to its first stop
	var wrapErrC chan struct{}
	s.owner(func(d *debugState) {
		d.started = true
		d.verifiedRun = false
		d.killedBy, d.lastSignal = nil, nil
		d.calls.forget()
		d.userKilled, d.timedOut = false, false
		d.budget = s.cfg.Timeout
		d.thread, d.frame = 1, 0
		d.procs.reset()
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
	if s.followMode() != "" {
		// After a run that forked, gdb may have another inferior selected: run the first.
		s.mi(s.ctx, "-interpreter-exec", "console", "inferior 1")
	}
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
	if m := startupExitRE().FindStringSubmatch(me.Msg); m != nil {
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
	return s.execRunCtx(s.ctx, cmd, args...)
}

// execRunCtx resumes the program with cmd. A ctx done before gdb got the command cancels it;
// once gdb has it, the program resumes (gdb cannot take a step back).
func (s *Session) execRunCtx(ctx context.Context, cmd string, args ...string) error {
	d, err := s.dbgOrErr()
	if err != nil {
		return err
	}
	d.recordSettled()
	d.cmdMu.Lock()
	defer d.cmdMu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
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
func (s *Session) Finish() error { return s.FinishIn(s.ctx, s.selected()) }

// FinishIn runs until the frame sc names returns.
func (s *Session) FinishIn(ctx context.Context, sc Scope) error {
	if s.dbg == nil {
		return ErrNotDebugging
	}
	t, f := s.scopeArgs(sc)
	return s.execRunCtx(ctx, "-exec-finish", "--thread", t, "--frame", f)
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
		s.userStopped = s.userStopped || pid > 0
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
		s.finishRun(ExitStatus{Kind: KindStopped, Signal: "SIGKILL", SignalDesc: SignalMeaning("SIGKILL")})
	})
}

// diedWhileStopped ends the run of a program that died (killed from outside) while gdb held it
// stopped. gdb learns of that only when it resumes the program, and resuming a dead program from
// a breakpoint can hang it: read how it died from the zombie instead, then let gdb forget it.
func (s *Session) diedWhileStopped(pid int) {
	d := s.dbg
	d.cmdMu.Lock()
	// The supervisor can hear of the death while the process is still exiting: give it a
	// moment to become a zombie (or to be reaped by gdb).
	st, ok := zombieStatus(pid)
	for deadline := time.Now().Add(time.Second); !ok && time.Now().Before(deadline); st, ok = zombieStatus(pid) {
		if _, exists := readStat(pid); !exists {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if d.resuming.Load() {
		d.cmdMu.Unlock()
		return // resumed meanwhile: gdb reports the exit
	}
	if !gdbAlive(d) {
		// It died because gdb did (pdeathsig): gdb's death is the news (onGDBEnded).
		d.cmdMu.Unlock()
		return
	}
	if !ok {
		d.cmdMu.Unlock()
		if _, exists := readStat(pid); !exists {
			// gdb has reaped it already and holds the exit until it resumes the program.
			s.Continue()
		}
		return // else it is not dead after all
	}
	defer d.cmdMu.Unlock()
	if _, err := s.mi(s.ctx, "-interpreter-exec", "console", "kill"); errors.Is(err, gdbmi.ErrExited) {
		return
	}
	s.owner(func(d *debugState) {
		if d.infPid == pid {
			s.finishRun(st)
		}
	})
}

// gdbAlive reports whether gdb runs (neither its output ended nor its process is a zombie).
func gdbAlive(d *debugState) bool {
	select {
	case <-d.gdbGone:
		return false
	default:
	}
	pid := int(d.gdbPid.Load())
	if pid == 0 {
		return false
	}
	p, ok := readStat(pid)
	return ok && p.state != 'Z'
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
