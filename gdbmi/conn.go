package gdbmi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options configure Start.
type Options struct {
	GDB  string   // gdb binary; default "gdb" from $PATH
	Args []string // extra arguments after the interpreter flags (e.g. the program path)
	Dir  string   // working directory of gdb
	Env  []string // extra KEY=VALUE entries; LC_ALL=C.UTF-8 and SHELL=/bin/sh always win
	// Log receives the raw traffic, one line per MI line with a UTC timestamp and a direction:
	// "->" (to gdb), "<-" (from gdb), "!!" (gdb's stderr). Writes are serialised.
	Log io.Writer
	// Interpreter is "mi4", "mi3" or "mi2". Empty means mi4, falling back to mi3 when this gdb
	// does not know mi4.
	Interpreter string
	// CloseTimeout is how long Close waits for -gdb-exit before SIGKILL; default 2s.
	CloseTimeout time.Duration
	// EventBuffer is how many async and stream records may wait for the consumer; default
	// 4096. Beyond that the reader stops reading gdb's output until the consumer catches up
	// (nothing is dropped), except while an Exec waits for its result: then reading goes on,
	// so a consumer that calls Exec from its event loop cannot deadlock.
	EventBuffer int
	// Prefix, when set, runs gdb under this command: Prefix[0] with Prefix[1:], then gdb and its
	// arguments (sandbug's keeper). ExtraFiles become that command's fds 3 and up. Pid and the
	// exit status are then the prefix command's.
	Prefix     []string
	ExtraFiles []*os.File
}

// ErrExited matches (with errors.Is) the *ExitedError every call returns once gdb is gone.
var ErrExited = errors.New("gdb exited")

// ErrClosed is returned by Exec after Close.
var ErrClosed = errors.New("gdbmi: connection closed")

// ExitedError says that gdb exited or was killed, and how.
type ExitedError struct {
	Code   int    // exit status, or -1 when killed by a signal or unknown
	Signal string // signal that killed gdb ("killed"), if any
	SigNum int    // that signal's number (9 for SIGKILL), 0 when none
	Stderr string // the last bytes gdb wrote to stderr
}

// Error says how gdb ended, with the end of its stderr.
func (e *ExitedError) Error() string {
	var s string
	switch {
	case e.Signal != "":
		s = "gdb was killed by signal: " + e.Signal
	case e.Code >= 0:
		s = fmt.Sprintf("gdb exited with status %d", e.Code)
	default:
		s = "gdb closed its output"
	}
	if st := strings.TrimSpace(e.Stderr); st != "" {
		s += ": " + st
	}
	return s
}

// Is makes errors.Is(err, ErrExited) true.
func (e *ExitedError) Is(target error) bool { return target == ErrExited }

// Conn is a running gdb driven over MI. Exec may be called from several goroutines at once.
type Conn struct {
	cmd    *exec.Cmd
	stdin  *os.File
	stdout *os.File
	stderr *os.File
	interp string
	opts   Options

	nextTok atomic.Int64
	mu      sync.Mutex
	waiters map[int64]chan *Record // buffered 1; nil value: the caller gave up, drop the result
	closed  bool

	writeMu sync.Mutex
	logMu   sync.Mutex

	events      chan *Record
	qmu         sync.Mutex
	qdata       *sync.Cond // on qmu: the forwarder may go on (records queued, or the reader ended)
	qspace      *sync.Cond // on qmu: the reader may go on (room, a call waits, or Close began)
	queue       []*Record  // records read and not yet on events, from qhead on
	qhead       int
	qdone       bool         // the reader has ended: forward what is left, then close events
	fwdIdle     bool         // the forwarder waits on qdata
	waiting     atomic.Int32 // Exec calls whose result is not routed yet (under mu where it changes)
	readerHeld  atomic.Bool  // the reader waits (or is about to) on qspace
	firstPrompt chan struct{}
	closing     chan struct{} // Close began: stop delivering events that do not fit
	procDone    chan struct{} // gdb's process was reaped; exitErr is set
	dead        chan struct{} // the reader ended: no result can arrive any more
	exitErr     *ExitedError
	stderrDone  chan struct{}
	stderrTail  tail

	wg        sync.WaitGroup
	closeOnce sync.Once
}

var interpCache sync.Map // gdb path -> interpreter that worked

