package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// debugState holds what only debug sessions need.
type debugState struct {
	conn  *gdbmi.Conn
	logF  *os.File
	cmdMu sync.Mutex // serialises the controls (not the queries)

	mu           sync.Mutex
	infPid       int      // the program's pid (=thread-group-started)
	running      bool     // gdb said *running and no *stopped since
	started      bool     // a run is in progress (from -exec-run until the exit)
	verifiedRun  bool     // the sandbox was verified for this run
	thread       int      // gdb thread id commands act on
	frame        int      // selected frame
	pending      *Blocked // a held notification gdb is asked to stop at, or the one stopped at
	pendingTrap  bool     // pending came from a SIGSYS stop, not a held notification
	lastTrap     *Blocked // the supervisor's last trap answer (it signals SIGSYS after it)
	kernelTrap   bool     // pending is a kernel SECCOMP_RET_TRAP: the call has not returned yet
	interrupted  bool     // -exec-interrupt was sent for pending
	verdicts     map[int]oneShot
	killedBy     *wrapper.Event // the supervisor killed infPid for this call
	userKilled   bool
	timedOut     bool
	lastSignal   *Stop          // the last signal stop (for "terminated by SIGSEGV at file:line")
	detached     map[int]bool   // wrapper pids whose sandboxed processes are all gone
	attachVerify *VerifiedEvent // the sandbox as read at the wrapper's hello
	startiRun    bool           // this run started with starti (no main to stop at)
	bps          map[string]Breakpoint
	bpOrder      []string
	varobjs      []string
	exitDone     chan struct{} // closed when the current run's ExitEvent was emitted

	// wall clock, paused while stopped
	budget    time.Duration
	runSince  time.Time
	wallTimer *time.Timer

	asm gdbmi.TextAssembler
	pty *ptyReader

	capMu   sync.Mutex // one ConsoleCapture at a time
	capture *consoleCapture
}

// getConn returns gdb's connection, nil before gdb has started.
func (d *debugState) getConn() *gdbmi.Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conn
}

// consoleCapture collects the console lines of one command up to its end marker.
type consoleCapture struct {
	marker string
	lines  []string
	done   chan struct{}
}

type oneShot struct {
	nr int
	v  wrapper.Verdict
}

// StartDebug starts a debug session: gdb drives the program inside the sandbox (the wrapper
// is gdb's exec-wrapper) on its own pty. It compiles a source first, then runs the program to a
// temporary breakpoint at main, so the session is Stopped before main runs with the source of
// main known. The sandbox is verified at that first stop.
func StartDebug(ctx context.Context, cfg Config) (*Session, error) {
	s, err := prepare(ctx, cfg, true)
	if err != nil {
		return nil, err
	}
	s.dbg = &debugState{verdicts: map[int]oneShot{}, bps: map[string]Breakpoint{}, thread: 1,
		detached: map[int]bool{}, pty: &ptyReader{}}
	m, sl, err := openPTY(cfg.Rows, cfg.Cols)
	if err != nil {
		s.cancel()
		s.cleanup()
		return nil, fmt.Errorf("open a terminal for the program: %w", err)
	}
	s.master, s.slave = m, sl
	s.state = Starting
	go s.debugMain()
	return s, nil
}

// mi issues one MI command and records it in the console transcript.
func (s *Session) mi(ctx context.Context, cmd string, args ...string) (*gdbmi.Record, error) {
	d := s.dbg
	if d == nil {
		return nil, ErrNotDebugging
	}
	conn := d.getConn()
	if conn == nil {
		return nil, errors.New("gdb is not running yet")
	}
	text := cmd
	for _, a := range args {
		text += " " + gdbmi.Quote(a)
	}
	s.emit(ConsoleEvent{Kind: ConsoleCommand, Text: text})
	return conn.Exec(ctx, cmd, args...)
}

