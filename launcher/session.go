package launcher

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// ErrNotDebugging is returned by debugger controls on a run session.
var ErrNotDebugging = errors.New("this session runs without the debugger")

// ErrClosed is returned by controls of a closed session.
var ErrClosed = errors.New("session closed")

// Session is one program started in the sandbox, with or without gdb. Its methods are safe for
// concurrent use. Close it when done: that kills whatever still runs and removes temp files.
type Session struct {
	cfg   Config
	debug bool
	q     *queue

	ctx    context.Context
	cancel context.CancelFunc

	tmp         string // private temp dir: compiled binary, resolved policy
	progTmp     string // the program's private TMPDIR (inside tmp), the only temp folder its jail opens
	sanMem      int64  // --sanitize=address: the memory limit ASan enforces (taken out of cfg.Limits)
	pol         *policy.Policy
	polFile     string // resolved policy YAML for the wrapper; "" = a built-in profile
	wrapperPath string
	sup         *wrapper.Supervisor
	started     time.Time

	mu      sync.Mutex
	state   State
	exit    *ExitStatus
	program string // resolved binary (after compiling)
	mainPid int    // the program's pid (the wrapper execs into it)
	lastPid int    // the last run's program pid, kept after it ended (reports)
	// userStopped: a run session's program was killed by Stop/Kill (reported as KindStopped).
	userStopped bool
	attached    bool                // the wrapper said hello for mainPid
	jail        *wrapper.JailReport // from the first hello
	leftovers   int                 // processes of the program still alive when it exited (killed)
	failedExits map[int]int         // pid -> status of its exit_group, when nonzero (onFailedExit)
	watch       *limitWatch         // run mode: the limits the kernel does not report (limitwatch_linux.go)
	earlyWatch  *limitWatch         // run mode: a failed exit's reading from before watch started
	wrapErr     *wrapper.Event
	killed      *wrapper.Event // the supervisor killed mainPid for this call
	verified    *VerifiedEvent
	master      *os.File // program pty master (IOPty, debug)
	slave       *os.File
	input       *os.File // IOPipe: the write end of the program's stdin
	blocked     BlockedList
	regNums     []string // gdb's numbers of GeneralRegisters (views_linux.go), asked once
	regNames    []string // their names, in the same order

	closeOnce sync.Once
	closeErr  error
	done      chan struct{} // closed when the session's goroutines are finished

	dbg *debugState // debug sessions only
}

// Events returns the session's ordered event stream. It is closed after the program's
// ExitEvent in a run session, and by Close in a debug session.
func (s *Session) Events() <-chan Event { return s.q.out }

// Done is closed when the session has ended (program gone, resources released).
func (s *Session) Done() <-chan struct{} { return s.done }

// Debug reports whether this is a debug session.
func (s *Session) Debug() bool { return s.debug }

// Config returns the session's configuration.
func (s *Session) Config() Config { return s.cfg }

// Policy returns the resolved sandbox policy in force.
func (s *Session) Policy() *policy.Policy { return s.pol }

// Leftovers returns how many of the program's processes were still running when its main
// process exited (run sessions): sandbug killed them all.
func (s *Session) Leftovers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leftovers
}

// Jail returns what the wrapper reported of the Landlock jail (nil before the program started).
func (s *Session) Jail() *wrapper.JailReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jail
}

// State returns the current state.
func (s *Session) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Status returns the exit status once the program has ended.
func (s *Session) Status() (ExitStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exit == nil {
		return ExitStatus{}, false
	}
	return *s.exit, true
}

// Blocked returns the blocked calls so far, aggregated (the list a run report shows). Calls
// the debugger merely stopped at are counted once they are answered.
func (s *Session) Blocked() []BlockedSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked.List()
}

// Verified returns the sandbox verification, once it was made.
func (s *Session) Verified() (VerifiedEvent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.verified == nil {
		return VerifiedEvent{}, false
	}
	return *s.verified, true
}

// LastPid returns the pid the program had in the last run, also after it ended (0: never ran).
func (s *Session) LastPid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastPid
}

// Binary returns the executable the program runs from: Config.Program, or the binary compiled
// from it (empty until compiled).
func (s *Session) Binary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.program
}

// WrapperPath returns the sandbug-wrapper executable the session starts the program with.
func (s *Session) WrapperPath() string { return s.wrapperPath }

