package launcher

// How a run without the debugger ended: the wrapper's wait status and what the session saw
// (its supervisor's kill, the wall clock, the limit watcher), turned into an ExitStatus.

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// classify turns the wrapper's wait status and what the session saw into an ExitStatus. ps is
// the keeper's end (its resource usage includes the program's, which it reaped).
func (s *Session) classify(ws syscall.WaitStatus, ps *os.ProcessState, timedOut, cancelled bool) ExitStatus {
	s.mu.Lock()
	attached, wrapErr, killed := s.attached, s.wrapErr, s.killed
	s.mu.Unlock()
	var cpu time.Duration
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var maxRSS int64
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		maxRSS = ru.Maxrss << 10 // KiB
	}
	s.mu.Lock()
	peakVM, nprocHit := s.watch.result()
	s.mu.Unlock()
	return classifyWait(waitInfo{
		peakMem: max(peakVM, maxRSS), nprocHit: nprocHit,
		exited: ws.Exited(), code: ws.ExitStatus(), signaled: ws.Signaled(), signal: int(ws.Signal()),
		core: ws.CoreDump(), attached: attached, wrapErr: wrapErr, killed: killed,
		timedOut: timedOut, cancelled: cancelled, cpu: cpu, limits: s.cfg.Limits, timeout: s.cfg.Timeout,
	})
}

// waitInfo is everything classifyWait needs; plain data so it is tested with a table.
type waitInfo struct {
	exited    bool
	code      int
	signaled  bool
	signal    int
	core      bool
	attached  bool           // the program was exec'd inside the sandbox
	wrapErr   *wrapper.Event // the wrapper's own structured failure
	killed    *wrapper.Event // the supervisor killed the program for this call
	timedOut  bool
	cancelled bool
	cpu       time.Duration
	limits    wrapper.Limits
	timeout   time.Duration
	peakMem   int64 // bytes: the program's highest address space (sampled) or resident size (wait4)
	nprocHit  bool  // the tree was held at its process ceiling and stopped (limitWatch)
}

func classifyWait(w waitInfo) ExitStatus {
	// A wrapper error means the program never ran: before the hello (set-up failed) or after it
	// (the execve was refused); after a successful execve no wrapper is left to send one.
	if w.wrapErr != nil {
		return ExitStatus{Kind: KindSandboxError, Code: w.wrapErr.Code, Message: w.wrapErr.Message}
	}
	if w.exited && !w.attached && w.code >= wrapper.ExitSetup && w.code <= wrapper.ExitNotFound {
		return ExitStatus{Kind: KindSandboxError, Code: w.code,
			Message: fmt.Sprintf("the wrapper failed with status %d and gave no reason", w.code)}
	}
	if w.timedOut {
		st := ExitStatus{Kind: KindLimit, Limit: LimitWall, LimitValue: w.timeout.String(), Signal: "SIGKILL"}
		st.SignalDesc = SignalMeaning(st.Signal)
		return st
	}
	if w.nprocHit && w.signaled && w.signal == int(unix.SIGKILL) {
		st := ExitStatus{Kind: KindLimit, Limit: LimitNProc, LimitValue: nprocValue(w.limits), Signal: "SIGKILL"}
		st.SignalDesc = SignalMeaning(st.Signal)
		return st
	}
	memHit := nearMemLimit(w.peakMem, w.limits.Mem)
	if w.exited {
		if memHit && w.code != 0 {
			// An allocation failed and the program gave up: the limit is the cause, the status
			// its answer.
			return ExitStatus{Kind: KindLimit, Limit: LimitMem, LimitValue: limitsField(w.limits, "mem"), Code: w.code}
		}
		return ExitStatus{Kind: KindExited, Code: w.code}
	}
	if !w.signaled {
		return ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup, Message: "the program ended in an unknown way"}
	}
	sig := SignalName(w.signal)
	st := ExitStatus{Signal: sig, SignalDesc: SignalMeaning(sig), Core: w.core}
	switch {
	case w.killed != nil && w.signal == int(unix.SIGKILL):
		st.Kind = KindSandboxKilled
		st.Syscall = w.killed.Syscall
		if st.Syscall == "" {
			st.Syscall = policy.SyscallName(w.killed.Nr)
		}
		st.Rule = w.killed.Rule
	case w.signal == int(unix.SIGSYS):
		// The kernel's own kill action (a call from another ABI, an unreported kill rule).
		st.Kind = KindSandboxKilled
	case w.signal == int(unix.SIGXCPU) || (w.signal == int(unix.SIGKILL) && w.limits.CPU > 0 && w.cpu >= w.limits.CPU):
		st.Kind, st.Limit = KindLimit, LimitCPU
		st.LimitValue = w.limits.CPU.String()
	case memHit && (w.signal == int(unix.SIGSEGV) || w.signal == int(unix.SIGABRT) || w.signal == int(unix.SIGBUS)):
		// A NULL from malloc written through, abort() in an allocator, a stack that could not grow.
		st.Kind, st.Limit = KindLimit, LimitMem
		st.LimitValue = limitsField(w.limits, "mem")
	case w.signal == int(unix.SIGXFSZ):
		st.Kind, st.Limit = KindLimit, LimitFSize
		if w.limits.FSize > 0 {
			st.LimitValue = limitsField(w.limits, "fsize")
		}
	default:
		st.Kind = KindSignaled
	}
	return st
}

// nprocValue is the process limit as the person gave it ("+64" for a relative one).
func nprocValue(l wrapper.Limits) string { return limitsField(l, "nproc") }

// limitsField returns the value of one key of l.String() ("16M" for fsize).
func limitsField(l wrapper.Limits, key string) string {
	for _, kv := range splitComma(l.String()) {
		if k, v, ok := cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}