func (s *Session) debugMain() {
	defer close(s.done)
	defer s.q.close()
	defer s.cleanup()
	defer s.debugCleanup()
	s.emit(StateEvent{State: Starting})
	go s.readPTY(s.master, s.dbg.pty)
	if !s.compileIfSource() {
		return
	}
	if err := s.newSupervisor(s.intercept); err != nil {
		s.finish(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup, Message: err.Error()})
		return
	}
	detached := make(chan struct{})
	go s.supLoop(detached, s.onSupEvent)
	if err := s.startGDB(); err != nil {
		s.finish(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup, Message: err.Error()})
		return
	}
	becomeSubreaper()
	loopDone := make(chan struct{})
	go s.gdbLoop(loopDone)
	if err := s.Run(); err != nil && !errors.Is(err, ErrClosed) {
		s.emit(ErrorEvent{Err: err})
	}
	select {
	case <-s.ctx.Done():
	case <-loopDone:
		s.emit(ErrorEvent{Err: errors.New("gdb ended unexpectedly")})
		s.killProgram()
		s.mu.Lock()
		ended := s.exit != nil
		s.mu.Unlock()
		if !ended {
			st := ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup,
				Message: "gdb ended unexpectedly, so the program was stopped"}
			s.dbg.mu.Lock()
			started := s.dbg.started
			s.dbg.mu.Unlock()
			if started {
				s.finishRun(st)
			} else {
				s.finish(st)
			}
		}
		<-s.ctx.Done()
	}
}

func (s *Session) debugCleanup() {
	d := s.dbg
	d.mu.Lock()
	pid := d.infPid
	if d.wallTimer != nil {
		d.wallTimer.Stop()
	}
	d.mu.Unlock()
	if pid > 0 {
		killTree(pid, true)
	}
	if conn := d.getConn(); conn != nil {
		gpid := conn.Pid()
		conn.Close()
		killTree(gpid, false)
	}
	if d.logF != nil {
		d.logF.Close()
	}
}

// startGDB starts gdb and sends the init sequence.
func (s *Session) startGDB() error {
	d := s.dbg
	// gdb's environment carries the supervisor's token to the exec-wrapper (which strips it
	// before exec), and gdb makes itself non-dumpable so the program cannot open its memory.
	o := gdbmi.Options{GDB: s.cfg.GDB, Dir: s.cfg.Dir, Env: s.sup.Env(), Args: wrapper.GDBHardenArgs()}
	if s.cfg.LogMI != "" {
		f, err := os.OpenFile(s.cfg.LogMI, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("--log-mi: %w", err)
		}
		d.logF = f
		o.Log = f
	}
	conn, err := gdbmi.Start(s.ctx, o)
	if err != nil {
		return fmt.Errorf("start gdb: %w", err)
	}
	d.mu.Lock()
	d.conn = conn
	d.mu.Unlock()
	s.mu.Lock()
	prog := s.program
	s.mu.Unlock()
	wrap := ShellJoin(append([]string{s.wrapperPath}, append(s.wrapperArgs(), "--")...))
	args := make([]string, len(s.cfg.Args))
	for i, a := range s.cfg.Args {
		args[i] = ShellQuote(a)
	}
	steps := [][]string{
		{"-gdb-set", "mi-async", "on"},
		{"-gdb-set", "startup-with-shell", "on"},
		{"-gdb-set", "pagination", "off"},
		{"-gdb-set", "confirm", "off"},
		{"-gdb-set", "width", "0"},
		{"-gdb-set", "height", "0"},
		{"-gdb-set", "style", "enabled", "off"},
		{"-interpreter-exec", "console", "set exec-wrapper " + wrap},
		{"-interpreter-exec", "console", "unset environment LINES"},
		{"-interpreter-exec", "console", "unset environment COLUMNS"},
		{"-inferior-tty-set", s.slave.Name()},
		{"-file-exec-and-symbols", prog},
		append([]string{"-exec-arguments"}, args...),
	}
	if s.cfg.Dir != "" {
		steps = append(steps, []string{"-environment-cd", s.cfg.Dir})
	}
	for _, st := range steps {
		if _, err := s.mi(s.ctx, st[0], st[1:]...); err != nil {
			return fmt.Errorf("gdb %s: %w", strings.Join(st, " "), err)
		}
	}
	// startup-with-shell off would skip the wrapper silently: make sure it holds.
	r, err := s.mi(s.ctx, "-gdb-show", "startup-with-shell")
	if err != nil || r.Get("value").String() != "on" {
		return fmt.Errorf("gdb refused startup-with-shell on: the sandbox cannot be applied")
	}
	return nil
}

