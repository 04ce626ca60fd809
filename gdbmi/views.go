package gdbmi

import (
	"strconv"
)

// MIError is gdb's ^error answer: msg, and code when gdb gives one ("undefined-command").
type MIError struct {
	Msg  string
	Code string
}

// Error returns gdb's message prefixed with "gdb: ", and the code when there is one.
func (e *MIError) Error() string {
	if e.Code != "" {
		return "gdb: " + e.Msg + " (" + e.Code + ")"
	}
	return "gdb: " + e.Msg
}

// ErrorFromRecord returns the *MIError of a ^error record, or nil for any other record.
func ErrorFromRecord(r *Record) *MIError {
	if r == nil || r.Kind != ResultRecord || r.Class != "error" {
		return nil
	}
	return &MIError{Msg: r.Get("msg").String(), Code: r.Get("code").String()}
}

// Stop reasons gdb documents for *stopped (gdb manual, "GDB/MI Async Records").
const (
	ReasonBreakpointHit           = "breakpoint-hit"
	ReasonWatchpointTrigger       = "watchpoint-trigger"
	ReasonReadWatchpointTrigger   = "read-watchpoint-trigger"
	ReasonAccessWatchpointTrigger = "access-watchpoint-trigger"
	ReasonFunctionFinished        = "function-finished"
	ReasonLocationReached         = "location-reached"
	ReasonWatchpointScope         = "watchpoint-scope"
	ReasonEndSteppingRange        = "end-stepping-range"
	ReasonExitedSignalled         = "exited-signalled"
	ReasonExited                  = "exited"
	ReasonExitedNormally          = "exited-normally"
	ReasonSignalReceived          = "signal-received"
	ReasonSolibEvent              = "solib-event"
	ReasonFork                    = "fork"
	ReasonVfork                   = "vfork"
	ReasonSyscallEntry            = "syscall-entry"
	ReasonSyscallReturn           = "syscall-return"
	ReasonExec                    = "exec"
	ReasonNoHistory               = "no-history"
)

// Frame is a stack frame as MI reports it in *stopped, -stack-list-frames and -thread-info.
type Frame struct {
	Level    int // -1 when absent (*stopped frames carry no level)
	Addr     uint64
	Func     string
	File     string
	FullName string
	Line     int
	From     string // shared library, for frames without debug info
	Arch     string
	Args     []Variable // *stopped frames list the arguments with their values
}

// ParseFrame reads a frame tuple; ok is false when v is not a tuple.
func ParseFrame(v Value) (Frame, bool) {
	if v.Kind != Tuple {
		return Frame{Level: -1}, false
	}
	f := Frame{Level: -1}
	for _, it := range v.Items {
		switch it.Name {
		case "level":
			f.Level = atoi(it.Value, -1)
		case "addr":
			f.Addr, _ = it.Value.Uint()
		case "func":
			f.Func = it.Value.String()
		case "file":
			f.File = it.Value.String()
		case "fullname":
			f.FullName = it.Value.String()
		case "line":
			f.Line = atoi(it.Value, 0)
		case "from":
			f.From = it.Value.String()
		case "arch":
			f.Arch = it.Value.String()
		case "args":
			f.Args = ParseVariables(it.Value)
		}
	}
	return f, true
}

// ParseFrames reads `stack=[frame={...},...]` from -stack-list-frames.
func ParseFrames(r *Record) []Frame {
	var out []Frame
	for _, it := range r.Get("stack").Items {
		if f, ok := ParseFrame(it.Value); ok {
			out = append(out, f)
		}
	}
	return out
}

