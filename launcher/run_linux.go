package launcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/keeper"
	"golang.org/x/sys/unix"
)

// StartRun starts cfg.Program in the sandbox without the debugger: the wrapper directly, with
// the supervisor collecting blocked calls. It returns once everything that can fail before the
// program exists has been checked (policy, wrapper); compiling, a missing program or a wrapper
// failure arrive as events and end with an ExitEvent, after which Events is closed.
func StartRun(ctx context.Context, cfg Config) (*Session, error) {
	s, err := prepare(ctx, cfg, false)
	if err != nil {
		return nil, err
	}
	s.state = Starting
	pio, err := s.setupIO()
	if err != nil {
		s.cancel()
		s.cleanup()
		return nil, err
	}
	go s.runMain(pio)
	return s, nil
}

// wrapperArgs returns the wrapper's arguments before "--".
func (s *Session) wrapperArgs() []string {
	var a []string
	if s.polFile != "" {
		a = []string{"--policy", s.polFile}
	} else {
		name := s.cfg.Profile
		if name == "" {
			name = DefaultProfile
		}
		a = []string{"--profile", name}
	}
	a = append(a, "--notify", s.sup.SocketPath())
	if !s.cfg.Limits.IsZero() {
		a = append(a, "--limit", s.cfg.Limits.String())
	}
	if s.cfg.User != "" {
		a = append(a, "--user", s.cfg.User)
	}
	switch {
	case s.cfg.NoJail:
		a = append(a, "--no-jail")
	case s.cfg.RequireJail:
		a = append(a, "--require-jail")
	}
	for _, p := range s.cfg.AllowRead {
		a = append(a, "--allow-read", p)
	}
	for _, p := range s.cfg.AllowWrite {
		a = append(a, "--allow-write", p)
	}
	if s.cfg.KeepEnv {
		a = append(a, "--keep-env")
	}
	if IsSource(s.cfg.Program) {
		// The sources' folders are the program's own: headers, input files next to them.
		var seen []string
		for _, src := range s.cfg.AllSources() {
			if d, err := filepath.Abs(filepath.Dir(src)); err == nil && !slices.Contains(seen, d) {
				seen = append(seen, d)
				a = append(a, "--allow-read", d)
			}
		}
	}
	if s.cfg.Make != nil {
		a = append(a, "--allow-read", s.cfg.Make.Dir) // the project's folder, as for sources
	}
	if s.progTmp != "" {
		a = append(a, "--tmpdir", s.progTmp)
	}
	return a
}

// compileIfSource compiles a C/C++ Program, or builds it with make (Config.Make); it reports
// false (after the ExitEvent) when the program cannot run.
func (s *Session) compileIfSource() bool {
	prog := s.cfg.Program
	if IsSource(prog) || s.cfg.Make != nil {
		var ev CompileEvent
		var err error
		if s.cfg.Make != nil {
			ev, err = BuildMake(s.ctx, *s.cfg.Make, s.tmp)
		} else {
			cflags := s.cfg.CFlags
			if f := s.cfg.Sanitize.CFlags(); f != nil {
				cflags = ShellJoin(f) + " " + cflags
			}
			ev, err = CompileAll(s.ctx, s.cfg.AllSources(), s.cfg.CC, cflags, s.tmp)
		}
		var ce *CompileError
		switch {
		case err != nil && s.ctx.Err() != nil:
			// sandbug was told to stop (or closed the session) while compiling: the compiler was
			// killed, not wrong. The caller names the signal (ExitStatus.Interrupt).
			s.emit(ev)
			s.finish(ExitStatus{Kind: KindInterrupted, Message: "stopped while compiling: the program never ran"})
			return false
		case errors.As(err, &ce):
			s.emit(ev)
			s.finish(ExitStatus{Kind: KindCompileError, Message: ce.Output})
			return false
		case err != nil:
			ev.Output += err.Error() + "\n"
			s.emit(ev)
			s.finish(ExitStatus{Kind: KindCompileError, Message: err.Error()})
			return false
		}
		s.emit(ev)
		prog = ev.Binary
	}
	s.mu.Lock()
	s.program = prog
	s.mu.Unlock()
	return true
}

// finish records the exit status and emits the ExitEvent and the Exited state.
func (s *Session) finish(st ExitStatus) {
	s.mu.Lock()
	if s.userStopped && st.Kind == KindSignaled && st.Signal == "SIGKILL" {
		st.Kind = KindStopped // the user's Ctrl+X, not a mystery SIGKILL
	}
	s.exit = &st
	s.state = Exited
	s.mu.Unlock()
	s.emit(ExitEvent{Status: st})
	s.emit(StateEvent{State: Exited})
}

