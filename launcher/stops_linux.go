package launcher

import (
	"strconv"
	"strings"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// onStop handles a *stopped record (on the loop).
func (s *Session) onStop(st gdbmi.StopEvent) {
	d := s.dbg
	if st.Exited() {
		if s.childExited() {
			return // another process under the debugger ended: the run goes on
		}
		s.onExit(st)
		return
	}
	if g := d.rehit.Swap(nil); g.mayBeRehit(st) {
		go s.checkRehit(g, st)
		return
	}
	s.noteHit(st)
	if st.ThreadID > 0 {
		d.thread = st.ThreadID
	}
	d.frame = 0
	pid := d.infPid
	verify := !d.verifiedRun && pid > 0
	d.verifiedRun = true
	if verify {
		v := VerifyPid(pid)
		s.recordVerifiedRun(v)
		if !v.OK {
			s.killProgram()
			s.finishRun(ExitStatus{Kind: KindSandboxError, Code: wrapper.ExitSetup,
				Message: "the program is not inside the sandbox, so it was stopped: " + v.Detail})
			return
		}
	}
	stop := &Stop{Reason: StopReason(st.Reason), Thread: st.ThreadID, Signal: st.SignalName}
	s.stopProcess(stop)
	if stop.OtherProcess {
		pid = stop.Pid // a crash is read in the process that had it
	}
	if st.Frame != nil {
		stop.Frame = fromMIFrame(*st.Frame)
	}
	if n, err := strconv.Atoi(st.BkptNo); err == nil {
		stop.BkptNo = n
	}
	starti := d.startiRun
	stop.Entry = verify && (st.Reason == gdbmi.ReasonBreakpointHit && st.Disp == "del" || starti)
	if stop.Entry && starti {
		// starti reports a stop by "signal 0": not a signal the program received.
		stop.Reason, stop.Signal = StopNone, ""
	}
	if stop.Signal != "" && stop.Signal != "0" {
		stop.SignalDesc = SignalMeaning(stop.Signal)
	}
	interrupt := st.Reason == "" || st.Reason == gdbmi.ReasonSignalReceived && st.SignalName == "SIGINT"
	if interrupt {
		if b := d.calls.stopped(); b != nil {
			s.blockedStop(stop, b)
			return
		}
	}
	if s.recordStop(stop) {
		return // a reverse step that ended inside its own line goes on (recordStop)
	}
	if st.Reason == gdbmi.ReasonSignalReceived && st.SignalName == "SIGSYS" {
		if b, kernel, ok := s.decodeSIGSYS(stop); ok {
			d.calls.trapped(b, kernel)
			s.blockedStop(stop, b)
			return
		}
	}
	switch stop.Reason {
	case StopWatchpointTrigger, StopReadWatchpointTrigger, StopAccessWatchpointTrigger, StopWatchpointScope:
		s.watchStop(stop, st)
	}
	if stop.Reason == StopSignalReceived {
		s.fillSource(stop)
		if n := SignalNumber(stop.Signal); crashSignal(n) && pid > 0 {
			stop.Crash = s.readCrashGDB(stop, pid, n)
			// A sanitizer's report ends in abort(): its log says what the signal cannot.
			stop.Crash = s.sanitizerCrash(pid, stop.Crash)
		}
		cp := *stop
		d.lastSignal = &cp
	} else {
		stop.Source = stop.Frame
		if !stop.Frame.UserSource() {
			s.fillSource(stop)
		}
	}
	s.setState(Stopped, stop)
}

func (s *Session) recordVerifiedRun(v VerifiedEvent) {
	s.mu.Lock()
	s.verified = &v
	s.mu.Unlock()
	s.emit(v)
}

// blockedStop reports the program stopped at a blocked call.
func (s *Session) blockedStop(stop *Stop, b *Blocked) {
	d := s.dbg
	// Act on the thread that made the call.
	if tid := s.gdbThreadOf(b.Tid); tid > 0 {
		d.thread = tid
		stop.Thread = tid
	}
	s.fillSource(stop)
	b.Where = stop.Source
	stop.Reason = StopBlockedSyscall
	stop.Blocked = b
	stop.Signal, stop.SignalDesc = "", ""
	s.emit(BlockedEvent{B: *b})
	s.setState(Stopped, stop)
}

var lwpRE = lazyRE(`LWP (\d+)`)

// gdbThreadOf returns gdb's thread id for a kernel thread id, or 0.
func (s *Session) gdbThreadOf(tid int) int {
	r, err := s.mi(s.ctx, "-thread-info")
	if err != nil {
		return 0
	}
	threads, _ := gdbmi.ParseThreads(r)
	for _, t := range threads {
		if m := lwpRE().FindStringSubmatch(t.TargetID); m != nil && m[1] == strconv.Itoa(tid) {
			return t.ID
		}
	}
	if len(threads) == 1 {
		return threads[0].ID
	}
	return 0
}

// fillSource sets stop.Source (and the frame) to the first frame in the user's own source.
func (s *Session) fillSource(stop *Stop) {
	frames, err := s.stack(s.ctx, strconv.Itoa(s.dbg.thread))
	if err != nil || len(frames) == 0 {
		return
	}
	if stop.Frame.Func == "" && stop.Frame.Addr == "" {
		stop.Frame = frames[0]
	}
	for _, f := range frames {
		if f.UserSource() {
			stop.Source = f
			return
		}
	}
}

// decodeSIGSYS reads a SIGSYS stop: the seccomp fields of $_siginfo for a kernel trap
// (si_code 1), else the supervisor's trap of that thread (it answered, then signalled).
func (s *Session) decodeSIGSYS(stop *Stop) (b *Blocked, kernel bool, ok bool) {
	eval := func(expr string) (uint64, bool) { return s.evalUint(stop.Thread, 0, expr) }
	code, ok := eval("$_siginfo.si_code")
	if !ok {
		return nil, false, false
	}
	b = &Blocked{Time: time.Now(), Count: 1, Stopped: true, Via: ViaTrap, Action: ActionTrap}
	s.mu.Lock()
	b.Pid = s.mainPid
	s.mu.Unlock()
	b.Tid = b.Pid
	if code == 1 { // SYS_SECCOMP
		nr, _ := eval("$_siginfo._sifields._sigsys._syscall")
		arch, _ := eval("$_siginfo._sifields._sigsys._arch")
		b.Nr = int(nr)
		for i, reg := range []string{"$rdi", "$rsi", "$rdx", "$r10", "$r8", "$r9"} {
			b.Args[i], _ = eval(reg)
		}
		b.Syscall = policy.SyscallName(b.Nr)
		if uint32(arch) == policy.AuditArchX86_64 {
			b.Call = policy.FormatCall(b.Nr, b.Args)
		}
		m := s.pol.Match(uint32(arch), b.Nr, b.Args)
		if m.Rule != nil {
			b.Rule, b.Explain = m.Rule.Name, m.Rule.Explain
		}
		return b, true, true
	}
	// A supervisor trap: it answered the call, then signalled the thread. Its event may still
	// be on the way: wait for it (gdb's records wait meanwhile), at most half a second.
	d := s.dbg
	var lt *Blocked
	s.awaitSup(func() bool {
		if d.lastTrap != nil {
			lt, d.lastTrap = d.lastTrap, nil
		}
		return lt != nil && (lt.Pid == b.Pid || lt.Tid == b.Pid)
	}, 500*time.Millisecond)
	if lt == nil || (lt.Pid != b.Pid && lt.Tid != b.Pid) {
		return nil, false, false
	}
	c := *lt
	c.Stopped, c.Via, c.Count = true, ViaTrap, 1
	return &c, false, true
}

// evalUint evaluates expr in a frame of a thread and reads the value's first word as a number
// ("0x0", "-1", "0x55... <buf>").
func (s *Session) evalUint(thread, frame int, expr string) (uint64, bool) {
	r, err := s.mi(s.ctx, "-data-evaluate-expression", "--thread", strconv.Itoa(thread), "--frame", strconv.Itoa(frame), expr)
	if err != nil {
		return 0, false
	}
	v := strings.Fields(r.Get("value").String())
	if len(v) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(v[0], 0, 64)
	if err != nil {
		u, err2 := strconv.ParseUint(v[0], 0, 64)
		if err2 != nil {
			return 0, false
		}
		return u, true
	}
	return uint64(n), true
}

// readCrashGDB reads a crash signal at a debugger stop: $_siginfo and the registers through
// gdb, the rest (maps, stack, glibc's message) as run mode does; for a NULL access it asks gdb
// which pointer on the faulting line is NULL.
func (s *Session) readCrashGDB(stop *Stop, pid, signo int) *Crash {
	code, ok := s.evalUint(stop.Thread, 0, "$_siginfo.si_code")
	if !ok {
		return nil
	}
	addr, _ := s.evalUint(stop.Thread, 0, "(unsigned long)$_siginfo._sifields._sigfault.si_addr")
	pc, _ := s.evalUint(stop.Thread, 0, "(unsigned long)$pc")
	sp, _ := s.evalUint(stop.Thread, 0, "(unsigned long)$sp")
	c := readCrash(pid, signo, int(int32(code)), addr, pc, sp, 0)
	if c.Where.File == "" && stop.Source.File != "" {
		c.Where = stop.Source
		c.LineText = sourceLine(stop.Source.FullName, stop.Source.Line)
	}
	if c.Kind == CrashNull && c.LineText != "" {
		level := stop.Source.Level
		for _, e := range derefCandidates(c.LineText) {
			if v, ok := s.evalUint(stop.Thread, level, e); ok && v == 0 {
				c.Expr = e
				break
			}
		}
	}
	return c
}
