package launcher

import (
	"fmt"
	"strings"
)

// The values of Config.FollowForks.
const (
	FollowParent = "parent" // gdb's default (also ""): follow the parent, detach the child
	FollowChild  = "child"  // follow the child, detach the parent
	FollowAll    = "all"    // keep every process under the debugger
)

// FollowForksModes lists the values Config.FollowForks takes (besides "").
var FollowForksModes = []string{FollowParent, FollowChild, FollowAll}

// CheckFollowForks says why mode is not a value of Config.FollowForks, or nil.
func CheckFollowForks(mode string) error {
	switch mode {
	case "", FollowParent, FollowChild, FollowAll:
		return nil
	}
	return fmt.Errorf("unknown --follow-forks %q (want %s)", mode, strings.Join(FollowForksModes, ", "))
}

// Process is one process under the debugger: one of gdb's inferiors (thread groups). A session
// that follows the parent or the child has one at a time; one that keeps every process
// (FollowAll) has one per process the program forked.
type Process struct {
	Group   string // gdb's thread group ("i1")
	Pid     int    // 0 before it started
	Parent  int    // the pid it was forked from (0 for the program itself)
	Main    bool   // the program itself: its exit ends the run
	Command string // its command line (the new one after an exec), as /proc shows it while alive
	Exited  bool
	// Code is the exit status when HasCode; an exit without one was a death by a signal, a
	// kill or a detach.
	Code    int
	HasCode bool
	Shown   bool // the process whose source, stack and locals are shown (the selected thread's)
	Thread  int  // one of its gdb threads (its first), 0 once it exited: SelectThread shows it
}

// State is "running", "stopped" or "exited" for a session whose program is in state st.
func (p Process) State(st State) string {
	switch {
	case p.Exited:
		return "exited"
	case st == Stopped:
		return "stopped"
	}
	return "running"
}

// Summary is one line about the process: "process 1234 (child of 1230): ./prog, exited with 3".
func (p Process) Summary() string {
	s := fmt.Sprintf("process %d", p.Pid)
	if p.Parent > 0 {
		s += fmt.Sprintf(" (child of %d)", p.Parent)
	}
	if p.Command != "" {
		s += ": " + p.Command
	}
	if p.Exited {
		if p.HasCode {
			s += fmt.Sprintf(", exited with %d", p.Code)
		} else {
			s += ", ended"
		}
	}
	return s
}
