package launcher

import (
	"fmt"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// onExit handles the program's end under gdb (on the loop).
func (s *Session) onExit(st gdbmi.StopEvent) {
	d := s.dbg
	pid := d.infPid
	if st.Reason == gdbmi.ReasonExitedSignalled && pid > 0 {
		// A kill by the supervisor is known once it reported it: it does before "detached".
		killTree(pid, true)
		s.waitDetached(pid, time.Second)
	}
	killed, userKilled, timedOut, last := d.killedBy, d.userKilled, d.timedOut, d.lastSignal
	s.mu.Lock()
	peak, _ := s.watch.result()
	s.mu.Unlock()
	memHit := nearMemLimit(peak, s.cfg.Limits.Mem)
	var es ExitStatus
	switch st.Reason {
	case gdbmi.ReasonExited, gdbmi.ReasonExitedNormally:
		es = ExitStatus{Kind: KindExited, Code: st.ExitCode}
		if memHit && st.ExitCode != 0 {
			es = ExitStatus{Kind: KindLimit, Limit: LimitMem, LimitValue: limitsField(s.cfg.Limits, "mem"), Code: st.ExitCode}
		}
	default:
		sig := st.SignalName
		es = ExitStatus{Kind: KindSignaled, Signal: sig, SignalDesc: SignalMeaning(sig)}
		switch {
		case userKilled && sig == "SIGKILL":
			es.Kind = KindStopped
		case timedOut:
			es.Kind, es.Limit, es.LimitValue = KindLimit, LimitWall, s.cfg.Timeout.String()
		case killed != nil && sig == "SIGKILL":
			es.Kind, es.Syscall, es.Rule = KindSandboxKilled, killed.Syscall, killed.Rule
			if es.Syscall == "" {
				es.Syscall = policy.SyscallName(killed.Nr)
			}
		case sig == "SIGSYS":
			es.Kind = KindSandboxKilled
		case sig == "SIGXCPU" || (sig == "SIGKILL" && !userKilled && s.cfg.Limits.CPU > 0 && s.watch.cpuUsed() >= s.cfg.Limits.CPU):
			// SIGKILL is the CPU limit only when the program had used it (the hard limit is a
			// second past the soft one): any other SIGKILL is just that.
			es.Kind, es.Limit, es.LimitValue = KindLimit, LimitCPU, s.cfg.Limits.CPU.String()
		case memHit && (sig == "SIGSEGV" || sig == "SIGABRT" || sig == "SIGBUS"):
			es.Kind, es.Limit = KindLimit, LimitMem
			es.LimitValue = limitsField(s.cfg.Limits, "mem")
		case sig == "SIGXFSZ":
			es.Kind, es.Limit = KindLimit, LimitFSize
			es.LimitValue = limitsField(s.cfg.Limits, "fsize")
		}
		if last != nil && last.Signal == sig {
			es.Where = last.Source.Where()
			if es.Where == "" {
				es.Where = last.Frame.Where()
			}
			if es.Kind == KindSignaled {
				es.applyCrash(last.Crash)
			}
		}
	}
	s.finishRun(es)
}

// finishRun ends the current run: drains the program's output, then reports the exit. It runs
// on the loop (controls call it through owner).
func (s *Session) finishRun(es ExitStatus) {
	d := s.dbg
	if !d.started {
		return
	}
	d.started = false
	d.calls.reset(0)
	d.noHistory, d.recordFail = false, ""
	s.setRecording(d, false, "recording ended with the program")
	s.killOthers()
	pid := d.infPid
	unverified := !d.verifiedRun && pid > 0
	av := d.attachVerify
	d.infPid = 0
	if d.watchStop != nil {
		close(d.watchStop)
		d.watchStop = nil
	}
	d.stopClock()
	done := d.exitDone
	if pid > 0 {
		killTree(pid, true)
	}
	if root := d.procs.root; root > 0 && root != pid {
		killTree(root, true) // following the child: the parent it was forked from
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
// of the program pid are all gone: it applies the supervisor's events meanwhile (on the loop).
func (s *Session) waitDetached(pid int, max time.Duration) bool {
	d := s.dbg
	return s.awaitSup(func() bool { return d.detached[pid] }, max)
}

// killProgram kills the program (and its tree) without waiting for gdb (on the loop).
func (s *Session) killProgram() {
	if pid := s.dbg.infPid; pid > 0 {
		killTree(pid, true)
	}
}

// The wall clock (--timeout) of a debug session counts only while the program runs: the loop
// pauses it at each stop and resumes it at each *running.

func (s *Session) resumeClock() {
	d := s.dbg
	if s.cfg.Timeout <= 0 || !d.started {
		return
	}
	d.runSince = time.Now()
	if d.wall != nil {
		d.wall.Stop()
	}
	d.wall = time.NewTimer(d.budget)
}

func (d *debugState) pauseClock() {
	if d.wall == nil {
		return
	}
	d.stopClock()
	d.budget -= time.Since(d.runSince)
	if d.budget < 0 {
		d.budget = 0
	}
}

func (d *debugState) stopClock() {
	if d.wall != nil {
		d.wall.Stop()
		d.wall = nil
	}
}

// onWallClock: the run used up its --timeout while running; the exit reports it as a limit.
func (s *Session) onWallClock() {
	d := s.dbg
	d.wall = nil
	if !d.started {
		return
	}
	d.timedOut = true
	s.killProgram()
}
