package wrapper

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/wrapper/policy"
)

// pidfdThread is PIDFD_THREAD (include/uapi/linux/pidfd.h, Linux 6.9): a pidfd for one thread.
const pidfdThread = unix.O_EXCL

// superviseListener answers notifications until the listener hangs up (every process using the
// filter is gone) or Close starts. execDone closes once the wrapper's execve succeeded or its
// failure was reported: the detach is reported after it, so a launcher sees why first.
func (s *Supervisor) superviseListener(lfd, wrapperPid int, execDone <-chan struct{}) {
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
			<-execDone
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
	if nr == policy.SysExitGroup && n.Data.Arch == policy.AuditArchX86_64 && uint32(n.Data.Args[0]) != 0 {
		// NotifyFailedExit: the process is about to end with an error status.
		if s.cfg.OnFailedExit != nil {
			s.cfg.OnFailedExit(l.threads.of(tid), tid, int(uint8(n.Data.Args[0])))
		}
		if !m.Report {
			s.reply(lfd, rbuf, seccompNotifResp{ID: n.ID, Flags: unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE})
			return nil
		}
	}
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
		var answered bool
		if ok, answered = s.trap(lfd, n.ID, tid, rbuf, v.Errno); ok && !answered {
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

// trap raises SIGSYS in the calling thread while the call is pending, then answers errno, as
// the kernel's RET_TRAP does: unhandled, the signal ends the process (a debugger stops there
// first); handled, the handler runs as the call returns. When the wait is interruptible (the
// wrapper runs under a debugger) the signal withdraws the call first (answered=false): it
// restarts after the handler or the debugger and handleNotification answers it then. The signal
// carries SI_TKILL details, not the seccomp ones.
func (s *Supervisor) trap(lfd int, id uint64, tid int, rbuf []byte, errno int) (ok, answered bool) {
	tfd, err := unix.PidfdOpen(tid, pidfdThread)
	if err != nil {
		return false, false
	}
	defer unix.Close(tfd)
	if !idValid(lfd, id) {
		return false, false
	}
	if unix.PidfdSendSignal(tfd, unix.SIGSYS, nil, 0) != nil {
		return false, false
	}
	return true, s.reply(lfd, rbuf, seccompNotifResp{ID: id, Error: -int32(errno)})
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