// intercept is the supervisor's Intercept hook (never concurrent, must not block).
func (s *Session) intercept(e wrapper.Event) (wrapper.Verdict, bool) {
	d := s.dbg
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.verdicts[e.Tid]; ok && v.nr == e.Nr {
		delete(d.verdicts, e.Tid)
		return v.v, false
	}
	if !s.cfg.StopAtBlocked || e.Pid != d.infPid || d.infPid == 0 || d.pending != nil {
		return wrapper.Verdict{}, false
	}
	switch e.Action {
	case policy.Errno, policy.Kill, policy.Trap:
	default:
		return wrapper.Verdict{}, false
	}
	b := s.blockedFrom(e)
	b.Stopped = true
	d.pending = &b
	d.pendingTrap = false
	d.interrupted = false
	go s.interruptFor(&b)
	return wrapper.Verdict{}, true
}

// interruptFor asks gdb to stop the program that is waiting on a held call.
func (s *Session) interruptFor(b *Blocked) {
	d := s.dbg
	d.mu.Lock()
	if d.pending != b {
		// Resolved meanwhile (the program stopped and was resumed).
		d.mu.Unlock()
		return
	}
	// gdb resumed the program before it could make the call, so gdb sees it running even when
	// this session has not processed the *running record yet.
	d.interrupted = true
	d.mu.Unlock()
	if _, err := s.mi(s.ctx, "-exec-interrupt"); err != nil {
		s.emit(ErrorEvent{Err: fmt.Errorf("stop at the blocked %s call: %w", b.Syscall, err)})
	}
}

// onSupEvent sees supervisor events before the common handling; true swallows one.
func (s *Session) onSupEvent(e wrapper.Event) bool {
	d := s.dbg
	switch e.Kind {
	case wrapper.EventKilled:
		d.mu.Lock()
		if e.Pid == d.infPid {
			ev := e
			d.killedBy = &ev
		}
		d.mu.Unlock()
	case wrapper.EventBlocked, wrapper.EventLogged:
		if e.Action == policy.Trap && !e.Held {
			// The supervisor answered and sent SIGSYS: gdb will stop there (decodeSIGSYS).
			b := s.blockedFrom(e)
			d.mu.Lock()
			d.lastTrap = &b
			d.mu.Unlock()
		}
		if e.Held {
			// Shown when gdb has stopped the program (stopAtBlocked), with the source line.
			return true
		}
	case wrapper.EventDetached:
		d.mu.Lock()
		d.detached[e.Pid] = true
		d.mu.Unlock()
	case wrapper.EventAttached:
		s.mu.Lock()
		if !s.attached {
			s.jail = e.Jail
		}
		s.attached = true
		s.mu.Unlock()
		s.emit(AttachedEvent{Pid: e.Pid, Program: e.Program, Policy: e.Policy, Jail: e.Jail})
		// Verified at the first stop, where gdb holds the program. The wrapper installed the
		// filter before its hello, so this reading stands in when no stop comes (a program that
		// ends before main).
		v := VerifyPid(e.Pid)
		d.mu.Lock()
		d.attachVerify = &v
		d.mu.Unlock()
		return true
	}
	return false
}

