package launcher

import (
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// callState is where the debugged program stands with a blocked call the session stops at.
type callState int

// The life cycle of a call the session stops at:
//
//	callNone --Intercept holds it--> callHeld --gdb stops (interrupt)--> callStopped
//	callNone --gdb stops with SIGSYS--> callTrapped
//	callHeld, callStopped --any resume--> callNone (the call restarts and gets the rule's verdict)
//	callStopped, callTrapped --ResolveBlocked--> callNone (the user's verdict)
//	any --the run ends or restarts--> callNone
const (
	callNone    callState = iota // no call is held or stopped at
	callHeld                     // Intercept held the call; -exec-interrupt is on its way
	callStopped                  // gdb stopped the program at the held call (withdrawn by the stop)
	callTrapped                  // a SIGSYS stop: the supervisor's trap or the kernel's
)

// String names the state (for test failures and logs).
func (c callState) String() string {
	switch c {
	case callNone:
		return "none"
	case callHeld:
		return "held"
	case callStopped:
		return "stopped"
	case callTrapped:
		return "trapped"
	}
	return "callState(" + strconv.Itoa(int(c)) + ")"
}

type oneShot struct {
	nr int
	v  wrapper.Verdict
}

// blockedCalls is the blocked-call state machine. It is the one part of a debug session's state
// not owned by the loop: the supervisor's Intercept hook reads it and must never wait for the
// loop (which may be waiting for the supervisor), so it has its own lock, held only briefly.
type blockedCalls struct {
	mu       sync.Mutex
	stopAt   bool // Config.StopAtBlocked
	pid      int  // the debugged program's pid, 0 when none runs
	state    callState
	cur      *Blocked // the call of state != callNone
	kernel   bool     // callTrapped by the kernel's SECCOMP_RET_TRAP: the call has not returned yet
	verdicts map[int]oneShot
}

func (c *blockedCalls) init(stopAt bool) {
	c.stopAt = stopAt
	c.verdicts = map[int]oneShot{}
}

// reset forgets the call and every armed verdict: a run ended or starts (pid: the new program).
func (c *blockedCalls) reset(pid int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pid, c.state, c.cur, c.kernel = pid, callNone, nil, false
	c.verdicts = map[int]oneShot{}
}

// forget drops the current call, keeping armed verdicts (Run before the program starts).
func (c *blockedCalls) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state, c.cur, c.kernel = callNone, nil, false
}

// setPid records the program gdb debugs.
func (c *blockedCalls) setPid(pid int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pid = pid
}

// hold decides on one notification: an armed one-shot verdict for the thread, else hold it
// (callHeld) when the session stops at blocked calls of this program.
func (c *blockedCalls) hold(e wrapper.Event, b func() Blocked) (v wrapper.Verdict, held *Blocked) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if o, ok := c.verdicts[e.Tid]; ok && o.nr == e.Nr {
		delete(c.verdicts, e.Tid)
		return o.v, nil
	}
	if !c.stopAt || c.pid == 0 || e.Pid != c.pid || c.state != callNone {
		return wrapper.Verdict{}, nil
	}
	switch e.Action {
	case policy.Errno, policy.Kill, policy.Trap:
	default:
		return wrapper.Verdict{}, nil
	}
	x := b()
	x.Stopped = true
	c.state, c.cur = callHeld, &x
	return wrapper.Verdict{}, &x
}

// stillHeld reports whether b is still the held call (not resolved meanwhile).
func (c *blockedCalls) stillHeld(b *Blocked) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state == callHeld && c.cur == b
}

// stopped is gdb's stop of the program: a held call becomes callStopped and is returned.
func (c *blockedCalls) stopped() *Blocked {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == callHeld || c.state == callStopped {
		c.state = callStopped
		return c.cur
	}
	return nil
}

// trapped records a SIGSYS stop at b.
func (c *blockedCalls) trapped(b *Blocked, kernel bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state, c.cur, c.kernel = callTrapped, b, kernel
}

// resumed is any resumption but ResolveBlocked: a held or stopped-at call restarts and gets the
// rule's own verdict.
func (c *blockedCalls) resumed(rule func(*Blocked) wrapper.Verdict) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, st := c.cur, c.state
	c.state, c.cur, c.kernel = callNone, nil, false
	if b == nil || st == callTrapped {
		return
	}
	c.verdicts[b.Tid] = oneShot{nr: b.Nr, v: rule(b)}
}