// Start launches gdb with `-nx -q --interpreter=mi4` (or mi3), LC_ALL=C.UTF-8 and SHELL=/bin/sh,
// and waits for its first prompt. Cancelling ctx during start-up kills gdb; afterwards ctx has no
// effect on the connection.
func Start(ctx context.Context, o Options) (*Conn, error) {
	if o.GDB == "" {
		o.GDB = "gdb"
	}
	path, err := exec.LookPath(o.GDB)
	if err != nil {
		return nil, fmt.Errorf("gdbmi: gdb not found: %w", err)
	}
	o.GDB = path
	interp := o.Interpreter
	auto := interp == ""
	if auto {
		interp = "mi4"
		if v, ok := interpCache.Load(path); ok {
			interp = v.(string)
		}
	}
	c, err := start(ctx, o, interp)
	if err != nil && auto && interp == "mi4" && strings.Contains(err.Error(), "unrecognized") {
		interp = "mi3"
		c, err = start(ctx, o, interp)
	}
	if err == nil && auto {
		interpCache.Store(path, interp)
	}
	return c, err
}

func start(ctx context.Context, o Options, interp string) (*Conn, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("gdbmi: pipe: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("gdbmi: pipe: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("gdbmi: pipe: %w", err)
	}
	args := append([]string{"-nx", "-q", "--interpreter=" + interp}, o.Args...)
	cmd := exec.Command(o.GDB, args...)
	if len(o.Prefix) > 0 {
		cmd = exec.Command(o.Prefix[0], append(append(o.Prefix[1:len(o.Prefix):len(o.Prefix)], o.GDB), args...)...)
		cmd.ExtraFiles = o.ExtraFiles
	}
	cmd.Dir = o.Dir
	cmd.Env = append(append(os.Environ(), o.Env...), "LC_ALL=C.UTF-8", "SHELL=/bin/sh")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	// Its own process group: a terminal's Ctrl-C is the TUI's business, not gdb's.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	inR.Close()
	outW.Close()
	errW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("gdbmi: start %s: %w", o.GDB, err)
	}
	if o.CloseTimeout <= 0 {
		o.CloseTimeout = 2 * time.Second
	}
	if o.EventBuffer <= 0 {
		o.EventBuffer = 4096
	}
	c := &Conn{
		cmd: cmd, stdin: inW, stdout: outR, stderr: errR, interp: interp, opts: o,
		waiters:     map[int64]chan *Record{},
		events:      make(chan *Record, 64),
		firstPrompt: make(chan struct{}),
		closing:     make(chan struct{}),
		procDone:    make(chan struct{}),
		dead:        make(chan struct{}),
		stderrDone:  make(chan struct{}),
	}
	c.qdata = sync.NewCond(&c.qmu)
	c.qspace = sync.NewCond(&c.qmu)
	c.wg.Add(4)
	go c.forwardLoop()
	go c.readLoop()
	go c.stderrLoop()
	go c.waitLoop()

	select {
	case <-c.firstPrompt:
		return c, nil
	case <-c.dead:
		c.Close()
		return nil, fmt.Errorf("gdbmi: gdb (%s) failed to start: %w", interp, c.deadErr())
	case <-ctx.Done():
		c.kill()
		c.Close()
		return nil, fmt.Errorf("gdbmi: start: %w", ctx.Err())
	}
}

// Interpreter returns the MI version in use ("mi4" or "mi3").
func (c *Conn) Interpreter() string { return c.interp }

// Pid returns gdb's process id.
func (c *Conn) Pid() int { return c.cmd.Process.Pid }

// Wait waits until gdb's process has ended and been reaped, and says how it ended; it returns
// nil when ctx ends first. Events closing is the sign to call it: gdb's output can end a moment
// before its process is reaped.
func (c *Conn) Wait(ctx context.Context) *ExitedError {
	select {
	case <-c.procDone:
		return c.exitErr
	case <-ctx.Done():
		return nil
	}
}

// Events returns the one ordered channel of async and stream records (and result records no
// call waits for: the late answer to a cancelled call is dropped, an untokened result is not).
// Nothing is ever dropped from it: when Options.EventBuffer records wait for the consumer, the
// reader stops reading gdb's output until it catches up, except while an Exec waits for its
// result (so a consumer may call Exec from the loop that drains Events). It closes after gdb's
// output ends and everything before has been delivered. Prompts are not delivered.
func (c *Conn) Events() <-chan *Record { return c.events }

