package launcher

import (
	"fmt"
	"strings"
)

// Exit kinds: the values of ExitStatus.Kind.
const (
	KindExited        = "exited"         // the program exited by itself with Code
	KindSignaled      = "signaled"       // a signal terminated it (Signal, SignalDesc, Core)
	KindSandboxKilled = "sandbox-killed" // the sandbox killed it for a forbidden call (Syscall, Rule)
	KindLimit         = "limit"          // a resource limit stopped it (Limit: cpu|mem|fsize|nproc|nofile|wall)
	KindSandboxError  = "sandbox-error"  // the wrapper could not start it (Code 125/126/127, Message)
	KindCompileError  = "compile-error"  // the C/C++ source did not compile (Message: the compiler's text)
	// KindInterrupted: sandbug itself was asked to stop (Interrupt: the signal it received, such
	// as SIGTERM from an autograder's timeout) and killed the program (Signal: how).
	KindInterrupted = "interrupted"
	// KindStopped: the user stopped the program (Shift+F5, Ctrl+X); sandbug killed it (Signal).
	KindStopped = "stopped"
	// KindDebuggerEnded: gdb ended (killed, crashed) while it was debugging the program, and the
	// session killed the program: Code is gdb's exit status (-1 for a signal), Signal the signal
	// that killed gdb, Message the last lines of gdb's stderr. Debug sessions only.
	KindDebuggerEnded = "debugger-ended"
)

// Limit names: the values of ExitStatus.Limit.
const (
	LimitCPU    = "cpu"
	LimitMem    = "mem"
	LimitFSize  = "fsize"
	LimitNProc  = "nproc"
	LimitNoFile = "nofile"
	LimitWall   = "wall"
)

// ExitStatus says how a program ended. It is plain data; Summary turns it into words.
type ExitStatus struct {
	Kind       string // one of the Kind* constants
	Code       int    // exit code (exited), or the wrapper's exit code (sandbox-error)
	Signal     string // "SIGSEGV" when a signal ended it (signaled, sandbox-killed, limit)
	SignalDesc string // plain meaning of Signal
	Core       bool   // a core dump was written
	Syscall    string // sandbox-killed: the forbidden call ("ptrace")
	Rule       string // sandbox-killed: the rule that matched
	Where      string // "demo.c:12 in main()" when known
	Limit      string // limit: which one (Limit* constants)
	LimitValue string // limit: its value as given ("2s", "256M")
	Message    string // sandbox-error: the wrapper's reason; compile-error: the compiler's output
	// Interrupt is the signal sandbug itself received during the run ("SIGTERM", "SIGHUP",
	// "SIGINT"), "" when none: with Kind interrupted sandbug killed the program for it; with
	// another kind sandbug passed it on (SIGINT, SIGQUIT) and the program ended as Kind says.
	Interrupt string
	// A crash (a fatal signal the program did not handle) read in plain words, in the debugger
	// and in run mode alike (the Crash* kinds): Crash is the kind ("null", "stack-overflow"),
	// Explanation what it means and what to look at next, FaultAddr the address ("0x8") for a
	// memory fault, Depth the recursion depth of a stack overflow.
	Crash       string
	Explanation string
	FaultAddr   string
	Depth       int
	// Sanitizer is the sanitizer's report behind Crash (--sanitize), nil without one.
	Sanitizer *SanitizerReport
}

// Success reports whether the program ran and ended by itself with exit code 0.
func (s ExitStatus) Success() bool { return s.Kind == KindExited && s.Code == 0 }

