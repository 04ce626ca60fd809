package machine

import "fmt"

// Feature is the answer of one probe.
type Feature struct {
	Name    string // "hardware watchpoints", "ia32 system calls"
	Present bool
	// Detail says what the probe saw, for logs and test output ("a write to the watched
	// address did not trap", "int $0x80 raised SIGSEGV", "ptrace refused: ...").
	Detail string
}

// String is one line for a log: "hardware watchpoints: absent (a write ... did not trap)".
func (f Feature) String() string {
	state := "present"
	if !f.Present {
		state = "absent"
	}
	return fmt.Sprintf("%s: %s (%s)", f.Name, state, f.Detail)
}
