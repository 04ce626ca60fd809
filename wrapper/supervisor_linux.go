package wrapper

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/wrapper/policy"
)

// pidfdThread is PIDFD_THREAD (include/uapi/linux/pidfd.h, Linux 6.9): a pidfd for one thread.
const pidfdThread = unix.O_EXCL

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
	dir, err := os.MkdirTemp("", "sandbug-notify-")
	if err != nil {
		return nil, fmt.Errorf("supervisor: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("supervisor: %w", err)
	}
	s := &Supervisor{
		cfg: cfg, dir: dir, path: filepath.Join(dir, "notify.sock"), sock: -1, wake: -1,
		uid: os.Geteuid(), sizes: sizes,
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
	})
	return s.closeErr
}

func (s *Supervisor) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	s.q.push(e)
}

// deliver moves queued events to the channel; it is the only sender and closes it.
func (s *Supervisor) deliver() {
	defer close(s.delivered)
	defer close(s.out)
	for {
		e, ok := s.q.pop()
		if !ok {
			select {
			case <-s.q.signal:
				continue
			case <-s.stopDeliver:
				s.flush(nil)
				return
			}
		}
		select {
		case s.out <- e:
		case <-s.stopDeliver:
			s.flush(&e)
			return
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
	line, fds, err := s.readMessage(conn)
	if err != nil {
		closeAll(fds)
		unix.Close(conn)
		return
	}
	m, err := decodeMessage(line)
	if err != nil {
		closeAll(fds)
		unix.Close(conn)
		return
	}
	if m.Type == MsgError {
		closeAll(fds)
		unix.Close(conn)
		s.emit(Event{Kind: EventWrapperError, Pid: int(cred.Pid), Code: m.Code, Message: m.Msg})
		return
	}
	if len(fds) != 1 || !isNotifyFd(fds[0]) || s.closing.Load() {
		closeAll(fds)
		unix.Close(conn) // the wrapper sees no ack and fails closed
		return
	}
	listener := fds[0]
	s.emit(Event{Kind: EventAttached, Pid: int(cred.Pid), Tid: int(cred.Pid), Program: m.Program, Policy: m.Policy})
	err = writeAll(conn, []byte{AckByte})
	unix.Close(conn)
	if err != nil {
		unix.Close(listener)
		return
	}
	s.superviseListener(listener, int(cred.Pid))
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

// superviseListener answers notifications until the listener hangs up (every process using the
// filter is gone) or Close starts.
func (s *Supervisor) superviseListener(lfd, wrapperPid int) {
	defer unix.Close(lfd)
	// Linux 6.6+: wake this loop on the caller's CPU, a synchronous hand-off that roughly
	// halves the round trip. Older kernels refuse it; it is only an optimisation.
	unix.Syscall(unix.SYS_IOCTL, uintptr(lfd), unix.SECCOMP_IOCTL_NOTIF_SET_FLAGS, unix.SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP)
	l := &listener{
		fd:      lfd,
		nbuf:    make([]byte, max(int(s.sizes.Notif), int(unsafe.Sizeof(seccompNotif{})))),
		rbuf:    make([]byte, max(int(s.sizes.NotifResp), int(unsafe.Sizeof(seccompNotifResp{})))),
		threads: tgids{},
		trapped: map[int]trappedCall{},
	}
	for {
		revents, closing, err := s.pollWake(lfd, unix.POLLIN)
		if closing || err != nil {
			return
		}
		if revents&unix.POLLIN != 0 {
			if err := s.handleNotification(l); err != nil {
				return
			}
			continue
		}
		if revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
			s.emit(Event{Kind: EventDetached, Pid: wrapperPid, Tid: wrapperPid})
			return
		}
	}
}

// ruleName names the rule that matched, for events and stats.
func ruleName(m policy.Match) string {
	switch {
	case m.Rule != nil && m.Rule.Name != "":
		return m.Rule.Name
	case m.Rule != nil:
		return "rule " + strconv.Itoa(m.RuleIndex+1)
	case m.RuleIndex == policy.RuleIndexABI:
		return "abi"
	case m.RuleIndex == policy.RuleIndexHot:
		return "hot"
	}
	return "default"
}

// verdictOf turns a policy action into the supervisor's answer. log and allow let the call
// run; trap raises SIGSYS in the thread like the kernel's RET_TRAP (see trap).
func verdictOf(a policy.Action) Verdict {
	switch a.Kind {
	case policy.Errno:
		return Verdict{Kind: policy.Errno, Errno: a.ErrnoValue()}
	case policy.Kill:
		return Verdict{Kind: policy.Kill}
	case policy.Trap:
		return Verdict{Kind: policy.Trap, Errno: int(unix.ENOSYS)}
	}
	return Verdict{Kind: policy.Allow}
}

// listener is the state of one listener loop.
type listener struct {
	fd         int
	nbuf, rbuf []byte // kernel-sized seccomp_notif and seccomp_notif_resp buffers
	threads    tgids
	trapped    map[int]trappedCall // by tid: the call last answered with SIGSYS
}

// trappedCall identifies a call by where and how it was made: when a SIGSYS handler returns,
// the same call restarts and notifies again with the same values.
type trappedCall struct {
	nr   int32
	ip   uint64
	args [6]uint64
}

func (s *Supervisor) handleNotification(l *listener) error {
	lfd, nbuf, rbuf := l.fd, l.nbuf, l.rbuf
	clear(nbuf) // NOTIF_RECV refuses a buffer that is not zeroed
	err := ioctlPtr(lfd, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&nbuf[0]))
	if err == unix.ENOENT || err == unix.EINTR {
		return nil // withdrawn before we got it (killed, or interrupted by a debugger)
	}
	if err != nil {
		return fmt.Errorf("SECCOMP_IOCTL_NOTIF_RECV: %w", err)
	}
	n := *(*seccompNotif)(unsafe.Pointer(&nbuf[0]))
	tid := int(n.Pid)
	nr := int(n.Data.Nr)
	m := s.cfg.Policy.Match(n.Data.Arch, nr, n.Data.Args)
	ev := Event{
		Time: time.Now(), Pid: l.threads.of(tid), Tid: tid, Arch: n.Data.Arch, Nr: nr, Args: n.Data.Args, IP: n.Data.IP,
		Rule: ruleName(m), RuleIndex: m.RuleIndex, Action: m.Action.Kind, Count: 1,
	}
	if n.Data.Arch == policy.AuditArchX86_64 {
		ev.Syscall = policy.SyscallName(nr)
	}
	v := verdictOf(m.Action)
	if !m.Report {
		// The filter reported a call this policy would not: the wrapper was given another
		// policy. Never let such a call run on our say-so.
		v = Verdict{Kind: policy.Errno, Errno: int(unix.EPERM)}
		ev.Action = policy.Errno
		ev.Rule += " (not the wrapper's policy)"
	}
	if s.cfg.Intercept != nil {
		ev.Kind, ev.Errno = eventKindOf(v), v.Errno
		s.interceptMu.Lock()
		iv, hold := s.cfg.Intercept(ev)
		s.interceptMu.Unlock()
		if hold {
			ev.Held = true
			s.emit(ev)
			return nil
		}
		if iv != (Verdict{}) {
			v = iv
			ev.Action = v.Kind
		}
	}
	ev.Kind, ev.Errno = eventKindOf(v), 0
	var ok bool
	switch v.Kind {
	case policy.Kill:
		ok = s.kill(lfd, n.ID, ev.Pid, tid)
	case policy.Trap:
		ev.Errno = v.Errno
		call := trappedCall{n.Data.Nr, n.Data.IP, n.Data.Args}
		if l.trapped[tid] == call {
			// The call restarted after the program's SIGSYS handler: it now returns the
			// errno, as after the kernel's RET_TRAP. Counted once, when it was trapped.
			delete(l.trapped, tid)
			s.reply(lfd, rbuf, seccompNotifResp{ID: n.ID, Error: -int32(v.Errno)})
			return nil
		}
		if ok = s.trap(lfd, n.ID, tid); ok {
			if len(l.trapped) >= 4096 {
				clear(l.trapped)
			}
			l.trapped[tid] = call
		}
	case policy.Errno:
		ev.Errno = v.Errno
		ok = s.reply(lfd, rbuf, seccompNotifResp{ID: n.ID, Error: -int32(v.Errno)})
	default: // allow, log: the kernel runs the call; never decided from pointer contents
		ok = s.reply(lfd, rbuf, seccompNotifResp{ID: n.ID, Flags: unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE})
	}
	if !ok {
		return nil // the call moved on (killed or interrupted): it counts when it is answered
	}
	s.count(ev)
	s.emit(ev)
	return nil
}

func eventKindOf(v Verdict) EventKind {
	switch v.Kind {
	case policy.Kill:
		return EventKilled
	case policy.Errno, policy.Trap:
		return EventBlocked
	}
	return EventLogged
}

func (s *Supervisor) count(ev Event) {
	k := statKey{ev.RuleIndex, ev.Nr, ev.Action}
	s.statsMu.Lock()
	st := s.stats[k]
	if st == nil {
		st = &RuleStat{Rule: ev.Rule, RuleIndex: ev.RuleIndex, Nr: ev.Nr, Syscall: ev.Syscall, Action: ev.Action}
		s.stats[k] = st
	}
	st.Count++
	s.statsMu.Unlock()
}

// reply sends the answer; false means the notification is gone (ENOENT).
func (s *Supervisor) reply(lfd int, rbuf []byte, r seccompNotifResp) bool {
	clear(rbuf)
	*(*seccompNotifResp)(unsafe.Pointer(&rbuf[0])) = r
	for {
		err := ioctlPtr(lfd, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&rbuf[0]))
		if err == unix.EINTR {
			continue
		}
		return err == nil
	}
}