func (s *Session) newSupervisor(intercept func(wrapper.Event) (wrapper.Verdict, bool)) error {
	sup, err := wrapper.NewSupervisor(wrapper.SupervisorConfig{Policy: s.pol, Intercept: intercept,
		RequireToken: true, OnFailedExit: s.onFailedExit})
	if err != nil {
		return fmt.Errorf("start the sandbox supervisor: %w", err)
	}
	s.sup = sup
	return nil
}

// onFailedExit is the supervisor's hook for an exit_group with a nonzero status (the wrapper
// notifies those under a memory limit): the program still has its address space, so the limit
// watch reads its final peak here; sampling alone could miss it (a program that hits the limit
// and exits within one sampling period, or whose last output is read after it is gone). The
// status is kept for the Processes list: gdb 13 now and then reports a forked process's end
// without its exit code.
//
// A quick program can get there before the run's watch has started: sandbug learns the pid
// from the keeper while the wrapper goes on to the execve, and the watch starts after that.
// Its reading then goes to an early watch, under the lock, which the run's watch adopts
// (TestMemLimitHitThenQuickExit, which saw a plain exit under load).
func (s *Session) onFailedExit(pid, _, status int) {
	s.mu.Lock()
	w := s.watch
	if s.failedExits == nil || len(s.failedExits) >= 4096 {
		s.failedExits = map[int]int{}
	}
	s.failedExits[pid] = status
	if w == nil && s.dbg == nil && (s.mainPid == 0 || s.mainPid == pid) {
		if s.earlyWatch == nil || s.earlyWatch.pid != pid {
			s.earlyWatch = newLimitWatch(pid, false, 0, s.wrapperPath)
		}
		s.earlyWatch.readVM()
	}
	s.mu.Unlock()
	if w != nil && w.pid == pid {
		w.readVM()
	}
}

// supLoop turns supervisor events into session events until the supervisor closes; it closes
// detached when every sandboxed process is gone (or the wrapper failed) so the exit can be
// reported after every blocked call.
func (s *Session) supLoop(detached chan<- struct{}) {
	closed := false
	defer func() {
		if !closed {
			close(detached)
		}
	}()
	for e := range s.sup.Events() {
		if s.applySupEvent(e) && !closed {
			closed = true
			close(detached)
		}
	}
}

// applySupEvent turns one supervisor event into session events; true means the program's
// sandboxed processes are all gone (or the wrapper failed before exec).
func (s *Session) applySupEvent(e wrapper.Event) (ended bool) {
	switch e.Kind {
	case wrapper.EventAttached:
		s.mu.Lock()
		first := !s.attached
		if first {
			s.attached = true
			s.jail = e.Jail
		}
		s.mu.Unlock()
		s.emit(AttachedEvent{Pid: e.Pid, Program: e.Program, Policy: e.Policy, Jail: e.Jail})
		if first {
			// The wrapper installed the filter before saying hello: the kernel shows it now.
			s.recordVerified(VerifyPid(e.Pid))
		}
	case wrapper.EventWrapperError:
		ev := e
		s.mu.Lock()
		s.wrapErr = &ev
		s.mu.Unlock()
		return true
	case wrapper.EventBlocked, wrapper.EventLogged:
		s.addBlocked(s.blockedFrom(e))
	case wrapper.EventKilled:
		s.mu.Lock()
		if e.Pid == s.mainPid || s.mainPid == 0 {
			ev := e
			s.killed = &ev
		}
		s.mu.Unlock()
		s.addBlocked(s.blockedFrom(e))
	case wrapper.EventDetached:
		return true
	}
	return false
}

func (s *Session) recordVerified(v VerifiedEvent) {
	s.mu.Lock()
	if s.verified != nil && s.verified.OK {
		s.mu.Unlock()
		return
	}
	s.verified = &v
	s.mu.Unlock()
	s.emit(v)
}

// progIO is how the program's standard streams are connected for one start.
type progIO struct {
	stdin, stdout, stderr *os.File
	readFrom              *os.File // where OutputEvents come from (pty master or pipe), or nil
	closeAfterStart       []*os.File
	setsid, foreground    bool
}