// gdbLoop consumes gdb's async and stream records.
func (s *Session) gdbLoop(done chan<- struct{}) {
	defer close(done)
	d := s.dbg
	for r := range d.getConn().Events() {
		switch r.Kind {
		case gdbmi.ConsoleStream, gdbmi.TargetStream, gdbmi.LogStream:
			kind := ConsoleOutput
			if r.Kind == gdbmi.LogStream {
				kind = ConsoleLog
			} else if r.Kind == gdbmi.TargetStream {
				kind = ConsoleTarget
			}
			for _, line := range d.asm.Add(r) {
				if s.captureLine(kind, string(line)) {
					continue
				}
				s.emit(ConsoleEvent{Kind: kind, Text: string(line)})
			}
		case gdbmi.ExecAsync:
			switch r.Class {
			case "running":
				d.mu.Lock()
				d.running = true
				d.resumeClock(s)
				d.mu.Unlock()
				s.setState(Running, nil)
			case "stopped":
				d.mu.Lock()
				d.running = false
				d.pauseClock()
				d.mu.Unlock()
				if st, ok := gdbmi.ParseStop(r); ok {
					s.onStop(st)
				}
			}
		case gdbmi.NotifyAsync:
			s.onNotify(r)
		}
	}
}

// captureLine feeds a ConsoleCapture in progress; true swallows the line (its end marker).
func (s *Session) captureLine(kind ConsoleKind, line string) bool {
	d := s.dbg
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.capture
	if c == nil {
		return false
	}
	if line == c.marker {
		d.capture = nil
		close(c.done)
		return true
	}
	if kind == ConsoleOutput || kind == ConsoleLog {
		c.lines = append(c.lines, line)
	}
	return false
}

func (s *Session) onNotify(r *gdbmi.Record) {
	d := s.dbg
	switch r.Class {
	case "thread-group-started":
		if ev, ok := gdbmi.ParseThreadGroupEvent(r); ok && ev.PID > 0 {
			d.mu.Lock()
			d.infPid = ev.PID
			d.mu.Unlock()
			s.mu.Lock()
			s.mainPid = ev.PID
			s.mu.Unlock()
		}
	case "breakpoint-created", "breakpoint-modified":
		for _, b := range gdbmi.ParseBreakpoints(r) {
			d.mu.Lock()
			d.setBreakpoint(fromMIBreakpoint(b))
			d.mu.Unlock()
		}
		s.emitBreakpoints()
	case "breakpoint-deleted":
		id := r.Get("id").String()
		d.mu.Lock()
		d.deleteBreakpoint(id)
		d.mu.Unlock()
		s.emitBreakpoints()
	}
}

func (d *debugState) setBreakpoint(b Breakpoint) {
	if _, ok := d.bps[b.ID]; !ok {
		d.bpOrder = append(d.bpOrder, b.ID)
	}
	d.bps[b.ID] = b
}

func (d *debugState) deleteBreakpoint(id string) {
	delete(d.bps, id)
	for i, x := range d.bpOrder {
		if x == id {
			d.bpOrder = append(d.bpOrder[:i], d.bpOrder[i+1:]...)
			break
		}
	}
}

func (s *Session) emitBreakpoints() {
	d := s.dbg
	d.mu.Lock()
	list := make([]Breakpoint, 0, len(d.bpOrder))
	for _, id := range d.bpOrder {
		list = append(list, d.bps[id])
	}
	d.mu.Unlock()
	s.emit(BreakpointsEvent{List: list})
}

func fromMIBreakpoint(b gdbmi.Breakpoint) Breakpoint {
	out := Breakpoint{ID: b.Number, Enabled: b.Enabled, Temp: b.Disp == "del", Func: b.Func, File: b.File,
		FullName: b.FullName, Line: b.Line, Addr: b.Addr, Cond: b.Cond, Hits: b.Times, Pending: b.Pending}
	if out.File == "" && len(b.Locations) > 0 {
		l := b.Locations[0]
		out.Func, out.File, out.FullName, out.Line, out.Addr = l.Func, l.File, l.FullName, l.Line, l.Addr
	}
	return out
}

