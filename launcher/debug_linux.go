package launcher

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
	"github.com/sandbug/sandbug/wrapper"
)

// debugState holds what only debug sessions need. Its fields below "owned by the loop" belong
// to one goroutine, the session's loop (loop): it applies gdb's records, the supervisor's events,
// the wall clock and the controls' requests one at a time, in the order they come, so no field
// needs a lock and no handler waits for "the other event" by polling. The controls send their
// state changes to the loop (owner) and talk to gdb themselves. The one part the supervisor's
// Intercept hook reads, which must never wait for the loop, is the blocked-call state machine
// (calls), with its own small lock.
type debugState struct {
	conn atomic.Pointer[gdbmi.Conn] // nil before gdb has started; set once
	logF *os.File
	// keeperCtl is sandbug's end of gdb's keeper's control socket: gdb runs under a keeper
	// (keeper_linux.go), which kills whatever the program left when gdb ends or sandbug dies.
	keeperCtl *os.File
	gdbPid    atomic.Int64 // gdb's own pid (the keeper's child), set once gdb has started
	cmdMu     sync.Mutex   // serialises the controls' gdb commands (not the queries)
	capMu     sync.Mutex   // one ConsoleCapture at a time
	// resuming is set when a control sends gdb a command that resumes the program and cleared
	// at the next *stopped: a program that ends meanwhile is gdb's to report, not a death
	// "while stopped" (the supervisor can hear of it before the loop reads gdb's *running).
	resuming atomic.Bool
	// hitRegs: the registers of the last breakpoint hit shown (following every process);
	// rehit: set from it before the session resumes that thread after a child's end, taken by
	// the next stop; stopGen (owned by the loop) counts the stops shown (rehit_linux.go).
	hitRegs, rehit atomic.Pointer[rehitGuard]
	stopGen        uint64
	calls          blockedCalls
	// recOn: gdb records the program (record full); read by any goroutine, written on the loop.
	recOn      atomic.Bool
	recordFail string       // owned by the loop: why gdb gave up recording, reported at the next stop
	noHistory  bool         // owned by the loop: gdb said the recorded history ended
	rev        *reverseStep // owned by the loop: the reverse step in progress
	// recStopping is set while a `record stop` sent after a recording failure is unanswered.
	recStopping atomic.Pointer[chan struct{}]
	// xstateChecked, xstateErr: whether gdb can write the program's registers back, asked once
	// before the first recording (checkRegistersWritable, under cmdMu).
	xstateChecked bool
	xstateErr     error
	lastFrame     Frame // owned by the loop: frame 0 of the last stop
	pty           *ptyReader
	// watchStop ends the limit watcher of the current run (closed by finishRun).
	watchStop chan struct{}

	reqs     chan func()   // requests the loop applies in order (owner)
	gdbUp    chan struct{} // closed once gdb has started, or failed to
	gdbGone  chan struct{} // closed when gdb's record stream ended
	loopDone chan struct{} // closed when the loop has ended (or never started)
	lateMu   sync.Mutex    // after the loop: owner's functions run under it instead

	// owned by the loop
	gdbEvents    <-chan *gdbmi.Record // nil until gdb has started, and after it ended
	supEvents    <-chan wrapper.Event // nil after the supervisor closed
	infPid       int                  // the program's pid (=thread-group-started)
	procs        procTable            // the processes under gdb (Config.FollowForks)
	started      bool                 // a run is in progress (from -exec-run until the exit)
	verifiedRun  bool                 // the sandbox was verified for this run
	thread       int                  // gdb thread id commands act on
	frame        int                  // selected frame
	lastTrap     *Blocked             // the supervisor's last trap answer (it signals SIGSYS after it)
	killedBy     *wrapper.Event       // the supervisor killed infPid for this call
	userKilled   bool
	timedOut     bool
	lastSignal   *Stop          // the last signal stop (for "terminated by SIGSEGV at file:line")
	detached     map[int]bool   // wrapper pids whose sandboxed processes are all gone
	attachVerify *VerifiedEvent // the sandbox as read at the wrapper's hello
	wrapErrC     chan struct{}  // closed when the wrapper reported a failure in this run
	startiRun    bool           // this run started with starti (no main to stop at)
	bps          map[string]Breakpoint
	bpOrder      []string
	varobjs      []string
	varScope     map[string]Scope // root varobj -> the thread and frame it was made in
	blocksPy     int              // the block helper in gdb's Python: 0 not yet, 1 defined, -1 unavailable
	exitDone     chan struct{}    // closed when the current run's ExitEvent was emitted
	asm          gdbmi.TextAssembler
	capture      *consoleCapture

	// wall clock, paused while stopped
	budget   time.Duration
	runSince time.Time
	wall     *time.Timer
}