func (s *Session) setupIO() (*progIO, error) {
	pio := &progIO{}
	switch s.cfg.IO {
	case IOPty:
		m, sl, err := openPTY(s.cfg.Rows, s.cfg.Cols)
		if err != nil {
			return nil, fmt.Errorf("open a terminal for the program: %w", err)
		}
		s.mu.Lock()
		s.master = m
		s.mu.Unlock()
		pio.stdin, pio.stdout, pio.stderr = sl, sl, sl
		pio.readFrom = m
		pio.closeAfterStart = []*os.File{sl}
		pio.setsid = true
	case IOPipe:
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		pio.stdout, pio.stderr, pio.readFrom = w, w, r
		pio.closeAfterStart = append(pio.closeAfterStart, w)
		if s.cfg.Stdin != nil {
			pio.stdin = s.cfg.Stdin
		} else {
			ir, iw, err := os.Pipe()
			if err != nil {
				r.Close()
				w.Close()
				return nil, err
			}
			pio.stdin = ir
			pio.closeAfterStart = append(pio.closeAfterStart, ir)
			s.mu.Lock()
			s.input = iw
			s.mu.Unlock()
		}
	case IOFiles:
		pio.stdin, pio.stdout, pio.stderr = s.cfg.Stdin, s.cfg.Stdout, s.cfg.Stderr
		// A terminal on stdin: make the program the terminal's foreground job, as a shell does,
		// so it can read it and Ctrl-C reaches it.
		pio.foreground = s.cfg.Stdin != nil && IsTerminal(s.cfg.Stdin)
	default:
		return nil, fmt.Errorf("unknown IO mode %d", s.cfg.IO)
	}
	return pio, nil
}

// readOutput copies the program's output into OutputEvents until end of file (EIO on a pty
// whose slaves are all closed), then closes done.
func (s *Session) readOutput(f *os.File, done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			s.emit(OutputEvent{Data: buf[:n]})
			s.mu.Lock()
			w := s.watch
			s.mu.Unlock()
			w.sample()
		}
		if err != nil {
			if !isEndOfPTY(err) && !errors.Is(err, syscall.EINTR) {
				s.emit(ErrorEvent{Err: fmt.Errorf("reading the program's output: %w", err)})
			}
			return
		}
	}
}

