package wrapper

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/wrapper/policy"
)

// flushStall bounds how long Close waits for a reader that stopped taking queued events.
const flushStall = 2 * time.Second

// Supervisor owns the notify socket that wrappers connect to, receives their seccomp listener
// fds and answers every notified system call according to the policy (or to Intercept),
// publishing what happened as Events. It serves any number of wrappers over its lifetime (a
// debug session restarts the program) and each listener until all its processes are gone.
type Supervisor struct {
	cfg   SupervisorConfig
	dir   string
	path  string
	sock  int // listening socket
	wake  int // eventfd, readable once Close starts
	uid   int
	sizes seccompNotifSizes
	token string // hex; wrappers prove themselves with it (TokenEnv)

	closing   atomic.Bool
	wg        sync.WaitGroup // accept loop, connections, listener loops
	closeOnce sync.Once
	closeErr  error

	q           *eventQueue
	out         chan Event
	stopDeliver chan struct{}
	delivered   chan struct{}

	interceptMu sync.Mutex

	statsMu sync.Mutex
	stats   map[statKey]*RuleStat
}

type statKey struct {
	ruleIndex, nr int
	action        policy.ActionKind
}

// NewSupervisor creates a private 0700 directory holding the notify socket and starts serving
// it. Call Close to stop.
func NewSupervisor(cfg SupervisorConfig) (*Supervisor, error) {
	if cfg.Policy == nil {
		return nil, errors.New("supervisor: no policy")
	}
	sizes, err := checkNotifSizes()
	if err != nil {
		return nil, fmt.Errorf("supervisor: %w", err)
	}
	// Named with this process's pid, so that a later sandbug can remove it if this one is killed
	// (launcher.SweepStale).
	dir, err := os.MkdirTemp("", "sandbug-notify-"+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return nil, fmt.Errorf("supervisor: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("supervisor: %w", err)
	}
	if err := LockRunDir(dir); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("supervisor: %w", err)
	}
	var secret [16]byte
	if _, err := rand.Read(secret[:]); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("supervisor: token: %w", err)
	}
	s := &Supervisor{
		cfg: cfg, dir: dir, path: filepath.Join(dir, "notify.sock"), sock: -1, wake: -1,
		uid: os.Geteuid(), sizes: sizes, token: hex.EncodeToString(secret[:]),
		q: newEventQueue(), out: make(chan Event), stopDeliver: make(chan struct{}), delivered: make(chan struct{}),
		stats: map[statKey]*RuleStat{},
	}
	if err := s.listen(); err != nil {
		s.closeFds()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("supervisor: %w", err)
	}
	go s.deliver()
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

func (s *Supervisor) listen() error {
	var err error
	if s.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		return fmt.Errorf("eventfd: %w", err)
	}
	if s.sock, err = unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0); err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	if err := unix.Bind(s.sock, &unix.SockaddrUnix{Name: s.path}); err != nil {
		return fmt.Errorf("bind %s: %w", s.path, err)
	}
	if err := unix.Listen(s.sock, 64); err != nil {
		return fmt.Errorf("listen %s: %w", s.path, err)
	}
	return nil
}

func (s *Supervisor) closeFds() {
	if s.sock >= 0 {
		unix.Close(s.sock)
	}
	if s.wake >= 0 {
		unix.Close(s.wake)
	}
}

// SocketPath is the path to give the wrapper's --notify flag.
func (s *Supervisor) SocketPath() string { return s.path }

// Token is this supervisor's random secret (128 bits, hex). Wrappers put it in their messages
// to prove they are not the sandboxed program; give it to them with Env.
func (s *Supervisor) Token() string { return s.token }

// Env returns the environment entries ("NAME=value") to add to the wrapper's environment:
// the token in TokenEnv. The wrapper removes them before it execs the program. Under gdb, put
// them in gdb's environment (the inferior and so the exec-wrapper inherit it).
func (s *Supervisor) Env() []string { return []string{TokenEnv + "=" + s.token} }