func fromMIFrame(f gdbmi.Frame) Frame {
	out := Frame{Level: f.Level, Func: f.Func, File: f.File, FullName: f.FullName, Line: f.Line, From: f.From}
	if f.Addr != 0 {
		out.Addr = fmt.Sprintf("%#016x", f.Addr)
	}
	if out.Level < 0 {
		out.Level = 0
	}
	return out
}

// onStop handles a *stopped record.
func (s *Session) onStop(st gdbmi.StopEvent) {
	d := s.dbg
	if st.Exited() {
		s.onExit(st)
		return
	}
	d.mu.Lock()
	if st.ThreadID > 0 {
		d.thread = st.ThreadID
	}
	d.frame = 0
	pid := d.infPid
	verify := !d.verifiedRun && pid > 0
	d.verifiedRun = true
	d.mu.Unlock()
	if verify {
		v := VerifyPid(pid)
		s.recordVerifiedRun(v)
		if !v.OK {
			s.killProgram()
			s.finishRun(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup,
				Message: "the program is not inside the sandbox, so it was stopped: " + v.Detail})
			return
		}
	}
	stop := &Stop{Reason: st.Reason, Thread: st.ThreadID, Signal: st.SignalName}
	if st.Frame != nil {
		stop.Frame = fromMIFrame(*st.Frame)
	}
	if n, err := strconv.Atoi(st.BkptNo); err == nil {
		stop.BkptNo = n
	}
	d.mu.Lock()
	starti := d.startiRun
	d.mu.Unlock()
	stop.Entry = verify && (st.Reason == gdbmi.ReasonBreakpointHit && st.Disp == "del" || starti)
	if stop.Entry && starti {
		// starti reports a stop by "signal 0": not a signal the program received.
		stop.Reason, stop.Signal = "", ""
	}
	if stop.Signal != "" && stop.Signal != "0" {
		stop.SignalDesc = SignalMeaning(stop.Signal)
	}
	d.mu.Lock()
	pending, pendingTrap := d.pending, d.pendingTrap
	d.mu.Unlock()
	switch {
	case pending != nil && !pendingTrap && (st.Reason == "" || st.Reason == gdbmi.ReasonSignalReceived && st.SignalName == "SIGINT"):
		s.blockedStop(stop, pending)
		return
	case st.Reason == gdbmi.ReasonSignalReceived && st.SignalName == "SIGSYS":
		if b, kernel, ok := s.decodeSIGSYS(stop); ok {
			d.mu.Lock()
			d.pending = b
			d.pendingTrap = true
			d.kernelTrap = kernel
			d.mu.Unlock()
			s.blockedStop(stop, b)
			return
		}
	}
	if stop.Reason == gdbmi.ReasonSignalReceived {
		s.fillSource(stop)
		cp := *stop
		d.mu.Lock()
		d.lastSignal = &cp
		d.mu.Unlock()
	} else {
		stop.Source = stop.Frame
		if !stop.Frame.UserSource() {
			s.fillSource(stop)
		}
	}
	s.setState(Stopped, stop)
}

func (s *Session) recordVerifiedRun(v VerifiedEvent) {
	s.mu.Lock()
	s.verified = &v
	s.mu.Unlock()
	s.emit(v)
}

// blockedStop reports the program stopped at a blocked call.
func (s *Session) blockedStop(stop *Stop, b *Blocked) {
	d := s.dbg
	// Act on the thread that made the call.
	if tid := s.gdbThreadOf(b.Tid); tid > 0 {
		d.mu.Lock()
		d.thread = tid
		d.mu.Unlock()
		stop.Thread = tid
	}
	s.fillSource(stop)
	b.Where = stop.Source
	stop.Reason = "blocked-syscall"
	stop.Blocked = b
	stop.Signal, stop.SignalDesc = "", ""
	s.emit(BlockedEvent{B: *b})
	s.setState(Stopped, stop)
}

