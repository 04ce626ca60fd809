package launcher

import (
	"errors"
	"fmt"

	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

type oneShot struct {
	nr int
	v  wrapper.Verdict
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
		s.attached = true
		s.mu.Unlock()
		s.emit(AttachedEvent{Pid: e.Pid, Program: e.Program, Policy: e.Policy})
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

// resume prepares any resumption: a call the program is stopped at gets the rule's own answer
// when it restarts, unless ResolveBlocked chose another.
func (s *Session) resume(d *debugState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b := d.pending
	d.pending = nil
	if b == nil || d.pendingTrap {
		return
	}
	m := s.pol.Match(policy.AuditArchX86_64, b.Nr, b.Args)
	d.verdicts[b.Tid] = oneShot{nr: b.Nr, v: ruleVerdict(m.Action)}
}

func ruleVerdict(a policy.Action) wrapper.Verdict {
	switch a.Kind {
	case policy.Kill:
		return wrapper.Verdict{Kind: policy.Kill}
	case policy.Errno, policy.Trap:
		return wrapper.Verdict{Kind: a.Kind, Errno: a.ErrnoValue()}
	}
	return wrapper.Verdict{Kind: policy.Allow}
}

// ResolveBlocked answers the blocked call the program is stopped at and continues: with an
// errno (v.Errno, or the rule's own when 0) the call fails with it and the program goes on;
// with v.Kill the sandbox kills the program as a kill rule would.
func (s *Session) ResolveBlocked(v Verdict) error {
	d, err := s.dbgOrErr()
	if err != nil {
		return err
	}
	d.cmdMu.Lock()
	defer d.cmdMu.Unlock()
	d.mu.Lock()
	b, trap, kernelTrap := d.pending, d.pendingTrap, d.kernelTrap
	d.pending = nil
	if b == nil {
		d.mu.Unlock()
		return errors.New("the program is not stopped at a blocked call")
	}
	errno := v.Errno
	if errno == 0 {
		m := s.pol.Match(policy.AuditArchX86_64, b.Nr, b.Args)
		errno = m.Action.ErrnoValue()
		if errno == 0 {
			errno = 1 // EPERM
		}
	}
	if !trap {
		verdict := wrapper.Verdict{Kind: policy.Errno, Errno: errno}
		if v.Kill {
			verdict = wrapper.Verdict{Kind: policy.Kill}
		}
		d.verdicts[b.Tid] = oneShot{nr: b.Nr, v: verdict}
		d.mu.Unlock()
		_, err := s.mi(s.ctx, "-exec-continue")
		return err
	}
	d.mu.Unlock()
	if v.Kill {
		// Deliver the SIGSYS: the program dies of it, as without the debugger.
		_, err := s.mi(s.ctx, "-exec-continue")
		return err
	}
	t, _ := d.tf()
	// A kernel trap stops the thread before the call returns: $rax becomes its result. The
	// supervisor's trap signals after it answered: the program already has that answer.
	if kernelTrap {
		if _, err := s.mi(s.ctx, "-data-evaluate-expression", "--thread", t, "--frame", "0", fmt.Sprintf("$rax = -%d", errno)); err != nil {
			return err
		}
	}
	_, err = s.mi(s.ctx, "-interpreter-exec", "--thread", t, "console", "signal 0")
	return err
}