func (s *Session) runMain(pio *progIO) {
	// The thread that seizes the program must be the one that waits for it and resumes it; it
	// ends with this goroutine (never unlocked), which detaches whatever it still traces.
	trace := !s.cfg.NoCrashTrace
	if trace {
		runtime.LockOSThread()
	}
	defer close(s.done)
	defer s.q.close()
	defer s.cleanup()
	s.emit(StateEvent{State: Starting})
	closeIO := func() {
		for _, f := range pio.closeAfterStart {
			f.Close()
		}
		if pio.readFrom != nil {
			pio.readFrom.Close()
		}
	}
	if !s.compileIfSource() {
		closeIO()
		return
	}
	if err := s.newSupervisor(nil); err != nil {
		closeIO()
		s.finish(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup, Message: err.Error()})
		return
	}
	args := append([]string{s.wrapperPath}, s.wrapperArgs()...)
	args = append(append(args, "--", s.program), s.cfg.Args...)
	// The wrapper runs under a keeper (a child subreaper) that kills whatever the program
	// leaves behind once this session is done with it, or when sandbug itself is killed.
	session := keeper.Pgid
	switch {
	case pio.setsid:
		session = keeper.Setsid
	case pio.foreground:
		session = keeper.Foreground
	}
	cmd, keep, err := keeperCommand(s.wrapperPath, session, args)
	if err != nil {
		closeIO()
		s.finish(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup, Message: err.Error()})
		return
	}
	defer keep.release()
	cmd.Dir = s.cfg.Dir
	// The supervisor's token reaches the wrapper only: the wrapper removes it before exec.
	env := s.cfg.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(env[:len(env):len(env)], s.sup.Env()...)
	cmd.Env = append(cmd.Env, s.sanitizerEnv()...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = fileOrNil(pio.stdin), fileOrNil(pio.stdout), fileOrNil(pio.stderr)
	becomeSubreaper()
	detached := make(chan struct{})
	go s.supLoop(detached)
	if pio.foreground {
		signalIgnoreTTOU()
	}
	s.started = time.Now()
	startErr := cmd.Start()
	var pid int
	if startErr == nil {
		defer func() { keep.release(); cmd.Wait(); keep.done() }()
		pid, startErr = keep.started()
	}
	if startErr != nil {
		closeIO()
		s.finish(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitNotExecutable,
			Message: fmt.Sprintf("cannot start the wrapper %s: %v", s.wrapperPath, startErr)})
		return
	}
	traced := trace && seizeForCrash(pid)
	registerPid(pid, true)
	defer registerPid(pid, false)
	for _, f := range pio.closeAfterStart {
		f.Close()
	}
	s.mu.Lock()
	s.mainPid, s.lastPid = pid, pid
	s.slave = nil
	s.mu.Unlock()
	s.setState(Running, nil)

	outDone := make(chan struct{})
	if pio.readFrom != nil {
		go s.readOutput(pio.readFrom, outDone)
	} else {
		close(outDone)
	}

	// Wall-clock limit and Close/cancel: kill the whole tree.
	timedOut := make(chan struct{})
	exited := make(chan struct{})
	if testHookBeforeLimitWatch != nil {
		testHookBeforeLimitWatch()
	}
	watch := startLimitWatch(pid, pio.setsid, nprocCeiling(s.cfg.Limits), s.wrapperPath, exited,
		func() { killTree(pid, pio.setsid) })
	s.mu.Lock()
	watch.adopt(s.earlyWatch)
	s.watch, s.earlyWatch = watch, nil
	s.mu.Unlock()
	go func() {
		var timer <-chan time.Time
		if s.cfg.Timeout > 0 {
			t := time.NewTimer(s.cfg.Timeout)
			defer t.Stop()
			timer = t.C
		}
		select {
		case <-exited:
		case <-timer:
			close(timedOut)
			killTree(pid, pio.setsid)
		case <-s.ctx.Done():
			killTree(pid, pio.setsid)
		}
	}()

	// Wait for the exit without reaping: the zombie keeps the pid (and its process group id)
	// while the rest of the tree is killed and the sandbox state can still be read.
	crash := waitTraced(pid, traced)
	if traced && !keep.direct {
		// Hand the zombie to its parent, the keeper, which keeps it until released.
		releaseTracee(pid)
	}
	ws, haveStatus := keep.exitStatus()
	close(exited)
	// Under a keeper, everything the program left is below it (a child subreaper): a few reads
	// of /proc/<keeper>/task/*/children instead of a scan of every process.
	var leftovers int
	if keep.direct {
		leftovers = countTree(pid, pio.setsid)
	} else {
		leftovers = len(keep.leftovers(pid))
	}
	s.mu.Lock()
	s.leftovers = leftovers
	s.mu.Unlock()
	// Kill what is left of the tree. The process group is the cheap first step; the supervisor
	// reports "detached" once no process holds the sandbox's listener (every sandboxed
	// descendant is gone), and only when it does not come quickly is /proc scanned for
	// escapees (setsid, double fork).
	unix.Kill(-pid, unix.SIGKILL)
	s.mu.Lock()
	attached := s.attached
	s.mu.Unlock()
	if attached {
		select {
		case <-detached:
		case <-time.After(50 * time.Millisecond):
			keep.killLeftovers(pid, pio.setsid)
			select {
			case <-detached:
			case <-time.After(2 * time.Second):
			}
		}
	} else {
		keep.killLeftovers(pid, pio.setsid)
		select {
		case <-detached:
		case <-time.After(300 * time.Millisecond):
		}
	}
	// Verify on the zombie if it was not done at the hello; a program that ran without any hello
	// and without a wrapper error is checked too: the kernel says whether it was sandboxed.
	s.mu.Lock()
	verify := s.verified == nil && s.wrapErr == nil
	s.mu.Unlock()
	if verify {
		if v := VerifyPid(pid); attached || !v.OK {
			s.recordVerified(v)
		}
	}
	keep.release()
	cmd.Wait()
	if pio.foreground {
		restoreForeground(s.cfg.Stdin)
	}
	// Drain the output: the pty master reads EIO once the last slave is closed.
	select {
	case <-outDone:
	case <-time.After(2 * time.Second):
		pio.readFrom.Close()
		<-outDone
	}
	if pio.readFrom != nil && pio.readFrom != s.master {
		pio.readFrom.Close()
	}
	s.mu.Lock()
	s.mainPid = 0
	s.mu.Unlock()
	_, timed := recvClosed(timedOut)
	if !haveStatus {
		ws, _ = cmd.ProcessState.Sys().(syscall.WaitStatus) // the keeper mirrors it
	}
	st := s.classify(ws, cmd.ProcessState, timed, s.ctx.Err() != nil)
	if st.Kind == KindSignaled || st.Kind == KindExited && st.Code != 0 {
		if c := s.sanitizerCrash(s.LastPid(), crash); c != crash {
			c.Signal = st.Signal // an exit code after a report (abort_on_error off) keeps its kind
			crash = c
		}
	}
	if st.Kind == KindSignaled || crash != nil && crash.San != nil {
		st.applyCrash(crash)
	}
	s.finish(st)
}

// testHookBeforeLimitWatch, when set by a test, runs just before the run's limit watch starts:
// a slow launcher, as under load.
var testHookBeforeLimitWatch func()

func recvClosed(c <-chan struct{}) (struct{}, bool) {
	select {
	case <-c:
		return struct{}{}, true
	default:
		return struct{}{}, false
	}
}

func fileOrNil(f *os.File) io.ReadWriter {
	if f == nil {
		return nil
	}
	return f
}

// signalIgnoreTTOU lets this process take the terminal back after a foreground program ends.
func signalIgnoreTTOU() { ignoreTTOU() }

// restoreForeground makes this process's group the terminal's foreground group again.
func restoreForeground(tty *os.File) {
	unix.IoctlSetPointerInt(int(tty.Fd()), unix.TIOCSPGRP, unix.Getpgrp())
}

var _ = context.Background