// Events returns the ordered event stream. The supervisor never blocks on it: when the reader
// is behind, events with the same (kind, pid, syscall, rule, action) are merged into one with a
// larger Count, so counts stay exact and memory bounded. The channel is closed by Close.
func (s *Supervisor) Events() <-chan Event { return s.out }

// Stats returns the exact number of answered calls so far, per (rule, syscall, action), in
// rule order. Held calls are not counted until they are answered.
func (s *Supervisor) Stats() []RuleStat {
	s.statsMu.Lock()
	out := make([]RuleStat, 0, len(s.stats))
	for _, st := range s.stats {
		out = append(out, *st)
	}
	s.statsMu.Unlock()
	slices.SortFunc(out, func(a, b RuleStat) int {
		return cmp.Or(cmp.Compare(a.RuleIndex, b.RuleIndex), cmp.Compare(a.Nr, b.Nr), cmp.Compare(a.Action, b.Action))
	})
	return out
}

// Close stops accepting wrappers and answering calls (processes still running then get ENOSYS
// for their notified calls: fail closed), hands the events already queued to the reader
// (giving up if it takes none for two seconds), closes the Events channel and removes the
// socket's directory.
func (s *Supervisor) Close() error {
	s.closeOnce.Do(func() {
		s.closing.Store(true)
		var one [8]byte
		one[0] = 1 // native-endian uint64 1 on x86_64
		unix.Write(s.wake, one[:])
		s.wg.Wait()
		close(s.stopDeliver)
		<-s.delivered
		s.closeFds()
		s.closeErr = os.RemoveAll(s.dir)
		UnlockRunDir(s.dir)
	})
	return s.closeErr
}

func (s *Supervisor) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	s.q.push(e)
}

// batchWindow is the shortest time between two wake-ups of the deliverer. An event after a
// quiet spell goes to the reader at once; while events come faster, the deliverer sleeps out the
// rest of the window and the queue coalesces what arrives meanwhile, so a flood of denied calls
// costs a wake-up of this goroutine (and of the reader) per millisecond instead of one per call:
// a cross-thread futex wake that cost the flood about a third of its time.
const batchWindow = time.Millisecond

// deliver moves queued events to the channel; it is the only sender and closes it. Each
// wake-up hands over the events queued when it began; what arrives while the reader takes
// them waits for the next window and coalesces there, so a slow reader does not turn a flood
// back into an event per call.
func (s *Supervisor) deliver() {
	defer close(s.delivered)
	defer close(s.out)
	var woke time.Time
	for {
		n := s.q.len()
		if n == 0 {
			select {
			case <-s.q.signal:
			case <-s.stopDeliver:
				s.flush(nil)
				return
			}
		}
		if d := time.Since(woke); d < batchWindow {
			t := time.NewTimer(batchWindow - d)
			select {
			case <-t.C:
			case <-s.stopDeliver:
				t.Stop()
				s.flush(nil)
				return
			}
		}
		woke = time.Now()
		for n = s.q.len(); n > 0; n-- {
			e, ok := s.q.pop()
			if !ok {
				break
			}
			select {
			case s.out <- e:
			case <-s.stopDeliver:
				s.flush(&e)
				return
			}
		}
	}
}

func (s *Supervisor) flush(first *Event) {
	t := time.NewTimer(flushStall)
	defer t.Stop()
	for {
		var e Event
		if first != nil {
			e, first = *first, nil
		} else {
			var ok bool
			if e, ok = s.q.pop(); !ok {
				return
			}
		}
		select {
		case s.out <- e:
			t.Reset(flushStall)
		case <-t.C:
			return
		}
	}
}

// pollWake waits until fd has one of events or Close starts. It returns fd's revents, or
// closing=true.
func (s *Supervisor) pollWake(fd int, events int16) (revents int16, closing bool, err error) {
	for {
		if s.closing.Load() {
			return 0, true, nil
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: events}, {Fd: int32(s.wake), Events: unix.POLLIN}}
		_, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, false, fmt.Errorf("poll: %w", err)
		}
		if fds[1].Revents != 0 {
			return fds[0].Revents, true, nil
		}
		if fds[0].Revents != 0 {
			return fds[0].Revents, false, nil
		}
	}
}

