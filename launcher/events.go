package launcher

import (
	"fmt"
	"strings"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// Event is one item of a session's ordered event stream. Every concrete type is plain data.
type Event interface{ isEvent() }

// State is the lifecycle state of a session's program.
type State int

// The states a session moves through. Stopped only happens in debug sessions.
const (
	NotStarted State = iota // nothing runs yet (a debug session before Run)
	Starting                // compiling, starting gdb, the wrapper or the program
	Running                 // the program runs
	Stopped                 // the program is stopped by the debugger (see Stop)
	Exited                  // the program is gone; the ExitEvent carries how it ended
)

// String returns the state's name in lower case ("running").
func (s State) String() string {
	switch s {
	case NotStarted:
		return "not started"
	case Starting:
		return "starting"
	case Running:
		return "running"
	case Stopped:
		return "stopped"
	case Exited:
		return "exited"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Frame is one stack frame of the stopped program.
type Frame struct {
	Level    int    // 0 is the innermost frame
	Addr     string // program counter, hex as gdb prints it ("0x0000555555555149")
	Func     string // function name, "" when unknown
	File     string // source file as compiled ("demo.c"), "" without debug info
	FullName string // absolute path of the source file, "" without debug info
	Line     int    // 1-based line, 0 when unknown
	From     string // shared library the frame is in, when there is no source
	// Args is the frame's arguments as gdb's backtrace writes them ("head=0x4052a0, v=99";
	// "s=..." for a struct passed by value); "" when it has none or none were asked for.
	Args string
}

// StackPage is one page of a thread's frames, innermost first, and whether frames follow
// it: a UI shows the first page at once and fetches the rest page by page (see StackPageIn).
type StackPage struct {
	Frames []Frame
	More   bool
}

// Where returns "file:line in func()" (or the best part of it that is known).
func (f Frame) Where() string {
	var s string
	switch {
	case f.File != "" && f.Line > 0:
		s = fmt.Sprintf("%s:%d", f.File, f.Line)
	case f.From != "":
		s = f.From
	case f.Addr != "":
		s = f.Addr
	}
	if f.Func != "" {
		if s == "" {
			return f.Func + "()"
		}
		return s + " in " + f.Func + "()"
	}
	return s
}

// StopReason says why a debugged program stopped: gdb's reason, or StopBlockedSyscall.
type StopReason string

// Stop reasons. All but StopBlockedSyscall are gdb's own (gdbmi.Reason*); a reason gdb adds
// later arrives as it is, and "" is a stop gdb gives no reason for (an interrupt, starti).
const (
	StopNone                    StopReason = ""
	StopBreakpointHit           StopReason = gdbmi.ReasonBreakpointHit
	StopEndSteppingRange        StopReason = gdbmi.ReasonEndSteppingRange
	StopFunctionFinished        StopReason = gdbmi.ReasonFunctionFinished
	StopLocationReached         StopReason = gdbmi.ReasonLocationReached
	StopSignalReceived          StopReason = gdbmi.ReasonSignalReceived
	StopWatchpointTrigger       StopReason = gdbmi.ReasonWatchpointTrigger
	StopReadWatchpointTrigger   StopReason = gdbmi.ReasonReadWatchpointTrigger
	StopAccessWatchpointTrigger StopReason = gdbmi.ReasonAccessWatchpointTrigger
	// StopWatchpointScope: the function owning a watched local returned; gdb deleted the
	// watchpoint and stopped in the caller.
	StopWatchpointScope StopReason = gdbmi.ReasonWatchpointScope
	// StopBlockedSyscall: the session stopped the program at a call the sandbox denies
	// (Stop.Blocked says which).
	StopBlockedSyscall StopReason = "blocked-syscall"
)

// String returns the reason as gdb spells it ("breakpoint-hit").
func (r StopReason) String() string { return string(r) }

// Action is what the sandbox does with a call: the policy's own vocabulary.
type Action = policy.ActionKind

// The sandbox's actions (policy.ActionKind), named here so that the TUI needs no policy import.
const (
	ActionAllow = policy.Allow
	ActionErrno = policy.Errno
	ActionKill  = policy.Kill
	ActionTrap  = policy.Trap
	ActionLog   = policy.Log
)

// Via says how the session learnt of a blocked call.
type Via string

// The two ways a blocked call reaches a session.
const (
	ViaNotify Via = "notify" // the supervisor (seccomp user notification)
	ViaTrap   Via = "trap"   // a SIGSYS stop in gdb (SECCOMP_RET_TRAP)
)

// String returns "notify" or "trap".
func (v Via) String() string { return string(v) }

// Scope names where a query or a step acts, as gdb's --thread and --frame: the caller passes
// it with each call instead of selecting a frame first.
type Scope struct {
	Thread int // gdb's thread id; 0 is the thread of the last stop
	Frame  int // frame level; 0 is the innermost
}

// Stop describes why and where a debugged program stopped.
type Stop struct {
	Reason StopReason
	Thread int // gdb's thread id
	// Pid is the process the stop happened in and OtherProcess is set when that is not the
	// program itself but a process it forked (Config.FollowForks "all"; else 0 and false).
	Pid          int
	OtherProcess bool
	Frame        Frame // where the program stopped (frame 0)
	Source       Frame // the first frame in the user's own source ("" File when there is none)
	BkptNo       int   // breakpoint number for breakpoint-hit, 0 otherwise
	Entry        bool  // the run's first stop: at the temporary breakpoint on main (before main runs), or
	// at the first instruction when the program has no main symbol (Reason "")
	Signal     string // "SIGSEGV" for signal-received
	SignalDesc string // plain meaning of Signal ("segmentation fault (invalid memory access)")
	Blocked    *Blocked
	// Watch describes a watchpoint stop (StopWatchpointTrigger, StopWatchpointScope): which
	// watchpoint, the old and new values, or that its variable went out of scope.
	Watch *WatchHit
	// Crash is the reading of a crash signal (SIGSEGV, SIGFPE, SIGABRT, ...) in plain words; nil
	// for other stops. Crash.Explanation() says what to look at next.
	Crash *Crash
}

// Summary says in plain words why and where the program stopped, and in which thread when it
// is not the main one (gdb's thread 1).
func (s Stop) Summary() string {
	sum := s.summary()
	if s.OtherProcess && s.Pid > 0 {
		sum += fmt.Sprintf(" in process %d", s.Pid)
	} else if s.Thread > 1 {
		sum += fmt.Sprintf(" (thread %d)", s.Thread)
	}
	return sum
}

func (s Stop) summary() string {
	where := s.Source.Where()
	if where == "" {
		where = s.Frame.Where()
	}
	plain := where
	if where != "" {
		where = " at " + where
	}
	if s.Entry {
		if s.Reason == StopBreakpointHit {
			return "stopped before main runs" + where
		}
		return "stopped at the program's first instruction" + where
	}
	switch s.Reason {
	case StopBreakpointHit:
		if s.BkptNo > 0 {
			return fmt.Sprintf("stopped at breakpoint %d%s", s.BkptNo, where)
		}
		return "stopped at a breakpoint" + where
	case StopEndSteppingRange:
		if plain == "" {
			return "stepped"
		}
		return "stepped to " + plain
	case StopFunctionFinished:
		return "returned from the function, now" + where
	case StopLocationReached:
		if plain == "" {
			return "reached the location"
		}
		return "reached " + plain
	case StopSignalReceived:
		if s.Crash != nil && s.Crash.Headline() != "" {
			return fmt.Sprintf("stopped by %s%s: %s", s.Signal, where, s.Crash.Headline())
		}
		return fmt.Sprintf("stopped by %s%s", signalWords(s.Signal, s.SignalDesc), where)
	case StopWatchpointTrigger, StopReadWatchpointTrigger, StopAccessWatchpointTrigger:
		if w := s.Watch; w != nil && w.Expr != "" {
			if w.Old != "" || w.New != "" {
				return fmt.Sprintf("%s changed from %s to %s%s", w.Expr, w.Old, w.New, where)
			}
			return w.Expr + " was accessed" + where
		}
		return "watched value changed" + where
	case StopWatchpointScope:
		what := "the watched variable"
		if s.Watch != nil && s.Watch.Expr != "" {
			what = s.Watch.Expr
		}
		return fmt.Sprintf("stopped watching %s: the function it belongs to returned, so it no longer exists (watchpoint deleted)%s", what, where)
	case StopBlockedSyscall:
		if s.Blocked != nil {
			return fmt.Sprintf("stopped at a blocked call to %s%s", s.Blocked.Syscall, where)
		}
		return "stopped at a blocked call" + where
	case StopNoHistory:
		return "reached the end of the recorded history" + where
	case StopRecordFailed:
		return "stopped where gdb cannot record" + where
	case StopNone:
		return "stopped" + where
	}
	return fmt.Sprintf("stopped (%s)%s", s.Reason, where)
}

// Blocked is one system call the sandbox denied, reported, or (debug sessions) stopped at.
type Blocked struct {
	Time      time.Time
	Pid, Tid  int       // process and thread that made the call
	Child     bool      // Pid is not the session's main program (a forked child, a new exec)
	Nr        int       // x86_64 syscall number
	Syscall   string    // syscall name ("ptrace")
	Args      [6]uint64 // raw arguments
	Call      string    // decoded call, "ptrace(PTRACE_TRACEME, 0, 0, 0)"
	Rule      string    // name of the rule that matched ("" for the policy default)
	Explain   string    // why this kind of call is forbidden, one sentence
	Action    Action    // what the sandbox did or will do
	Errno     int       // errno the program got back (Action errno), 0 otherwise
	ErrnoName string    // "EPERM"
	Count     int       // number of identical calls this event stands for (>= 1)
	Where     Frame     // the first frame in the user's source, when known (debug sessions)
	Stopped   bool      // the debugger stopped the program at this call (awaiting ResolveBlocked)
	Via       Via       // how the session learnt of it
}

// Verdict tells a stopped-at-blocked-call program what its call returns: an errno (the call
// fails with it), or Kill (the sandbox kills the program as a kill rule would).
type Verdict struct {
	Kill  bool
	Errno int // used when Kill is false; 0 means the rule's own errno (EPERM if it has none)
}

// Breakpoint is one breakpoint as gdb reports it.
type Breakpoint struct {
	ID       string // gdb's number ("1", "2.1" for a location)
	Enabled  bool
	Temp     bool
	Func     string
	File     string
	FullName string
	Line     int
	Addr     string
	Cond     string
	Hits     int
	Pending  string // the original location when gdb could not resolve it yet
	// Watch is the watched expression of a watchpoint ("stop when this changes"), "" for a
	// breakpoint. A watchpoint has no File or Line: it stops wherever the value changes.
	Watch string
}

// Variable is one argument or local variable, or a varobj child.
type Variable struct {
	Name     string
	Type     string
	Value    string // gdb's display text; never decoded a second time
	Arg      bool   // a function argument rather than a local
	VarObj   string // varobj name when the value is expandable (structs, arrays, pointers)
	NumChild int    // children reachable through Children(VarObj)
	// Block names the block of a local whose name another local of the frame also has (a
	// shadowed variable): "lines 8-9", the source lines of its block; "" for unique names.
	Block string
	// Shadowed: an inner block's variable of the same name hides this one, so expressions
	// (and varobjs) cannot reach it; Value is still its own (simple types).
	Shadowed bool
}

// ConsoleKind says what a ConsoleEvent carries.
type ConsoleKind int

// Console event kinds.
const (
	ConsoleOutput  ConsoleKind = iota // gdb console output (~"..." records), one line or more
	ConsoleLog                        // gdb log output (&"..." records): warnings and errors
	ConsoleCommand                    // an MI command the session issued (the teaching transcript)
	ConsoleTarget                     // target output gdb relayed (@"..." records)
)

// OutputEvent carries bytes the program wrote, in order. Consecutive chunks may be coalesced.
type OutputEvent struct{ Data []byte }

// StateEvent reports a state change; Stop is set when State is Stopped.
type StateEvent struct {
	State State
	Stop  *Stop
}

// BlockedEvent reports a system call the sandbox denied or logged.
type BlockedEvent struct{ B Blocked }

// VerifiedEvent reports whether the kernel shows the program inside the sandbox: read from
// /proc/<pid>/status (Seccomp: 2 = filter mode, NoNewPrivs: 1, Seccomp_filters >= 1).
type VerifiedEvent struct {
	OK         bool
	Pid        int
	Seccomp    int
	Filters    int
	NoNewPrivs bool
	Detail     string // plain words; says what is wrong when OK is false
}

// CompileEvent reports the result of compiling a C or C++ source, or of building with make
// (--make); Output is the compiler's (or make's) own text, verbatim.
type CompileEvent struct {
	OK      bool
	Dir     string // the folder the command ran in: file names in Output are relative to it
	Command string // the command line that ran
	Output  string
	Binary  string
	// NoDebugInfo: the build succeeded but the program has no DWARF (a Makefile whose rules do
	// not pass $(CFLAGS)): the debugger will show no source lines or variables. Output says so.
	NoDebugInfo bool
}

// ConsoleEvent carries gdb console text or one entry of the MI command transcript.
type ConsoleEvent struct {
	Kind ConsoleKind
	Text string
}

// BreakpointsEvent carries the full, current list of breakpoints after any change.
type BreakpointsEvent struct{ List []Breakpoint }

// ExitEvent is the last program event of a run: how it ended. A debug session may start the
// program again (Run) and emit more events after it.
type ExitEvent struct{ Status ExitStatus }

// AttachedEvent reports that the wrapper exec'd a program inside the sandbox (its hello).
type AttachedEvent struct {
	Pid     int
	Program string
	Policy  string
	Jail    *Jail // which parts of the Landlock jail are in force (nil: not reported)
}

// Jail is the wrapper's report of the Landlock jail (plain data; see wrapper.JailReport).
type Jail = wrapper.JailReport

// JailOff is the state of every part under --no-jail.
const JailOff = wrapper.JailOff

// JailState says whether one part of the jail is in force.
type JailState = wrapper.JailState

// JailEnforced is the state of a part in force (its probe was denied).
const JailEnforced = wrapper.JailEnforced

// ErrorEvent reports a failure of the session machinery itself (gdb died, a command failed)
// that is not the program's exit.
type ErrorEvent struct{ Err error }

// DebuggerEndedEvent reports that gdb ended by itself (killed, crashed, exited) while the debug
// session was open. The session cannot debug any more: a program it was running was killed (its
// ExitEvent, kind debugger-ended, follows), and debugging again needs a new session.
type DebuggerEndedEvent struct {
	Code   int    // gdb's exit status, -1 when a signal killed it or it is unknown
	Signal string // the signal that killed gdb ("SIGKILL"), "" when none
	Stderr string // the last lines gdb wrote to its stderr, "" when none
}

// Summary says how gdb ended: "gdb was killed by SIGKILL", "gdb exited with status 1".
func (e DebuggerEndedEvent) Summary() string {
	switch {
	case e.Signal != "":
		return "gdb was killed by " + e.Signal
	case e.Code >= 0:
		return fmt.Sprintf("gdb exited with status %d", e.Code)
	}
	return "gdb ended"
}

func (OutputEvent) isEvent()        {}
func (StateEvent) isEvent()         {}
func (BlockedEvent) isEvent()       {}
func (VerifiedEvent) isEvent()      {}
func (CompileEvent) isEvent()       {}
func (ConsoleEvent) isEvent()       {}
func (BreakpointsEvent) isEvent()   {}
func (ExitEvent) isEvent()          {}
func (AttachedEvent) isEvent()      {}
func (ErrorEvent) isEvent()         {}
func (DebuggerEndedEvent) isEvent() {}

func fromMIBreakpoint(b gdbmi.Breakpoint) Breakpoint {
	out := Breakpoint{ID: b.Number, Enabled: b.Enabled, Temp: b.Disp == "del", Func: b.Func, File: b.File,
		FullName: b.FullName, Line: b.Line, Addr: b.Addr, Cond: b.Cond, Hits: b.Times, Pending: b.Pending}
	if strings.Contains(b.Type, "watchpoint") {
		out.Watch = b.What
	}
	if out.File == "" && len(b.Locations) > 0 {
		l := b.Locations[0]
		out.Func, out.File, out.FullName, out.Line, out.Addr = l.Func, l.File, l.FullName, l.Line, l.Addr
	}
	return out
}

// WatchHit is a watchpoint stop: the watchpoint (ID, Expr), the value before and after the
// change (Old is "" for a read or access watchpoint), or Scope when the variable ended.
type WatchHit struct {
	ID, Expr, Old, New string
	Scope              bool
}
