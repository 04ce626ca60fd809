package wrapper

import (
	"fmt"
	"time"

	"github.com/sandbug/sandbug/wrapper/policy"
)

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	EventAttached     EventKind = iota // a wrapper handed over its listener and is about to exec Program
	EventBlocked                       // a call was denied (errno, or trap) and the program got Errno back
	EventLogged                        // a call was reported and allowed (log rules, or Intercept allowed it)
	EventWrapperError                  // the wrapper failed before exec: it exits with Code because of Message
	EventKilled                        // a call's rule was kill: the supervisor SIGKILLed the whole process Pid
	EventDetached                      // every process using the listener (the program and its children) is gone
)

var eventKindNames = [...]string{"attached", "blocked", "logged", "wrapper-error", "killed", "detached"}

// String returns a short lower-case name of the kind.
func (k EventKind) String() string {
	if k >= 0 && int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Verdict is how the supervisor answers a notified call: allow (the call runs), errno (it
// returns -Errno without running) or kill (the whole process is SIGKILLed).
type Verdict struct {
	Kind  policy.ActionKind
	Errno int
}

// SupervisorConfig configures a Supervisor.
type SupervisorConfig struct {
	// Policy names the rules in events. It must be the policy the wrappers were given (the
	// wrapper compiles the same policy with Notify set). Required.
	Policy *policy.Policy

	// Intercept, when non-nil, is called (never concurrently, must not block) for each
	// notification before it is answered. Returning hold=true leaves the call pending: the caller
	// will stop the thread through the debugger, the kernel withdraws it, and when the call
	// restarts the next notification is consulted again. Otherwise v (if non-zero) replaces the
	// rule's verdict.
	Intercept func(Event) (v Verdict, hold bool)

	// RequireToken makes the supervisor refuse every message that lacks its token (see
	// Supervisor.Env): set it once every wrapper is started with Env in its environment. A
	// message that carries a wrong token is refused either way.
	RequireToken bool

	// OnFailedExit, when non-nil, is called (must not block) with the process and thread that
	// call exit_group with a nonzero status, and that status, before the call runs: the
	// process still has its address space, so its peak can be read. Wrappers with a memory
	// limit notify such calls (policy.CompileOptions.NotifyFailedExit); they make no Event
	// unless the policy itself reports exit_group.
	OnFailedExit func(pid, tid, status int)
}

// Event is one thing the supervisor saw. Events of kinds Blocked, Logged and Killed stand for
// Count calls (coalesced when the reader is behind); the other fields describe the first.
type Event struct {
	Kind EventKind
	Time time.Time

	Pid, Tid int    // process (thread group) and thread that made the call
	Arch     uint32 // AUDIT_ARCH_* of the call
	Nr       int
	Syscall  string // name of Nr on Arch ("" when unknown)
	Args     [6]uint64
	IP       uint64 // instruction pointer after the syscall instruction

	Rule      string // name of the rule, or "default"
	RuleIndex int    // index in Policy.Rules, or a policy.RuleIndex* constant
	Action    policy.ActionKind
	Errno     int // what the program got back (0 when allowed or killed)

	Count int  // >= 1
	Held  bool // Intercept held it: the call is still pending

	Program string      // EventAttached: the program the wrapper execs
	Policy  string      // EventAttached: the policy name the wrapper reported
	Jail    *JailReport // EventAttached: the Landlock jail the wrapper found in force (nil: not reported)

	Code    int    // EventWrapperError: the exit status the wrapper uses
	Message string // EventWrapperError: why
}

// RuleStat is the exact number of answered calls for one (rule, syscall, action).
type RuleStat struct {
	Rule      string
	RuleIndex int
	Nr        int
	Syscall   string
	Action    policy.ActionKind
	Count     int64
}