// StopEvent is the typed view of a *stopped record.
type StopEvent struct {
	// Reason is one of the Reason* constants, or "" when gdb gives none: gdb 13 stops without a
	// reason after -exec-interrupt and at the end of a `record full` history in reverse.
	Reason   string
	Frame    *Frame // nil when absent (exits)
	ThreadID int    // 0 when absent
	// StoppedThreads lists the threads that stopped; AllStopped is set for stopped-threads="all".
	StoppedThreads []int
	AllStopped     bool
	Core           int // -1 when absent

	BkptNo string // breakpoint-hit: breakpoint number ("1")
	LocNo  string // breakpoint-hit of a multi-location breakpoint: location ("2" of "1.2")
	Disp   string // breakpoint disposition ("keep", "del")

	SignalName    string // signal-received, exited-signalled: "SIGSEGV"
	SignalMeaning string // "Segmentation fault"

	// ExitCode is the program's exit status for "exited" (decoded from gdb's octal string:
	// "03" is 3, "012" is 10, "0377" is 255) and "exited-normally" (0); -1 otherwise.
	ExitCode int

	WatchNo, WatchExp  string // watchpoint reasons: number and expression
	OldValue, NewValue string

	ReturnValue  string // function-finished: return-value
	GDBResultVar string // function-finished: "$1"

	NewPID        int    // fork, vfork: newpid
	NewExec       string // exec: new-exec
	SyscallNumber int    // syscall-entry/return; -1 when absent
	SyscallName   string
}

// Exited reports whether the program ended (exited, exited-normally, exited-signalled).
func (s *StopEvent) Exited() bool {
	return s.Reason == ReasonExited || s.Reason == ReasonExitedNormally || s.Reason == ReasonExitedSignalled
}

// ParseStop reads a *stopped record; ok is false for any other record.
func ParseStop(r *Record) (StopEvent, bool) {
	s := StopEvent{ExitCode: -1, Core: -1, SyscallNumber: -1}
	if r == nil || r.Kind != ExecAsync || r.Class != "stopped" {
		return s, false
	}
	for _, it := range r.Results {
		v := it.Value
		switch it.Name {
		case "reason":
			s.Reason = v.String()
		case "frame":
			if f, ok := ParseFrame(v); ok {
				s.Frame = &f
			}
		case "thread-id":
			s.ThreadID = atoi(v, 0)
		case "stopped-threads":
			if v.Kind == Const {
				s.AllStopped = string(v.Bytes) == "all"
			} else {
				for _, t := range v.Items {
					if n := atoi(t.Value, 0); n > 0 {
						s.StoppedThreads = append(s.StoppedThreads, n)
					}
				}
			}
		case "core":
			s.Core = atoi(v, -1)
		case "bkptno":
			s.BkptNo = v.String()
		case "disp":
			s.Disp = v.String()
		case "locno":
			s.LocNo = v.String()
		case "signal-name":
			s.SignalName = v.String()
		case "signal-meaning":
			s.SignalMeaning = v.String()
		case "exit-code":
			if n, ok := ParseExitCode(v.String()); ok {
				s.ExitCode = n
			}
		case "wpt", "hw-awpt", "hw-rwpt":
			s.WatchNo = v.Get("number").String()
			s.WatchExp = v.Get("exp").String()
		case "wpnum":
			s.WatchNo = v.String()
		case "value":
			s.OldValue = v.Get("old").String()
			s.NewValue = v.Get("new").String()
			if s.NewValue == "" {
				s.NewValue = v.Get("value").String()
			}
		case "return-value":
			s.ReturnValue = v.String()
		case "gdb-result-var":
			s.GDBResultVar = v.String()
		case "newpid":
			s.NewPID = atoi(v, 0)
		case "new-exec":
			s.NewExec = v.String()
		case "syscall-number":
			s.SyscallNumber = atoi(v, -1)
		case "syscall-name":
			s.SyscallName = v.String()
		}
	}
	if s.Reason == ReasonExitedNormally {
		s.ExitCode = 0
	}
	return s, true
}