// Summary says in plain words how the program ended: never an octal string, never a bare
// errno number.
func (s ExitStatus) Summary() string {
	at := ""
	if s.Where != "" {
		at = " at " + s.Where
	}
	switch s.Kind {
	case KindExited:
		if s.Code == 0 {
			return "exited normally (status 0)"
		}
		return fmt.Sprintf("exited with status %d", s.Code)
	case KindSignaled:
		out := "terminated by " + signalWords(s.Signal, s.SignalDesc) + at
		if z := s.Sanitizer; z != nil {
			out = "terminated by " + s.Signal + " after " + z.Tool + " found a " + z.Name + at
			if z.Tool == "UndefinedBehaviorSanitizer" {
				out = "terminated by " + s.Signal + " after " + z.Tool + " found undefined behavior" + at
			}
		}
		if s.Core {
			out += " (core dumped)"
		}
		if s.Interrupt != "" {
			out += "; sandbug received " + s.Interrupt + " and passed it on"
		}
		return out
	case KindSandboxKilled:
		what := "a forbidden system call"
		if s.Syscall != "" {
			what = s.Syscall + " is not allowed"
		}
		var extra []string
		if s.Rule != "" {
			extra = append(extra, "rule "+quoteName(s.Rule))
		}
		if s.Where != "" {
			extra = append(extra, s.Where)
		}
		out := "killed by the sandbox: " + what
		if len(extra) > 0 {
			out += " (" + strings.Join(extra, ", ") + ")"
		}
		return out
	case KindLimit:
		if s.Signal == "" && s.Limit == LimitMem {
			// Not killed: an allocation failed (malloc returned NULL) and the program gave up.
			return fmt.Sprintf("%s reached: an allocation failed and the program exited with status %d%s",
				limitWords(s.Limit, s.LimitValue), s.Code, at)
		}
		return "stopped: " + limitWords(s.Limit, s.LimitValue) + " reached" + at
	case KindSandboxError:
		var head string
		switch s.Code {
		case 126:
			head = "the program could not be executed"
		case 127:
			head = "the program was not found"
		default:
			head = "the sandbox could not start the program"
		}
		if msg := firstLine(s.Message); msg != "" {
			return head + ": " + msg
		}
		return head
	case KindCompileError:
		return "compilation failed: the program was not run (see the compiler's messages)"
	case KindStopped:
		return "stopped by you: sandbug killed it (" + s.Signal + ")"
	case KindDebuggerEnded:
		how := "ended"
		if s.Signal != "" {
			how = "was killed by " + s.Signal
		} else if s.Code >= 0 {
			how = fmt.Sprintf("exited with status %d", s.Code)
		}
		return "gdb (the debugger) " + how + ": the program was killed with it"
	case KindInterrupted:
		if s.Signal == "" { // before the program ran: it had nothing to kill
			return "stopped by sandbug, which received " + orUnknown(s.Interrupt) + ", while compiling: the program never ran"
		}
		return "stopped by sandbug, which received " + s.Interrupt + ": it killed the program (" + s.Signal + ")" + at
	case "":
		return "has not ended"
	}
	return "ended (" + s.Kind + ")"
}

// ShellCode returns the status a shell would show for this ending: the exit code, 128+signal
// number for a signal, 125/126/127 when the sandbox could not start the program (like env(1)),
// and 125 for a compile error.
func (s ExitStatus) ShellCode() int {
	switch s.Kind {
	case KindExited:
		return s.Code & 0xff
	case KindSignaled, KindSandboxKilled, KindLimit, KindStopped:
		if s.Kind == KindLimit && s.Limit == LimitMem && s.Signal == "" {
			return s.Code & 0xff // memory limit: the program exited by itself
		}
		if n := SignalNumber(s.Signal); n > 0 {
			return 128 + n
		}
		if s.Kind == KindSandboxKilled {
			return 128 + 31 // SIGSYS: what the kernel's own kill action delivers
		}
		return 128 + 9
	case KindSandboxError:
		if s.Code >= 125 && s.Code <= 127 {
			return s.Code
		}
		return 125
	case KindCompileError, KindDebuggerEnded:
		return 125
	case KindInterrupted:
		// As a shell reports a job stopped by that signal: 143 for SIGTERM, 129 for SIGHUP.
		if n := SignalNumber(s.Interrupt); n > 0 {
			return 128 + n
		}
		return 128 + 15
	}
	return 125
}

func orUnknown(sig string) string {
	if sig == "" {
		return "a signal"
	}
	return sig
}

func limitWords(limit, value string) string {
	var name string
	switch limit {
	case LimitCPU:
		name = "CPU time limit"
	case LimitMem:
		name = "memory limit"
	case LimitFSize:
		name = "file size limit"
	case LimitNProc:
		name = "process count limit"
		if extra, ok := strings.CutPrefix(value, "+"); ok {
			return name + " (" + extra + " processes and threads beyond those the user already runs)"
		}
	case LimitNoFile:
		name = "open file limit"
	case LimitWall, "timeout":
		name = "wall-clock time limit"
	case "":
		name = "a resource limit"
	default:
		name = limit + " limit"
	}
	if value != "" {
		name += " of " + value
	}
	return name
}

