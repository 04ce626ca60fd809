package launcher

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
	"github.com/sandbug/sandbug/wrapper"
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