// ParseExitCode decodes gdb's exit-code string, which is octal ("03", "012", "0377"); a plain
// "0" is 0. ok is false for anything that is not octal digits.
func ParseExitCode(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 8, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// Breakpoint is a breakpoint, watchpoint or catchpoint from =breakpoint-created/-modified,
// -break-insert or -break-list.
type Breakpoint struct {
	Number           string // "1"
	Type             string // "breakpoint", "watchpoint", "catchpoint", ...
	Disp             string // "keep", "del"
	Enabled          bool
	Addr             string // "0x...", "<PENDING>", "<MULTIPLE>"
	Func             string
	File, FullName   string
	Line             int
	Cond             string
	What             string // watchpoints: the watched expression; catchpoints: what they catch
	Times            int
	Ignore           int
	OriginalLocation string
	Pending          string
	Thread           string
	Script           []string // commands (MI2/3 `script={"a"}` and MI4 `script=["a"]` alike)
	Locations        []BreakpointLocation
	CatchType        string // a catchpoint's kind: "fork", "exec", "syscall", "signal", ...
}

// BreakpointLocation is one location of a multi-location breakpoint ("1.1", "1.2").
type BreakpointLocation struct {
	Number         string
	Enabled        bool
	Addr           string
	Func           string
	File, FullName string
	Line           int
	ThreadGroups   []string
}

// ParseBreakpoint reads a bkpt tuple (the locations list of MI4 included).
func ParseBreakpoint(v Value) Breakpoint {
	var b Breakpoint
	for _, it := range v.Items {
		x := it.Value
		switch it.Name {
		case "number":
			b.Number = x.String()
		case "type":
			b.Type = x.String()
		case "disp":
			b.Disp = x.String()
		case "enabled":
			b.Enabled = x.String() == "y"
		case "addr":
			b.Addr = x.String()
		case "func":
			b.Func = x.String()
		case "file":
			b.File = x.String()
		case "fullname":
			b.FullName = x.String()
		case "line":
			b.Line = atoi(x, 0)
		case "cond":
			b.Cond = x.String()
		case "what":
			b.What = x.String()
		case "times":
			b.Times = atoi(x, 0)
		case "ignore":
			b.Ignore = atoi(x, 0)
		case "original-location":
			b.OriginalLocation = x.String()
		case "pending":
			b.Pending = x.String()
		case "thread":
			b.Thread = x.String()
		case "catch-type":
			b.CatchType = x.String()
		case "script":
			for _, s := range x.Items {
				b.Script = append(b.Script, s.Value.String())
			}
		case "locations":
			for _, l := range x.Items {
				b.Locations = append(b.Locations, parseLocation(l.Value))
			}
		}
	}
	return b
}

func parseLocation(v Value) BreakpointLocation {
	var l BreakpointLocation
	for _, it := range v.Items {
		x := it.Value
		switch it.Name {
		case "number":
			l.Number = x.String()
		case "enabled":
			l.Enabled = x.String() == "y"
		case "addr":
			l.Addr = x.String()
		case "func":
			l.Func = x.String()
		case "file":
			l.File = x.String()
		case "fullname":
			l.FullName = x.String()
		case "line":
			l.Line = atoi(x, 0)
		case "thread-groups":
			for _, g := range x.Items {
				l.ThreadGroups = append(l.ThreadGroups, g.Value.String())
			}
		}
	}
	return l
}

// ParseBreakpoints returns the breakpoints of a record: `bkpt={...}` (with the MI2 trailing
// location tuples `bkpt={...},{number="1.1",...}` folded into Locations) or the body of a
// -break-list BreakpointTable.
func ParseBreakpoints(r *Record) []Breakpoint {
	if t := r.Get("BreakpointTable"); t.Kind == Tuple {
		return breakpointsIn(t.Get("body").Items)
	}
	return breakpointsIn(r.Results)
}

// breakpointsIn folds a sequence of items where unnamed tuples after a bkpt are its locations.
func breakpointsIn(items []Result) []Breakpoint {
	var out []Breakpoint
	for _, it := range items {
		switch {
		case it.Name == "bkpt" && it.Value.Kind == Tuple:
			out = append(out, ParseBreakpoint(it.Value))
		case it.Name == "" && it.Value.Kind == Tuple && len(out) > 0:
			last := &out[len(out)-1]
			last.Locations = append(last.Locations, parseLocation(it.Value))
		}
	}
	return out
}