// getConn returns gdb's connection, nil before gdb has started.
func (d *debugState) getConn() *gdbmi.Conn { return d.conn.Load() }

// owner runs f on the session's loop, after everything the loop received before, and returns
// when f has run. f must not call owner itself (it would wait for itself): code that runs on
// the loop reads and writes the state directly. Once the loop has ended, callers own the state
// in turn, under lateMu.
func (s *Session) owner(f func(d *debugState)) {
	d := s.dbg
	done := make(chan struct{})
	select {
	case d.reqs <- func() { f(d); close(done) }:
		<-done
	case <-d.loopDone:
		d.lateMu.Lock()
		defer d.lateMu.Unlock()
		f(d)
	}
}

// loop is the owner of the debug state: see debugState. It ends when both gdb's records and the
// supervisor's events have ended.
func (s *Session) loop() {
	d := s.dbg
	defer close(d.loopDone)
	for d.supEvents != nil || d.gdbEvents != nil {
		var wallC <-chan time.Time
		if d.wall != nil {
			wallC = d.wall.C
		}
		select {
		case f := <-d.reqs:
			f()
		case r, ok := <-d.gdbEvents:
			if !ok {
				d.gdbEvents = nil
				close(d.gdbGone)
				continue
			}
			s.onRecord(r)
		case e, ok := <-d.supEvents:
			if !ok {
				d.supEvents = nil
				continue
			}
			s.onSupEvent(e)
		case <-wallC:
			s.onWallClock()
		}
	}
}

// awaitSup applies supervisor events (and only those: gdb's records wait their turn) until
// cond holds or max has passed; it reports whether cond holds. On the loop only: it is how a
// handler waits for the supervisor's side of a stop without polling.
func (s *Session) awaitSup(cond func() bool, max time.Duration) bool {
	d := s.dbg
	if cond() {
		return true
	}
	timer := time.NewTimer(max)
	defer timer.Stop()
	for d.supEvents != nil {
		select {
		case e, ok := <-d.supEvents:
			if !ok {
				d.supEvents = nil
				return cond()
			}
			s.onSupEvent(e)
			if cond() {
				return true
			}
		case <-timer.C:
			return false
		case <-s.ctx.Done():
			return cond()
		}
	}
	return cond()
}

// consoleCapture collects the console lines of one command up to its end marker.
type consoleCapture struct {
	marker string
	lines  []string
	done   chan struct{}
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
	s.dbg = &debugState{bps: map[string]Breakpoint{}, thread: 1, detached: map[int]bool{},
		pty: &ptyReader{}, reqs: make(chan func()), gdbUp: make(chan struct{}), gdbGone: make(chan struct{}),
		loopDone: make(chan struct{})}
	s.dbg.calls.init(cfg.StopAtBlocked)
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
	conn, err := s.miConn()
	if err != nil {
		return nil, err
	}
	s.logCommand(cmd, args)
	return conn.Exec(ctx, cmd, args...)
}

// miBatch is mi for several commands sent at once (gdbmi.Conn.ExecBatch): the results up to
// the first failure, and that failure.
func (s *Session) miBatch(ctx context.Context, cmds [][]string) ([]*gdbmi.Record, error) {
	conn, err := s.miConn()
	if err != nil {
		return nil, err
	}
	for _, c := range cmds {
		s.logCommand(c[0], c[1:])
	}
	return conn.ExecBatch(ctx, cmds)
}

// miConn is the debug session's connection to gdb.
func (s *Session) miConn() (*gdbmi.Conn, error) {
	if s.dbg == nil {
		return nil, ErrNotDebugging
	}
	conn := s.dbg.getConn()
	if conn == nil {
		return nil, errors.New("gdb is not running yet")
	}
	return conn, nil
}

// logCommand records an MI command in the console transcript, as gdb reads it.
func (s *Session) logCommand(cmd string, args []string) {
	text := cmd
	for _, a := range args {
		text += " " + gdbmi.Quote(a)
	}
	s.emit(ConsoleEvent{Kind: ConsoleCommand, Text: text})
}