var lwpRE = regexp.MustCompile(`LWP (\d+)`)

// gdbThreadOf returns gdb's thread id for a kernel thread id, or 0.
func (s *Session) gdbThreadOf(tid int) int {
	r, err := s.mi(s.ctx, "-thread-info")
	if err != nil {
		return 0
	}
	threads, _ := gdbmi.ParseThreads(r)
	for _, t := range threads {
		if m := lwpRE.FindStringSubmatch(t.TargetID); m != nil && m[1] == strconv.Itoa(tid) {
			return t.ID
		}
	}
	if len(threads) == 1 {
		return threads[0].ID
	}
	return 0
}

// fillSource sets stop.Source (and the frame) to the first frame in the user's own source.
func (s *Session) fillSource(stop *Stop) {
	frames, err := s.Stack()
	if err != nil || len(frames) == 0 {
		return
	}
	if stop.Frame.Func == "" && stop.Frame.Addr == "" {
		stop.Frame = frames[0]
	}
	for _, f := range frames {
		if f.UserSource() {
			stop.Source = f
			return
		}
	}
}

// decodeSIGSYS reads a SIGSYS stop: the seccomp fields of $_siginfo for a kernel trap
// (si_code 1), else the supervisor's trap of that thread (it answered, then signalled).
func (s *Session) decodeSIGSYS(stop *Stop) (b *Blocked, kernel bool, ok bool) {
	eval := func(expr string) (uint64, bool) {
		r, err := s.mi(s.ctx, "-data-evaluate-expression", "--thread", strconv.Itoa(stop.Thread), "--frame", "0", expr)
		if err != nil {
			return 0, false
		}
		v := strings.Fields(r.Get("value").String())
		if len(v) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(v[0], 0, 64)
		if err != nil {
			u, err2 := strconv.ParseUint(v[0], 0, 64)
			if err2 != nil {
				return 0, false
			}
			return u, true
		}
		return uint64(n), true
	}
	code, ok := eval("$_siginfo.si_code")
	if !ok {
		return nil, false, false
	}
	b = &Blocked{Time: time.Now(), Count: 1, Stopped: true, Via: "trap", Action: string(policy.Trap)}
	s.mu.Lock()
	b.Pid = s.mainPid
	s.mu.Unlock()
	b.Tid = b.Pid
	if code == 1 { // SYS_SECCOMP
		nr, _ := eval("$_siginfo._sifields._sigsys._syscall")
		arch, _ := eval("$_siginfo._sifields._sigsys._arch")
		b.Nr = int(nr)
		for i, reg := range []string{"$rdi", "$rsi", "$rdx", "$r10", "$r8", "$r9"} {
			b.Args[i], _ = eval(reg)
		}
		b.Syscall = policy.SyscallName(b.Nr)
		if uint32(arch) == policy.AuditArchX86_64 {
			b.Call = policy.FormatCall(b.Nr, b.Args)
		}
		m := s.pol.Match(uint32(arch), b.Nr, b.Args)
		if m.Rule != nil {
			b.Rule, b.Explain = m.Rule.Name, m.Rule.Explain
		}
		return b, true, true
	}
	// A supervisor trap: it answered the call, then signalled the thread.
	d := s.dbg
	deadline := time.Now().Add(500 * time.Millisecond)
	for {
		d.mu.Lock()
		lt := d.lastTrap
		d.lastTrap = nil
		d.mu.Unlock()
		if lt != nil && (lt.Pid == b.Pid || lt.Tid == b.Pid) {
			c := *lt
			c.Stopped, c.Via, c.Count = true, "trap", 1
			return &c, false, true
		}
		if time.Now().After(deadline) {
			return nil, false, false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// onExit handles the program's end under gdb.
func (s *Session) onExit(st gdbmi.StopEvent) {
	d := s.dbg
	d.mu.Lock()
	pid := d.infPid
	d.mu.Unlock()
	if st.Reason == gdbmi.ReasonExitedSignalled && pid > 0 {
		// A kill by the supervisor is known once it reported it: it does before "detached".
		killTree(pid, true)
		s.waitDetached(pid, time.Second)
	}
	d.mu.Lock()
	killed, userKilled, timedOut, last := d.killedBy, d.userKilled, d.timedOut, d.lastSignal
	d.mu.Unlock()
	var es ExitStatus
	switch st.Reason {
	case gdbmi.ReasonExited, gdbmi.ReasonExitedNormally:
		es = ExitStatus{Kind: KindExited, Code: st.ExitCode}
	default:
		sig := st.SignalName
		es = ExitStatus{Kind: KindSignaled, Signal: sig, SignalDesc: SignalMeaning(sig)}
		switch {
		case timedOut:
			es.Kind, es.Limit, es.LimitValue = KindLimit, LimitWall, s.cfg.Timeout.String()
		case killed != nil && sig == "SIGKILL":
			es.Kind, es.Syscall, es.Rule = KindSandboxKilled, killed.Syscall, killed.Rule
			if es.Syscall == "" {
				es.Syscall = policy.SyscallName(killed.Nr)
			}
		case sig == "SIGSYS":
			es.Kind = KindSandboxKilled
		case sig == "SIGXCPU" || (sig == "SIGKILL" && !userKilled && s.cfg.Limits.CPU > 0):
			es.Kind, es.Limit, es.LimitValue = KindLimit, LimitCPU, s.cfg.Limits.CPU.String()
		case sig == "SIGXFSZ":
			es.Kind, es.Limit = KindLimit, LimitFSize
			es.LimitValue = limitsField(s.cfg.Limits, "fsize")
		}
		if last != nil && last.Signal == sig {
			es.Where = last.Source.Where()
			if es.Where == "" {
				es.Where = last.Frame.Where()
			}
		}
	}
	s.finishRun(es)
}

// finishRun ends the current run: drains the program's output, then reports the exit.
func (s *Session) finishRun(es ExitStatus) {
	d := s.dbg
	d.mu.Lock()
	if !d.started {
		d.mu.Unlock()
		return
	}
	d.started = false
	d.pending = nil
	d.verdicts = map[int]oneShot{}
	pid := d.infPid
	unverified := !d.verifiedRun && pid > 0
	av := d.attachVerify
	d.infPid = 0
	if d.wallTimer != nil {
		d.wallTimer.Stop()
	}
	done := d.exitDone
	d.mu.Unlock()
	if pid > 0 {
		killTree(pid, true)
	}
	s.drainPTY()
	// Every blocked call of this run is reported before the exit: the supervisor's "detached"
	// for this program comes after all of them.
	s.mu.Lock()
	attached := s.attached
	s.mu.Unlock()
	if attached && pid > 0 {
		s.waitDetached(pid, time.Second)
	}
	if unverified {
		// The program ended without ever stopping: report what the hello showed, or that
		// nothing could be checked.
		if av != nil {
			s.recordVerifiedRun(*av)
		} else {
			s.recordVerifiedRun(VerifiedEvent{Pid: pid, Seccomp: -1, Filters: -1,
				Detail: fmt.Sprintf("process %d ended before the sandbox could be verified (the wrapper never reported)", pid)})
		}
	}
	s.mu.Lock()
	s.mainPid = 0
	s.mu.Unlock()
	s.finish(es)
	if done != nil {
		close(done)
	}
}

// waitDetached waits (at most max) until the supervisor reported that the sandboxed processes
// of the program pid are all gone.
func (s *Session) waitDetached(pid int, max time.Duration) bool {
	d := s.dbg
	deadline := time.Now().Add(max)
	for {
		d.mu.Lock()
		ok := d.detached[pid]
		d.mu.Unlock()
		if ok || time.Now().After(deadline) {
			return ok
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// drainPTY returns once everything the program wrote to its terminal has been read and emitted.
// The session holds the pty's slave open (gdb reopens it for every run), so the master never
// reads end-of-file; and bytes written to the slave reach the master through the kernel's flip
// buffer asynchronously, so an empty input queue proves nothing. Instead a unique marker is
// written to the slave after the program is gone: it travels behind the program's bytes, and the
// reader (ptyReader) strips it and reports when it has passed.
func (s *Session) drainPTY() {
	s.mu.Lock()
	sl := s.slave
	s.mu.Unlock()
	d := s.dbg
	if sl == nil || d == nil || d.pty == nil {
		return
	}
	done := d.pty.expect()
	mark := d.pty.marker()
	// A terminal left stopped (Ctrl-S) would block the write: never wait for it here.
	go sl.Write(mark)
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		d.pty.cancel()
	}
}

// ptyReader copies a debug session's pty output into OutputEvents for the whole session,
// removing the drain markers drainPTY writes.
type ptyReader struct {
	mu      sync.Mutex
	n       int
	mark    []byte        // the marker expected, nil when none
	done    chan struct{} // closed when mark has passed
	pending []byte        // held back: may be the start of mark
}

func (p *ptyReader) expect() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.mark = []byte(fmt.Sprintf("\x1b_sandbug-drain-%d-%d\x1b\\", os.Getpid(), p.n))
	p.done = make(chan struct{})
	return p.done
}

func (p *ptyReader) marker() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mark
}

func (p *ptyReader) cancel() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mark = nil
}

// filter returns the bytes to emit from a chunk read from the pty.
func (p *ptyReader) filter(b []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mark == nil {
		if len(p.pending) > 0 {
			b = append(p.pending, b...)
			p.pending = nil
		}
		return b
	}
	buf := append(p.pending, b...)
	p.pending = nil
	if i := bytes.Index(buf, p.mark); i >= 0 {
		out := append(append([]byte(nil), buf[:i]...), buf[i+len(p.mark):]...)
		p.mark = nil
		close(p.done)
		return out
	}
	// Hold back a tail that could be the start of the marker.
	keep := 0
	for k := len(p.mark) - 1; k > 0; k-- {
		if k <= len(buf) && bytes.Equal(buf[len(buf)-k:], p.mark[:k]) {
			keep = k
			break
		}
	}
	p.pending = append([]byte(nil), buf[len(buf)-keep:]...)
	return buf[:len(buf)-keep]
}

func (s *Session) readPTY(f *os.File, p *ptyReader) {
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			if out := p.filter(buf[:n]); len(out) > 0 {
				s.emit(OutputEvent{Data: out})
			}
		}
		if err != nil {
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			if !isEndOfPTY(err) {
				s.emit(ErrorEvent{Err: fmt.Errorf("reading the program's output: %w", err)})
			}
			return
		}
	}
}

// killProgram kills the program (and its tree) without waiting for gdb.
func (s *Session) killProgram() {
	d := s.dbg
	d.mu.Lock()
	pid := d.infPid
	d.mu.Unlock()
	if pid > 0 {
		killTree(pid, true)
	}
}

// --- wall clock, paused while stopped (d.mu held) ---

func (d *debugState) resumeClock(s *Session) {
	if s.cfg.Timeout <= 0 || !d.started {
		return
	}
	d.runSince = time.Now()
	if d.wallTimer != nil {
		d.wallTimer.Stop()
	}
	left := d.budget
	d.wallTimer = time.AfterFunc(left, func() {
		d.mu.Lock()
		if !d.started {
			d.mu.Unlock()
			return
		}
		d.timedOut = true
		d.mu.Unlock()
		s.killProgram()
	})
}

func (d *debugState) pauseClock() {
	if d.wallTimer == nil {
		return
	}
	d.wallTimer.Stop()
	d.wallTimer = nil
	d.budget -= time.Since(d.runSince)
	if d.budget < 0 {
		d.budget = 0
	}
}
