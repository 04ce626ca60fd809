package launcher

import (
	"errors"
	"strings"

	"github.com/sandbug/sandbug/gdbmi"
)

// Recording reports whether gdb records the program (debug sessions).
func (s *Session) Recording() bool {
	return s.dbg != nil && s.dbg.recOn.Load()
}

// SetRecording starts (`record full`) or stops (`record stop`) gdb's process record of the
// stopped program. While it records, every instruction is logged (slow: see BENCHMARKS.md)
// and the Reverse controls go back through the log.
func (s *Session) SetRecording(on bool) error {
	d, err := s.dbgOrErr()
	if err != nil {
		return err
	}
	if s.State() != Stopped {
		return errors.New("recording starts and stops while the program is stopped")
	}
	if on == d.recOn.Load() {
		return nil
	}
	cmd := "record stop"
	if on {
		cmd = "record full"
	}
	d.cmdMu.Lock()
	defer d.cmdMu.Unlock()
	if on {
		if err := s.checkRegistersWritable(); err != nil {
			return err
		}
	}
	if _, err := s.mi(s.ctx, "-interpreter-exec", "console", cmd); err != nil {
		return err
	}
	// gdb announces both with =record-started / =record-stopped (onRecordNotify); set the
	// state now too, so that a reverse key right after works.
	s.owner(func(d *debugState) { s.setRecording(d, on, "") })
	return nil
}

// ErrNoReverseHere is SetRecording's answer where gdb cannot put the program's registers back
// as they were, which going back needs: on a CPU with AMX the XSAVE area is larger than gdb 13
// knows, and the kernel refuses a register write of the wrong size.
var ErrNoReverseHere = errors.New("reverse stepping is not available here: gdb 13 cannot write back " +
	"the registers of a CPU with AMX (gdb 14 can)")

// checkRegistersWritable asks gdb to flip a bit of a vector register and flip it back (on the
// stopped program, under cmdMu). Replaying backwards restores registers that way; where gdb
// cannot (gdb 13 on a CPU with AMX: "Couldn't write extended state status: Bad address"), a
// reverse step over a C library call leaves the thread stuck "running" while gdb prints that
// line without end. Refusing to record is the honest answer there.
func (s *Session) checkRegistersWritable() error {
	d := s.dbg
	if d.xstateChecked {
		return d.xstateErr
	}
	// A changed value: gdb skips writing one equal to what its register cache holds.
	_, err := s.mi(s.ctx, "-data-evaluate-expression", "$xmm0.v4_int32[0] ^= 1")
	if err == nil {
		_, err = s.mi(s.ctx, "-data-evaluate-expression", "$xmm0.v4_int32[0] ^= 1")
	}
	var mie *gdbmi.MIError
	switch {
	case errors.As(err, &mie) && strings.Contains(mie.Msg, "extended state"):
		d.xstateErr = ErrNoReverseHere
	case err != nil && !errors.As(err, &mie):
		return err // gdb went away, the session ended: not an answer about the machine
	}
	// Any other MI error (no $xmm0 on this architecture) is not this failure: record.
	d.xstateChecked = true
	return d.xstateErr
}

// ReverseNext goes back one source line, over calls (reverse-next).
func (s *Session) ReverseNext() error { return s.reverse("-exec-next") }

// ReverseStep goes back one source line, into a call that ends on it (reverse-step).
func (s *Session) ReverseStep() error { return s.reverse("-exec-step") }

// ReverseFinish goes back to where the selected function was called (reverse-finish).
func (s *Session) ReverseFinish() error { return s.reverse("-exec-finish") }

// ReverseContinue runs backwards to the previous breakpoint or the start of the recording.
func (s *Session) ReverseContinue() error { return s.reverse("-exec-continue") }

func (s *Session) reverse(cmd string) error {
	d, err := s.dbgOrErr()
	if err != nil {
		return err
	}
	if !d.recOn.Load() {
		return ErrNotRecording
	}
	t, f := s.scope()
	if cmd == "-exec-next" || cmd == "-exec-step" {
		s.owner(func(d *debugState) { d.rev = &reverseStep{from: d.lastFrame, cmd: cmd, thread: t} })
	}
	// gdb reads the global options (--thread, --frame) only before the command's own.
	args := []string{"--thread", t}
	if cmd == "-exec-finish" {
		args = append(args, "--frame", f)
	}
	return s.execRun(cmd, append(args, "--reverse")...)
}

// recordSettled waits until a `record stop` that recordStop sent has been answered.
func (d *debugState) recordSettled() {
	if c := d.recStopping.Swap(nil); c != nil {
		<-*c
	}
}

// setRecording records the state and tells the session's reader (on the loop).
func (s *Session) setRecording(d *debugState, on bool, reason string) {
	if d.recOn.Swap(on) == on {
		return
	}
	s.emit(RecordEvent{On: on, Reason: reason})
}

// recordLine watches gdb's messages for what ends recording and for the end of the history
// (on the loop); the next stop reports them.
func (s *Session) recordLine(line string) {
	d := s.dbg
	if !d.recOn.Load() {
		return
	}
	if strings.HasPrefix(line, "No more reverse-execution history") {
		d.noHistory = true
		return
	}
	if why, ok := recordFailure(line); ok && (d.recordFail == "" || strings.Contains(line, " at address ")) {
		d.recordFail = why
	}
}

// reverseStep is a reverse-next or reverse-step in progress.
type reverseStep struct {
	from   Frame // where it started
	cmd    string
	thread string
	again  int // times it was sent again
}

// maxReverseAgain bounds the repeats of one reverse step.
const maxReverseAgain = 4

// recordStop adjusts a stop for recording (on the loop): the end of the history, or gdb
// giving up recording, which stops recording for good (one clear line, the RecordEvent).
// It reports true when it sent the reverse step again instead: gdb 13 stops a reverse-next
// inside the line it started on when that line has several line-table ranges (a call in the
// middle: `x = x * 10 + strlen(buf);`), fixed in gdb 14; one key must go back one line.
func (s *Session) recordStop(stop *Stop) (again bool) {
	d := s.dbg
	rev := d.rev
	d.rev = nil
	defer func() {
		if !again {
			d.lastFrame = stop.Frame
		}
	}()
	if rev != nil && !d.noHistory && d.recordFail == "" && stop.Reason == StopEndSteppingRange &&
		rev.again < maxReverseAgain && stop.Frame.Line > 0 && stop.Frame.Line == rev.from.Line &&
		stop.Frame.File == rev.from.File && stop.Frame.Func == rev.from.Func {
		rev.again++
		d.rev = rev
		d.resuming.Store(true)
		go s.mi(s.ctx, rev.cmd, "--thread", rev.thread, "--reverse")
		return true
	}
	if d.noHistory {
		d.noHistory = false
		stop.Reason, stop.Signal, stop.SignalDesc = StopNoHistory, "", ""
	}
	if why := d.recordFail; why != "" {
		d.recordFail = ""
		stop.Reason, stop.Signal, stop.SignalDesc = StopRecordFailed, "", ""
		s.setRecording(d, false, why)
		// gdb keeps the record target (it only stopped the program): stop it, so that
		// stepping on runs at full speed. Not on the loop: it waits for gdb's answer; the
		// next control waits for it (recordSettled).
		done := make(chan struct{})
		d.recStopping.Store(&done)
		go func() {
			defer close(done)
			s.mi(s.ctx, "-interpreter-exec", "console", "record stop")
		}()
	}
	return false
}