func (s *Session) debugMain() {
	d := s.dbg
	defer close(s.done)
	defer s.q.close()
	defer s.cleanup()
	defer s.debugCleanup()
	looping, up := false, false
	defer func() {
		if !looping {
			close(d.loopDone)
		}
		if !up {
			close(d.gdbUp)
		}
	}()
	s.emit(StateEvent{State: Starting})
	go s.readPTY(s.master, d.pty)
	if !s.compileIfSource() {
		return
	}
	if err := s.newSupervisor(s.intercept); err != nil {
		s.finish(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup, Message: err.Error()})
		return
	}
	d.supEvents = s.sup.Events()
	looping = true
	go s.loop()
	err := s.startGDB()
	up = true
	close(d.gdbUp)
	if err != nil {
		s.finish(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup, Message: err.Error()})
		return
	}
	s.owner(func(d *debugState) { d.gdbEvents = d.getConn().Events() })
	becomeSubreaper()
	if err := s.Run(); err != nil && !errors.Is(err, ErrClosed) {
		s.emit(ErrorEvent{Err: err})
	}
	select {
	case <-s.ctx.Done():
	case <-d.gdbGone:
		s.onGDBEnded()
		<-s.ctx.Done()
	}
}

// onGDBEnded reports that gdb ended by itself (killed, crashed): how, with the end of its
// stderr, and, when a run was in progress, kills the program gdb left behind and ends the run
// with kind debugger-ended. The session stays open (its events too) until Close.
func (s *Session) onGDBEnded() {
	d := s.dbg
	ev := DebuggerEndedEvent{Code: -1}
	ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
	if ee := d.getConn().Wait(ctx); ee != nil {
		ev.Code = ee.Code
		if ee.SigNum > 0 {
			ev.Signal = SignalName(ee.SigNum)
		} else if ee.Signal != "" {
			ev.Signal = ee.Signal
		}
		ev.Stderr = lastLines(ee.Stderr, 5)
	}
	cancel()
	if s.ctx.Err() != nil {
		return // Close ended gdb: nothing unexpected
	}
	s.emit(ev)
	s.owner(func(d *debugState) {
		pid := d.infPid
		s.killProgram()
		reapOrphan(pid)
		st := ExitStatus{Kind: KindDebuggerEnded, Code: ev.Code, Signal: ev.Signal, Message: ev.Stderr}
		s.mu.Lock()
		never := s.exit == nil
		s.mu.Unlock()
		switch {
		case d.started:
			s.finishRun(st)
		case never:
			s.finish(st) // gdb died before the program started
		}
		// else the program had already ended: its exit stands.
	})
}

// lastLines returns the last n non-empty lines of s.
func lastLines(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimRight(l, "\r "); l != "" {
			out = append(out, l)
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return strings.Join(out, "\n")
}

func (s *Session) debugCleanup() {
	d := s.dbg
	var pid int
	s.owner(func(d *debugState) {
		pid = d.infPid
		d.stopClock()
	})
	if pid > 0 {
		killTree(pid, true)
	}
	if conn := d.getConn(); conn != nil {
		gpid := conn.Pid()
		conn.Close()
		killTree(gpid, false)
		registerKeeper(gpid, false)
	}
	if d.keeperCtl != nil {
		d.keeperCtl.Close()
	}
	if d.logF != nil {
		d.logF.Close()
	}
}

// onRecord applies one of gdb's async or stream records (on the loop).
func (s *Session) onRecord(r *gdbmi.Record) {
	d := s.dbg
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
			s.recordLine(string(line))
			s.execLine(string(line))
			s.emit(ConsoleEvent{Kind: kind, Text: string(line)})
		}
	case gdbmi.ExecAsync:
		switch r.Class {
		case "running":
			s.resumeClock()
			s.limitWatch().setRunning(true)
			s.setState(Running, nil)
		case "stopped":
			d.resuming.Store(false)
			d.pauseClock()
			s.limitWatch().setRunning(false)
			if st, ok := gdbmi.ParseStop(r); ok {
				s.onStop(st)
			}
		}
	case gdbmi.NotifyAsync:
		s.onNotify(r)
	}
}

// captureLine feeds a ConsoleCapture in progress (on the loop); true swallows the line (its end marker).
func (s *Session) captureLine(kind ConsoleKind, line string) bool {
	d := s.dbg
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

// GDBPid returns gdb's pid once gdb has started (debug sessions), 0 otherwise.
func (s *Session) GDBPid() int {
	if s.dbg == nil {
		return 0
	}
	return int(s.dbg.gdbPid.Load())
}