func idValid(lfd int, id uint64) bool {
	return ioctlPtr(lfd, unix.SECCOMP_IOCTL_NOTIF_ID_VALID, unsafe.Pointer(&id)) == nil
}

// kill SIGKILLs the whole process pid. The pidfd is opened first and the notification checked
// after, so the pid cannot have been reused by another process in between. When the process
// cannot be opened (its id was not found), the calling thread's pidfd serves: SIGKILL to any
// thread kills the whole process.
func (s *Supervisor) kill(lfd int, id uint64, pid, tid int) bool {
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if pidfd, err = unix.PidfdOpen(tid, pidfdThread); err != nil {
			return false
		}
	}
	defer unix.Close(pidfd)
	if !idValid(lfd, id) {
		return false
	}
	return unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0) == nil
}

// trap raises SIGSYS in the calling thread while the call is pending, as the kernel's RET_TRAP
// does: unhandled, it ends the process (a debugger stops there first); after a handler returns,
// the call restarts and handleNotification answers it with ENOSYS. The signal carries
// SI_TKILL details, not the seccomp ones.
func (s *Supervisor) trap(lfd int, id uint64, tid int) bool {
	tfd, err := unix.PidfdOpen(tid, pidfdThread)
	if err != nil {
		return false
	}
	defer unix.Close(tfd)
	if !idValid(lfd, id) {
		return false
	}
	return unix.PidfdSendSignal(tfd, unix.SIGSYS, nil, 0) == nil
}

// tgids maps thread ids to their process (thread group) id, for one listener loop.
type tgids map[int]int

// of returns the process of thread tid. tgkill(tgid, tid, 0) succeeds exactly when tid is a
// thread of tgid, which makes both the leader case and a cached answer cheap to verify (a
// pidfd_open or a /proc read costs ~5 us, a tgkill ~0.3 us); other threads are looked up
// once in /proc/<tid>/status.
func (m tgids) of(tid int) int {
	if unix.Tgkill(tid, tid, 0) == nil {
		return tid
	}
	if tg, ok := m[tid]; ok && unix.Tgkill(tg, tid, 0) == nil {
		return tg
	}
	tg := tgidFromProc(tid)
	if len(m) >= 4096 {
		clear(m)
	}
	m[tid] = tg
	return tg
}

func tgidFromProc(tid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return tid
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("Tgid:")); ok {
			if n, err := strconv.Atoi(string(bytes.TrimSpace(v))); err == nil {
				return n
			}
		}
	}
	return tid
}