// Pid returns the program's pid, or 0 when it does not run.
func (s *Session) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mainPid
}

// Input sends bytes to the program's terminal (or its stdin pipe in IOPipe mode).
func (s *Session) Input(b []byte) error {
	s.mu.Lock()
	f := s.master
	if f == nil {
		f = s.input
	}
	s.mu.Unlock()
	if f == nil {
		return errors.New("the program's input is not connected to the session")
	}
	_, err := f.Write(b)
	return err
}

// CloseInput closes the program's stdin in IOPipe mode (the program reads end of file).
func (s *Session) CloseInput() error {
	s.mu.Lock()
	f := s.input
	s.input = nil
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	return f.Close()
}

// Resize sets the size of the program's terminal (it gets SIGWINCH).
func (s *Session) Resize(rows, cols int) error {
	s.mu.Lock()
	f := s.master
	s.cfg.Rows, s.cfg.Cols = rows, cols
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	return setSize(f, rows, cols)
}

func (s *Session) emit(e Event) { s.q.push(e) }

func (s *Session) setState(st State, stop *Stop) {
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
	s.emit(StateEvent{State: st, Stop: stop})
}

func (s *Session) addBlocked(b Blocked) {
	if !b.Stopped {
		s.mu.Lock()
		s.blocked.Add(b)
		s.mu.Unlock()
	}
	s.emit(BlockedEvent{B: b})
}

// prepare resolves everything that can fail before a program exists: the policy, the wrapper,
// the private temp dir and the supervisor.
func prepare(ctx context.Context, cfg Config, debug bool) (*Session, error) {
	if cfg.Program == "" {
		return nil, errors.New("no program given")
	}
	if cfg.Sanitize != SanitizeNone && !IsSource(cfg.Program) {
		return nil, fmt.Errorf("--sanitize=%s needs a C or C++ source for sandbug to compile (%s is not one)", cfg.Sanitize, cfg.Program)
	}
	if err := CheckFollowForks(cfg.FollowForks); err != nil {
		return nil, err
	}
	var sanMem int64
	if cfg.Sanitize.Address() {
		// ASan reserves ~20 TiB of address space for its shadow memory: under RLIMIT_AS it
		// cannot start. It enforces the limit itself (sanitizerEnv).
		sanMem, cfg.Limits.Mem = cfg.Limits.Mem, 0
	}
	pol, err := resolvePolicy(cfg)
	if err != nil {
		return nil, err
	}
	wp, err := FindWrapper(cfg.WrapperPath)
	if err != nil {
		return nil, err
	}
	SweepStale()
	tmp, err := os.MkdirTemp("", TempPattern("sandbug-session-"))
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	// The program may run as nobody: it must reach its compiled binary here (by name: the
	// folder is not listable by others).
	if err := os.Chmod(tmp, 0o711); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	if err := wrapper.LockRunDir(tmp); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	// A built-in profile is named to the wrapper (it builds the same policy); a policy file is
	// handed over as the resolved YAML, so the wrapper and the supervisor read the same rules.
	polFile := ""
	if cfg.PolicyFile != "" {
		y, err := pol.Marshal()
		if err != nil {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("policy %s: %w", pol.Name, err)
		}
		polFile = filepath.Join(tmp, "policy.yaml")
		if err := os.WriteFile(polFile, y, 0o644); err != nil {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("write policy: %w", err)
		}
	}
	progTmp, err := makeProgramTmp(tmp, cfg.User)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	s := &Session{
		cfg: cfg, debug: debug, q: newQueue(), ctx: sctx, cancel: cancel,
		tmp: tmp, progTmp: progTmp, sanMem: sanMem, pol: pol, polFile: polFile, wrapperPath: wp,
		done: make(chan struct{}), started: time.Now(),
	}
	return s, nil
}

// resolvePolicy loads the policy file or the named profile.
func resolvePolicy(cfg Config) (*policy.Policy, error) {
	if cfg.PolicyFile != "" {
		p, err := policy.Load(cfg.PolicyFile)
		if err != nil {
			return nil, err // Load's errors name the file (and the line)
		}
		return p, nil
	}
	name := cfg.Profile
	if name == "" {
		name = DefaultProfile
	}
	p, err := policy.Profile(name)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	return p, nil
}