func signalWords(sig, desc string) string {
	if sig == "" {
		return "a signal"
	}
	if desc == "" {
		desc = SignalMeaning(sig)
	}
	if desc == "" {
		return sig
	}
	return sig + " (" + desc + ")"
}

func quoteName(s string) string { return "\u201c" + s + "\u201d" }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// signals lists Linux x86_64 signal numbers, names and plain meanings.
var signals = []struct {
	nr      int
	name    string
	meaning string
}{
	{1, "SIGHUP", "hangup: the terminal went away"},
	{2, "SIGINT", "interrupt, as from Ctrl-C"},
	{3, "SIGQUIT", "quit, as from Ctrl-\\"},
	{4, "SIGILL", "illegal instruction"},
	{5, "SIGTRAP", "trace or breakpoint trap"},
	{6, "SIGABRT", "aborted, as by abort() or a failed assert"},
	{7, "SIGBUS", "bus error: bad memory access"},
	{8, "SIGFPE", "arithmetic error, such as division by zero"},
	{9, "SIGKILL", "killed"},
	{10, "SIGUSR1", "user-defined signal 1"},
	{11, "SIGSEGV", "segmentation fault: invalid memory access"},
	{12, "SIGUSR2", "user-defined signal 2"},
	{13, "SIGPIPE", "broken pipe: wrote to a pipe nobody reads"},
	{14, "SIGALRM", "alarm clock"},
	{15, "SIGTERM", "asked to terminate"},
	{16, "SIGSTKFLT", "stack fault"},
	{17, "SIGCHLD", "a child process changed state"},
	{18, "SIGCONT", "continued"},
	{19, "SIGSTOP", "stopped"},
	{20, "SIGTSTP", "stopped from the terminal, as by Ctrl-Z"},
	{21, "SIGTTIN", "stopped: background read from the terminal"},
	{22, "SIGTTOU", "stopped: background write to the terminal"},
	{23, "SIGURG", "urgent data on a socket"},
	{24, "SIGXCPU", "CPU time limit exceeded"},
	{25, "SIGXFSZ", "file size limit exceeded"},
	{26, "SIGVTALRM", "virtual timer expired"},
	{27, "SIGPROF", "profiling timer expired"},
	{28, "SIGWINCH", "window size changed"},
	{29, "SIGIO", "I/O is possible"},
	{30, "SIGPWR", "power failure"},
	{31, "SIGSYS", "bad system call"},
}

// SignalName returns "SIGSEGV" for 11; real-time signals are "SIGRTMIN+n"; unknown numbers
// give "signal N".
func SignalName(nr int) string {
	for _, s := range signals {
		if s.nr == nr {
			return s.name
		}
	}
	if nr >= 34 && nr <= 64 {
		if nr == 34 {
			return "SIGRTMIN"
		}
		return fmt.Sprintf("SIGRTMIN+%d", nr-34)
	}
	return fmt.Sprintf("signal %d", nr)
}

// SignalNumber returns the number of a signal name ("SIGSEGV" or "SEGV"), or 0.
func SignalNumber(name string) int {
	name = strings.ToUpper(strings.TrimSpace(name))
	if name == "" {
		return 0
	}
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	for _, s := range signals {
		if s.name == name {
			return s.nr
		}
	}
	if name == "SIGIOT" {
		return 6
	}
	if name == "SIGPOLL" {
		return 29
	}
	if name == "SIGRTMIN" {
		return 34
	}
	var n int
	if _, err := fmt.Sscanf(name, "SIGRTMIN+%d", &n); err == nil && n >= 0 && n <= 30 {
		return 34 + n
	}
	if _, err := fmt.Sscanf(name, "SIG%d", &n); err == nil && n > 0 && n < 65 {
		return n
	}
	return 0
}

// SignalMeaning returns the plain meaning of a signal name, or "" for an unknown one.
func SignalMeaning(name string) string {
	n := SignalNumber(name)
	for _, s := range signals {
		if s.nr == n {
			return s.meaning
		}
	}
	if n >= 34 && n <= 64 {
		return "real-time signal"
	}
	return ""
}
