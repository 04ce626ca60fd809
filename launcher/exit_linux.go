package launcher

import (
	"fmt"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// onExit handles the program's end under gdb.
func (s *Session) onExit(st gdbmi.StopEvent) {
	d := s.dbg
	d.mu.Lock()
	pid := d.infPid
	d.mu.Unlock()
	if st.Reason == gdbmi.ReasonExitedSignalled && pid > 0 {
		// A kill by the supervisor is known once it reported it: it does before "detached".
		killTree(pid, true)
		s.waitDetached(pid, time.Second)
	}
	d.mu.Lock()
	killed, userKilled, timedOut, last := d.killedBy, d.userKilled, d.timedOut, d.lastSignal
	d.mu.Unlock()
	var es ExitStatus
	switch st.Reason {
	case gdbmi.ReasonExited, gdbmi.ReasonExitedNormally:
		es = ExitStatus{Kind: KindExited, Code: st.ExitCode}
	default:
		sig := st.SignalName
		es = ExitStatus{Kind: KindSignaled, Signal: sig, SignalDesc: SignalMeaning(sig)}
		switch {
		case timedOut:
			es.Kind, es.Limit, es.LimitValue = KindLimit, LimitWall, s.cfg.Timeout.String()
		case killed != nil && sig == "SIGKILL":
			es.Kind, es.Syscall, es.Rule = KindSandboxKilled, killed.Syscall, killed.Rule
			if es.Syscall == "" {
				es.Syscall = policy.SyscallName(killed.Nr)
			}
		case sig == "SIGSYS":
			es.Kind = KindSandboxKilled
		case sig == "SIGXCPU" || (sig == "SIGKILL" && !userKilled && s.cfg.Limits.CPU > 0):
			es.Kind, es.Limit, es.LimitValue = KindLimit, LimitCPU, s.cfg.Limits.CPU.String()
		case sig == "SIGXFSZ":
			es.Kind, es.Limit = KindLimit, LimitFSize
			es.LimitValue = limitsField(s.cfg.Limits, "fsize")
		}
		if last != nil && last.Signal == sig {
			es.Where = last.Source.Where()
			if es.Where == "" {
				es.Where = last.Frame.Where()
			}
		}
	}
	s.finishRun(es)
}

// finishRun ends the current run: drains the program's output, then reports the exit.
func (s *Session) finishRun(es ExitStatus) {
	d := s.dbg
	d.mu.Lock()
	if !d.started {
		d.mu.Unlock()
		return
	}
	d.started = false
	d.pending = nil
	d.verdicts = map[int]oneShot{}
	pid := d.infPid
	unverified := !d.verifiedRun && pid > 0
	av := d.attachVerify
	d.infPid = 0
	if d.wallTimer != nil {
		d.wallTimer.Stop()
	}
	done := d.exitDone
	d.mu.Unlock()
	if pid > 0 {
		killTree(pid, true)
	}
	s.drainPTY()
	// Every blocked call of this run is reported before the exit: the supervisor's "detached"
	// for this program comes after all of them.
	s.mu.Lock()
	attached := s.attached
	s.mu.Unlock()
	if attached && pid > 0 {
		s.waitDetached(pid, time.Second)
	}
	if unverified {
		// The program ended without ever stopping: report what the hello showed, or that
		// nothing could be checked.
		if av != nil {
			s.recordVerifiedRun(*av)
		} else {
			s.recordVerifiedRun(VerifiedEvent{Pid: pid, Seccomp: -1, Filters: -1,
				Detail: fmt.Sprintf("process %d ended before the sandbox could be verified (the wrapper never reported)", pid)})
		}
	}
	s.mu.Lock()
	s.mainPid = 0
	s.mu.Unlock()
	s.finish(es)
	if done != nil {
		close(done)
	}
}

// waitDetached waits (at most max) until the supervisor reported that the sandboxed processes
// of the program pid are all gone.
func (s *Session) waitDetached(pid int, max time.Duration) bool {
	d := s.dbg
	deadline := time.Now().Add(max)
	for {
		d.mu.Lock()
		ok := d.detached[pid]
		d.mu.Unlock()
		if ok || time.Now().After(deadline) {
			return ok
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// killProgram kills the program (and its tree) without waiting for gdb.
func (s *Session) killProgram() {
	d := s.dbg
	d.mu.Lock()
	pid := d.infPid
	d.mu.Unlock()
	if pid > 0 {
		killTree(pid, true)
	}
}

// --- wall clock, paused while stopped (d.mu held) ---

func (d *debugState) resumeClock(s *Session) {
	if s.cfg.Timeout <= 0 || !d.started {
		return
	}
	d.runSince = time.Now()
	if d.wallTimer != nil {
		d.wallTimer.Stop()
	}
	left := d.budget
	d.wallTimer = time.AfterFunc(left, func() {
		d.mu.Lock()
		if !d.started {
			d.mu.Unlock()
			return
		}
		d.timedOut = true
		d.mu.Unlock()
		s.killProgram()
	})
}

func (d *debugState) pauseClock() {
	if d.wallTimer == nil {
		return
	}
	d.wallTimer.Stop()
	d.wallTimer = nil
	d.budget -= time.Since(d.runSince)
	if d.budget < 0 {
		d.budget = 0
	}
}