func (s *Supervisor) acceptLoop() {
	defer s.wg.Done()
	for {
		_, closing, err := s.pollWake(s.sock, unix.POLLIN)
		// Accept what is queued even when closing: a wrapper that already failed has its error
		// message waiting in the connection.
		for {
			fd, _, aerr := unix.Accept4(s.sock, unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK)
			if aerr == unix.EINTR || aerr == unix.ECONNABORTED {
				continue
			}
			if aerr != nil {
				break
			}
			s.wg.Add(1)
			go s.serveConn(fd)
		}
		if closing || err != nil {
			return
		}
	}
}

// serveConn checks the peer, reads its one message and, for a hello, acks and supervises the
// listener it carries until every process using it is gone.
func (s *Supervisor) serveConn(conn int) {
	defer s.wg.Done()
	cred, err := unix.GetsockoptUcred(conn, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil || (int(cred.Uid) != s.uid && cred.Uid != 0) {
		unix.Close(conn) // not our user: never read from it
		return
	}
	// Look as early as possible: a wrapper connects before it installs its filter.
	filtered := peerFiltered(conn, int(cred.Pid))
	line, fds, err := s.readMessage(conn)
	if err != nil {
		closeAll(fds)
		unix.Close(conn)
		return
	}
	m, err := decodeMessage(line)
	if err != nil || !s.tokenOK(m.Token) {
		closeAll(fds)
		unix.Close(conn)
		return
	}
	if m.Type == MsgError {
		// A wrapper that fails once its filter is on sends its listener along; without one,
		// a filtered peer can only be a sandboxed program forging the error.
		withListener := len(fds) == 1 && isNotifyFd(fds[0])
		closeAll(fds)
		if !filtered || withListener {
			s.emit(Event{Kind: EventWrapperError, Pid: int(cred.Pid), Code: m.Code, Message: m.Msg})
		}
		unix.Close(conn) // after the event: a peer that sees EOF may rely on it being queued
		return
	}
	if len(fds) != 1 || !isNotifyFd(fds[0]) || s.closing.Load() {
		closeAll(fds)
		unix.Close(conn) // the wrapper sees no ack and fails closed
		return
	}
	listener := fds[0]
	s.emit(Event{Kind: EventAttached, Pid: int(cred.Pid), Tid: int(cred.Pid), Program: m.Program, Policy: m.Policy, Jail: m.Jail})
	if err := writeAll(conn, []byte{AckByte}); err != nil {
		unix.Close(conn)
		unix.Close(listener)
		return
	}
	// The wrapper keeps the connection (close-on-exec) until its execve: end of file means the
	// program now runs; a message means the execve failed and the program never started. Only
	// the wrapper holds the connection, so the program can never forge this.
	execDone := make(chan struct{})
	go s.awaitExec(conn, int(cred.Pid), execDone)
	s.superviseListener(listener, int(cred.Pid), execDone)
}

// awaitExec reads the wrapper's connection after the ack until its execve closes it, and
// reports a failed execve (sent by the wrapper before it exits) as EventWrapperError. A
// whole message is enough: the wrapper waits for this end to close (the sign that its reason
// is queued, so it need not print it too) before it closes its own.
func (s *Supervisor) awaitExec(conn, pid int, done chan<- struct{}) {
	defer close(done)
	defer unix.Close(conn)
	// Blocking reads: the socket was accepted non-blocking.
	if err := unix.SetNonblock(conn, false); err != nil {
		return
	}
	var buf []byte
	chunk := make([]byte, 1024)
	for len(buf) < maxMessage && bytes.IndexByte(buf, '\n') < 0 {
		n, err := unix.Read(conn, chunk)
		if err == unix.EINTR {
			continue
		}
		if n <= 0 || err != nil {
			break
		}
		buf = append(buf, chunk[:n]...)
	}
	if len(buf) == 0 {
		return // the program was exec'd (or the wrapper died without a word)
	}
	m, err := decodeMessage(bytes.TrimRight(buf, "\n"))
	if err != nil || m.Type != MsgError || !s.tokenOK(m.Token) {
		return
	}
	s.emit(Event{Kind: EventWrapperError, Pid: pid, Code: m.Code, Message: m.Msg})
}

// readMessage reads one newline-terminated message and the fds that came with it. When Close
// starts it still takes what is already buffered.
func (s *Supervisor) readMessage(conn int) ([]byte, []int, error) {
	var (
		line []byte
		fds  []int
		buf  = make([]byte, 4096)
		oob  = make([]byte, unix.CmsgSpace(8*4))
	)
	for {
		n, oobn, flags, _, err := unix.Recvmsg(conn, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if oobn > 0 {
			if cmsgs, perr := unix.ParseSocketControlMessage(oob[:oobn]); perr == nil {
				for _, c := range cmsgs {
					if rights, rerr := unix.ParseUnixRights(&c); rerr == nil {
						fds = append(fds, rights...)
					}
				}
			}
		}
		if flags&unix.MSG_CTRUNC != 0 {
			return nil, fds, errors.New("too many fds")
		}
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			_, closing, perr := s.pollWake(conn, unix.POLLIN)
			if perr != nil {
				return nil, fds, perr
			}
			if closing {
				// One last non-blocking look at what the peer already sent.
				n, _, _, _, err = unix.Recvmsg(conn, buf, nil, 0)
				if err == nil && n > 0 {
					line = append(line, buf[:n]...)
				}
				if i := bytes.IndexByte(line, '\n'); i >= 0 {
					return line[:i], fds, nil
				}
				return nil, fds, errors.New("closing")
			}
			continue
		case err != nil:
			return nil, fds, err
		case n == 0:
			return nil, fds, errors.New("peer closed before a full message")
		}
		line = append(line, buf[:n]...)
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			return line[:i], fds, nil
		}
		if len(line) > maxMessage {
			return nil, fds, errors.New("message too long")
		}
	}
}

func closeAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}

// isNotifyFd checks that fd is a seccomp notification listener and not some other file a peer
// passed us.
func isNotifyFd(fd int) bool {
	var buf [64]byte
	n, err := unix.Readlink("/proc/self/fd/"+strconv.Itoa(fd), buf[:])
	return err == nil && string(buf[:n]) == "anon_inode:seccomp notify"
}

// tokenOK says whether a message's token is acceptable: the right one, or none when the
// supervisor does not require it (launchers that do not pass Env yet).
func (s *Supervisor) tokenOK(token string) bool {
	if token == "" {
		return !s.cfg.RequireToken
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) == 1
}

// peerFiltered says whether the process at the other end of conn runs under a seccomp filter,
// which a sandboxed program always does and a wrapper does not until it installs its own.
// It reads /proc/<pid>/status, then makes sure through a pidfd taken from the socket
// (SO_PEERPIDFD, Linux 6.5) that pid was not reaped and reused meanwhile. A peer that cannot be
// checked (gone already, older kernel without the pidfd and the pid unreadable) counts as not
// filtered: this is defence in depth, the token is the proof.
func peerFiltered(conn, pid int) bool {
	pidfd, err := unix.GetsockoptInt(conn, unix.SOL_SOCKET, unix.SO_PEERPIDFD)
	if err == nil {
		defer unix.Close(pidfd)
	} else {
		pidfd = -1
	}
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return false
	}
	if pidfd >= 0 {
		// Still the same process (alive or a zombie): the status read was its own.
		if _, _, e := unix.Syscall6(unix.SYS_PIDFD_SEND_SIGNAL, uintptr(pidfd), 0, 0, 0, 0, 0); e != 0 {
			return false
		}
	}
	return seccompMode(status) != 0
}

// seccompMode returns the Seccomp field of a /proc/<pid>/status text (0 when absent).
func seccompMode(status []byte) int {
	for line := range bytes.Lines(status) {
		if v, ok := bytes.CutPrefix(line, []byte("Seccomp:")); ok {
			n, _ := strconv.Atoi(string(bytes.TrimSpace(v)))
			return n
		}
	}
	return 0
}