// blockedFrom turns a supervisor event into a Blocked.
func (s *Session) blockedFrom(e wrapper.Event) Blocked {
	b := Blocked{
		Time: e.Time, Pid: e.Pid, Tid: e.Tid, Nr: e.Nr, Syscall: e.Syscall, Args: e.Args,
		Rule: e.Rule, Action: e.Action, Errno: e.Errno, Count: e.Count, Via: ViaNotify,
		Stopped: e.Held,
	}
	if b.Syscall == "" {
		b.Syscall = policy.SyscallName(e.Nr)
	}
	if e.Arch == policy.AuditArchX86_64 {
		b.Call = policy.FormatCall(e.Nr, e.Args)
	} else {
		b.Call = fmt.Sprintf("%s (not an x86_64 call, arch %#x)", b.Syscall, e.Arch)
	}
	if e.Errno != 0 {
		b.ErrnoName = policy.ErrnoName(e.Errno)
	}
	if e.RuleIndex >= 0 && e.RuleIndex < len(s.pol.Rules) {
		b.Explain = s.pol.Rules[e.RuleIndex].Explain
	}
	s.mu.Lock()
	b.Child = s.mainPid != 0 && e.Pid != s.mainPid
	s.mu.Unlock()
	if e.Kind == wrapper.EventKilled {
		b.Action = ActionKill
	}
	return b
}

// Close stops the program (killing its whole process tree), ends gdb, closes the event stream
// and removes the session's temp files. It is safe to call more than once.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		<-s.done
		s.q.abandon()
	})
	return s.closeErr
}

// cleanup releases what prepare and the mode made; called once by the mode's main goroutine.
func (s *Session) cleanup() {
	if s.sup != nil {
		s.sup.Close()
	}
	s.mu.Lock()
	for _, f := range []*os.File{s.master, s.slave, s.input} {
		if f != nil {
			f.Close()
		}
	}
	s.master, s.slave, s.input = nil, nil, nil
	s.mu.Unlock()
	if err := os.RemoveAll(s.tmp); err != nil && s.closeErr == nil {
		s.closeErr = err
	}
	wrapper.UnlockRunDir(s.tmp)
}

// Signal sends sig to the program's process group (run sessions; in a debug session gdb owns
// the program: use Interrupt or Kill). It is what a shell does with Ctrl-C for its foreground job.
func (s *Session) Signal(sig syscall.Signal) error {
	s.mu.Lock()
	pid := s.mainPid
	s.mu.Unlock()
	if pid <= 0 {
		return errors.New("the program is not running")
	}
	if s.debug {
		return errors.New("in a debug session gdb delivers signals: use Interrupt or Kill")
	}
	return syscall.Kill(-pid, sig)
}

// SanitizerNotes says what --sanitize changes about the sandbox (see the package function).
func (s *Session) SanitizerNotes() []string { return SanitizerNotes(s.cfg.Sanitize, s.sanMem) }

// sanitizerEnv is the program's sanitizer options (nil without --sanitize).
func (s *Session) sanitizerEnv() []string {
	if s.cfg.Sanitize == SanitizeNone {
		return nil
	}
	return sanitizerEnv(s.cfg.Sanitize, filepath.Join(s.progTmp, sanitizerLogName), s.sanMem>>20)
}

// sanitizerCrash reads the sanitizer's log of process pid: the crash it explains (base, what
// the signal alone said, may be nil), or base when there is no report.
func (s *Session) sanitizerCrash(pid int, base *Crash) *Crash {
	if s.cfg.Sanitize == SanitizeNone {
		return base
	}
	r, _, ok := readSanitizerLog(s.progTmp, pid)
	if !ok {
		return base
	}
	return r.Crash(base)
}

// makeProgramTmp makes the program's private temporary folder inside the session's: mode 0700,
// owned by the user the program runs as (nobody when we are root and no user is named).
func makeProgramTmp(sessionTmp, user string) (string, error) {
	d := filepath.Join(sessionTmp, "tmp")
	if err := os.Mkdir(d, 0o700); err != nil {
		return "", fmt.Errorf("program temp dir: %w", err)
	}
	if os.Geteuid() != 0 {
		return d, nil
	}
	cred := wrapper.Nobody
	if user != "" {
		c, err := wrapper.LookupUser(user)
		if err != nil {
			return d, nil // the wrapper refuses the user with its own error and exit status
		}
		cred = c
	}
	if err := os.Chown(d, cred.Uid, cred.Gid); err != nil {
		return "", fmt.Errorf("program temp dir: %w", err)
	}
	return d, nil
}