// resolve takes the call the program is stopped at for ResolveBlocked; for a held call it arms
// verdict(b) for the call's restart.
func (c *blockedCalls) resolve(verdict func(*Blocked) wrapper.Verdict) (b *Blocked, st callState, kernel bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, st, kernel = c.cur, c.state, c.kernel
	c.state, c.cur, c.kernel = callNone, nil, false
	if b != nil && st != callTrapped {
		c.verdicts[b.Tid] = oneShot{nr: b.Nr, v: verdict(b)}
	}
	return b, st, kernel
}

// intercept is the supervisor's Intercept hook (never concurrent, must not block).
func (s *Session) intercept(e wrapper.Event) (wrapper.Verdict, bool) {
	v, held := s.dbg.calls.hold(e, func() Blocked { return s.blockedFrom(e) })
	if held == nil {
		return v, false
	}
	go s.interruptFor(held)
	return wrapper.Verdict{}, true
}

// interruptFor asks gdb to stop the program that is waiting on a held call.
func (s *Session) interruptFor(b *Blocked) {
	// Resolved meanwhile (the program stopped and was resumed): nothing to interrupt. Otherwise
	// gdb resumed the program before it could make the call, so gdb sees it running even when
	// the loop has not applied the *running record yet.
	if !s.dbg.calls.stillHeld(b) {
		return
	}
	if _, err := s.mi(s.ctx, "-exec-interrupt"); err != nil {
		s.emit(ErrorEvent{Err: fmt.Errorf("stop at the blocked %s call: %w", b.Syscall, err)})
	}
}

// onSupEvent applies one supervisor event (on the loop): what the debug session needs first,
// then the handling common with run sessions.
func (s *Session) onSupEvent(e wrapper.Event) {
	d := s.dbg
	switch e.Kind {
	case wrapper.EventKilled:
		if e.Pid == d.infPid {
			ev := e
			d.killedBy = &ev
		}
	case wrapper.EventBlocked, wrapper.EventLogged:
		if e.Action == policy.Trap && !e.Held {
			// The supervisor answered and sent SIGSYS: gdb will stop there (decodeSIGSYS).
			b := s.blockedFrom(e)
			d.lastTrap = &b
		}
		if e.Held {
			// Shown when gdb has stopped the program (stopAtBlocked), with the source line.
			return
		}
	case wrapper.EventDetached:
		d.detached[e.Pid] = true
		if e.Pid == d.infPid && d.started && s.State() == Stopped && !d.resuming.Load() {
			go s.diedWhileStopped(e.Pid)
		}
	case wrapper.EventWrapperError:
		if d.wrapErrC != nil {
			select {
			case <-d.wrapErrC:
			default:
				defer close(d.wrapErrC) // after applySupEvent recorded it
			}
		}
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
		d.attachVerify = &v
		return
	}
	s.applySupEvent(e)
}

// resume prepares any resumption: a call the program is stopped at gets the rule's own answer
// when it restarts, unless ResolveBlocked chose another.
func (s *Session) resume(d *debugState) {
	d.resuming.Store(true) // until the next *stopped: an exit now is gdb's to report
	d.calls.resumed(func(b *Blocked) wrapper.Verdict {
		return ruleVerdict(s.pol.Match(policy.AuditArchX86_64, b.Nr, b.Args).Action)
	})
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
	errnoFor := func(b *Blocked) int {
		if v.Errno != 0 {
			return v.Errno
		}
		if n := s.pol.Match(policy.AuditArchX86_64, b.Nr, b.Args).Action.ErrnoValue(); n != 0 {
			return n
		}
		return 1 // EPERM
	}
	b, st, kernelTrap := d.calls.resolve(func(b *Blocked) wrapper.Verdict {
		if v.Kill {
			return wrapper.Verdict{Kind: policy.Kill}
		}
		return wrapper.Verdict{Kind: policy.Errno, Errno: errnoFor(b)}
	})
	if b == nil {
		return errors.New("the program is not stopped at a blocked call")
	}
	d.resuming.Store(true) // both ways below resume the program
	if st != callTrapped || v.Kill {
		// A held call restarts and gets the verdict armed above; a trap's SIGSYS is delivered and
		// the program dies of it, as without the debugger.
		_, err := s.mi(s.ctx, "-exec-continue")
		return err
	}
	t, _ := s.scope()
	// A kernel trap stops the thread before the call returns: $rax becomes its result. The
	// supervisor's trap signals after it answered: the program already has that answer.
	if kernelTrap {
		if _, err := s.mi(s.ctx, "-data-evaluate-expression", "--thread", t, "--frame", "0", fmt.Sprintf("$rax = -%d", errnoFor(b))); err != nil {
			return err
		}
	}
	_, err = s.mi(s.ctx, "-interpreter-exec", "--thread", t, "console", "signal 0")
	return err
}