// Exec sends `<token><cmd> <args...>` with a fresh token, each argument passed through Quote,
// and waits for the result record with that token. ^done, ^running, ^connected and ^exit
// return the record; ^error returns the record and a *MIError. If ctx ends first Exec returns
// ctx.Err() at once (the late answer is discarded); if gdb exits first it returns an
// *ExitedError (errors.Is ErrExited).
//
// MI commands that gdb implements through the CLI (-gdb-set, -exec-arguments, ...) take the rest
// of the line raw, quotes included: use ExecRaw for them.
func (c *Conn) Exec(ctx context.Context, cmd string, args ...string) (*Record, error) {
	return c.exec(ctx, commandLine(cmd, args))
}

// ExecRaw is Exec for a command line sent as it is (after the token): nothing is quoted. It is
// for the MI commands gdb hands to its CLI with the rest of the line unparsed, such as
// `-gdb-set args one "two three"` or `-exec-arguments ...`.
func (c *Conn) ExecRaw(ctx context.Context, cmdline string) (*Record, error) {
	line := make([]byte, tokRoom, tokRoom+len(cmdline)+1)
	return c.exec(ctx, append(line, cmdline...))
}

// tokRoom is the room left before the command in the line exec gets, for the token (an int64
// has at most 19 digits): the line is built and written in one piece.
const tokRoom = 20

// ExecBatch sends every command at once, in order, as Exec would one after the other, and
// waits for their results: gdb runs them in turn without waiting for this process between
// two (a round trip each, about 1 ms while gdb starts). It returns the results up to the first
// that failed and that failure; the commands after it were sent all the same, and their
// results are dropped.
func (c *Conn) ExecBatch(ctx context.Context, cmds [][]string) ([]*Record, error) {
	type sent struct {
		tok int64
		ch  chan *Record
	}
	calls := make([]sent, 0, len(cmds))
	dropRest := func(from int) {
		for _, s := range calls[from:] {
			c.cancel(s.tok)
		}
	}
	var err error
	for _, cmd := range cmds {
		if len(cmd) == 0 {
			err = errors.New("gdbmi: an empty command in a batch")
			break
		}
		tok, ch, serr := c.send(ctx, commandLine(cmd[0], cmd[1:]))
		if serr != nil {
			err = serr
			break
		}
		calls = append(calls, sent{tok, ch})
	}
	out := make([]*Record, 0, len(calls))
	for i, s := range calls {
		r, aerr := c.await(ctx, s.tok, s.ch)
		if aerr != nil {
			dropRest(i + 1)
			return out, aerr
		}
		out = append(out, r)
	}
	return out, err
}

// commandLine builds an Exec command line, with tokRoom bytes left in front for the token.
func commandLine(cmd string, args []string) []byte {
	n := tokRoom + len(cmd) + 1
	for _, a := range args {
		n += len(a) + 3
	}
	line := make([]byte, tokRoom, n)
	line = append(line, cmd...)
	for _, a := range args {
		line = append(line, ' ')
		line = append(line, Quote(a)...)
	}
	return line
}

// exec sends line[tokRoom:] with a fresh token and waits for its result.
func (c *Conn) exec(ctx context.Context, line []byte) (*Record, error) {
	tok, ch, err := c.send(ctx, line)
	if err != nil {
		return nil, err
	}
	return c.await(ctx, tok, ch)
}

// send writes line[tokRoom:] with a fresh token, registered first with the channel its result
// will come on.
func (c *Conn) send(ctx context.Context, line []byte) (int64, chan *Record, error) {
	cmdline := line[tokRoom:]
	if bytes.ContainsAny(cmdline, "\r\n") {
		return 0, nil, fmt.Errorf("gdbmi: command %q contains a newline", cmdline)
	}
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	ch := make(chan *Record, 1)
	tok := c.nextTok.Add(1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return 0, nil, ErrClosed
	}
	// While this call waits, the reader must keep reading even if Events is not drained. It
	// counts as waiting from here until its result is routed (route), it gives up (cancel) or is
	// forgotten (forget): the count drops when the reader routes the result, so the reader holds
	// back at once after it, not when this goroutine next runs. (Dekker-style with the reader,
	// which sets readerHeld before it looks at waiting: one of the two sees the other, so the
	// wake-up cannot be missed.)
	c.waiters[tok] = ch
	c.waiting.Add(1)
	c.mu.Unlock()
	if c.readerHeld.Load() {
		c.qmu.Lock()
		c.qspace.Signal()
		c.qmu.Unlock()
	}
	if isDone(c.dead) {
		c.forget(tok)
		return 0, nil, c.deadErr()
	}

	var tb [tokRoom]byte
	t := strconv.AppendInt(tb[:0], tok, 10)
	start := tokRoom - len(t)
	copy(line[start:], t)
	line = append(line, '\n')
	if err := c.write(line[start:]); err != nil {
		c.forget(tok)
		if isDone(c.procDone) {
			return 0, nil, c.deadErr()
		}
		return 0, nil, fmt.Errorf("gdbmi: write %s: %w", cmdline, err)
	}
	return tok, ch, nil
}

