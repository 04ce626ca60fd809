package launcher

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sandbug/sandbug/gdbmi"
)

// A breakpoint reported twice (gdb 13, following every process). The program's main thread
// stops at a breakpoint while gdb still holds a child's exit. The user continues; gdb reports
// the pending exit first, the thread not having moved; the session resumes the thread for the
// user (childExited), and gdb, not stepping over the breakpoint under it, reports the same hit
// again. A student continuing through a loop that forks would see one breakpoint twice
// (TestFollowForksAllLoopHitsEveryTime failed every run without this guard).
//
// So, when following every process, the registers of a thread shown stopped at a breakpoint
// are read at once, before any control can resume it (noteHit). When the session resumes that
// thread after a child's end with no stop shown in between (armRehit), a hit at the same
// address with the same registers is that same hit: the thread is resumed once more, silently
// but for a Console line (checkRehit). A loop that really came back to the breakpoint has other
// registers (a counter, flags, a return value); a first hit that was pending is not guarded.
type rehitGuard struct {
	gen    uint64 // the stop it was read at (debugState.stopGen)
	thread int
	pc     uint64
	regs   string // the first general registers, as gdb prints them
}

// generalRegs names the registers compared: the first 18 of gdb's numbering, x86-64's general
// registers with rip and eflags (x0-x17 on arm64).
var generalRegs = func() []string {
	n := make([]string, 18)
	for i := range n {
		n[i] = strconv.Itoa(i)
	}
	return n
}()

// noteHit reads the registers of the thread that stopped at a breakpoint. It is called on the
// loop before the stop is shown and takes cmdMu there, so no control can resume the thread
// before the read, which runs in a goroutine (the loop must go on reading gdb's records). When
// a control holds cmdMu at that moment, there is no snapshot, so no guard.
func (s *Session) noteHit(st gdbmi.StopEvent) {
	d := s.dbg
	d.stopGen++
	if s.followMode() != FollowAll || st.Reason != gdbmi.ReasonBreakpointHit || st.Frame == nil || st.ThreadID <= 0 {
		return
	}
	gen, th, pc := d.stopGen, st.ThreadID, st.Frame.Addr
	if !d.cmdMu.TryLock() {
		return
	}
	go func() {
		defer d.cmdMu.Unlock()
		if regs, ok := s.generalRegisters(strconv.Itoa(th)); ok {
			d.hitRegs.Store(&rehitGuard{gen: gen, thread: th, pc: pc, regs: regs})
		}
	}()
}

// armRehit is called before the session resumes thread th after a child's end (childExited,
// under cmdMu): when th's breakpoint hit is the last stop shown, its next stop is checked.
func (s *Session) armRehit(th int, gen uint64) {
	d := s.dbg
	if g := d.hitRegs.Load(); g != nil && g.gen == gen && g.thread == th {
		d.rehit.Store(g)
	}
}

func (s *Session) generalRegisters(thread string) (string, bool) {
	args := append([]string{"--thread", thread, "--frame", "0", "x"}, generalRegs...)
	r, err := s.mi(s.ctx, "-data-list-register-values", args...)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	for _, v := range gdbmi.ParseRegisterValues(r) {
		b.WriteString(strconv.Itoa(v.Number) + "=" + v.Value + " ")
	}
	return b.String(), b.Len() > 0
}

// mayBeRehit says whether st could be gdb's second report of the hit g was taken at.
func (g *rehitGuard) mayBeRehit(st gdbmi.StopEvent) bool {
	return g != nil && st.Reason == gdbmi.ReasonBreakpointHit && st.ThreadID == g.thread &&
		st.Frame != nil && st.Frame.Addr == g.pc
}

// checkRehit decides, off the loop, whether st is the same hit reported again: then the thread
// is resumed once more and nothing is shown; otherwise the loop handles st as any stop.
func (s *Session) checkRehit(g *rehitGuard, st gdbmi.StopEvent) {
	d := s.dbg
	d.cmdMu.Lock()
	regs, ok := s.generalRegisters(strconv.Itoa(g.thread))
	if ok && regs == g.regs {
		d.resuming.Store(true)
		_, err := s.mi(s.ctx, "-exec-continue", "--thread", strconv.Itoa(g.thread))
		d.cmdMu.Unlock()
		if err == nil {
			s.emit(ConsoleEvent{Kind: ConsoleLog, Text: fmt.Sprintf("sandbug: gdb reported the "+
				"breakpoint at %#x again although thread %d had not moved (a child process had "+
				"ended meanwhile): continued.", g.pc, g.thread)})
			return
		}
		d.resuming.Store(false)
	} else {
		d.cmdMu.Unlock()
	}
	s.owner(func(*debugState) { s.onStop(st) })
}