// await waits for the result of the call with token tok on ch (the reader sends it there), for
// ctx's end or for gdb's: once gdb's process is gone its last output may still be on its way
// through the reader, for at most graceAfterExit.
func (c *Conn) await(ctx context.Context, tok int64, ch chan *Record) (*Record, error) {
	procDone := c.procDone
	var grace <-chan time.Time
	for {
		select {
		case r := <-ch:
			return resultOf(r)
		case <-ctx.Done():
			c.cancel(tok)
			if r := received(ch); r != nil { // routed just before the cancel
				return resultOf(r)
			}
			return nil, ctx.Err()
		case <-procDone:
			t := time.NewTimer(graceAfterExit)
			defer t.Stop()
			grace, procDone = t.C, nil
			continue
		case <-c.dead:
		case <-grace:
		}
		if r := received(ch); r != nil {
			return resultOf(r)
		}
		c.forget(tok)
		return nil, c.deadErr()
	}
}

// graceAfterExit is how long a call still waits for its result after gdb's process ended: a
// child in another process group may hold gdb's output open.
const graceAfterExit = 100 * time.Millisecond

// received returns the result already sent on ch, or nil.
func received(ch chan *Record) *Record {
	select {
	case r := <-ch:
		return r
	default:
		return nil
	}
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func resultOf(r *Record) (*Record, error) {
	if r.Class == "error" {
		return r, ErrorFromRecord(r)
	}
	return r, nil
}

// forget removes the call with token tok, which no longer waits.
func (c *Conn) forget(tok int64) {
	c.mu.Lock()
	if ch, ok := c.waiters[tok]; ok {
		delete(c.waiters, tok)
		if ch != nil {
			c.waiting.Add(-1)
		}
	}
	c.mu.Unlock()
}

// cancel leaves a marker so the late result is dropped instead of reaching Events; the call no
// longer waits.
func (c *Conn) cancel(tok int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.waiters[tok]; ok && ch != nil {
		c.waiters[tok] = nil
		c.waiting.Add(-1)
	}
}

func (c *Conn) write(line []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.logLine("->", line[:len(line)-1])
	_, err := c.stdin.Write(line)
	return err
}

func (c *Conn) deadErr() error {
	select {
	case <-c.procDone:
		return c.exitErr
	case <-time.After(time.Second):
		return &ExitedError{Code: -1, Stderr: c.stderrTail.String()}
	}
}

func (c *Conn) logLine(dir string, line []byte) {
	if c.opts.Log == nil {
		return
	}
	buf := make([]byte, 0, len(line)+32)
	buf = time.Now().UTC().AppendFormat(buf, "15:04:05.000000")
	buf = append(buf, ' ')
	buf = append(buf, dir...)
	buf = append(buf, ' ')
	buf = append(buf, line...)
	buf = append(buf, '\n')
	c.logMu.Lock()
	c.opts.Log.Write(buf)
	c.logMu.Unlock()
}

// kill sends SIGKILL to gdb's process group.
func (c *Conn) kill() {
	syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	c.cmd.Process.Kill()
}

// Close ends gdb: -gdb-exit, then SIGKILL when it has not exited after Options.CloseTimeout. It
// waits for the process and every goroutine of the connection, and then returns nil (gdb's own
// exit status is in Exec's errors, not here). Calls waiting in Exec return; Events closes.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		close(c.closing)
		c.qmu.Lock()
		c.qspace.Signal()
		c.qmu.Unlock()
		select {
		case <-c.procDone:
		default:
			ctx, cancel := context.WithTimeout(context.Background(), c.opts.CloseTimeout)
			c.Exec(ctx, "-gdb-exit")
			cancel()
			c.mu.Lock()
			c.closed = true
			c.mu.Unlock()
			c.stdin.Close() // gdb also exits at end of input
			t := time.NewTimer(c.opts.CloseTimeout)
			select {
			case <-c.procDone:
			case <-t.C:
				c.kill()
			}
			t.Stop()
		}
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		c.wg.Wait()
		c.stdout.Close()
		c.stderr.Close()
	})
	return nil
}
