package machine

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

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

// AMX reports whether the CPU has AMX tiles (the kernel's cpuinfo flag amx_tile). Their state
// makes the XSAVE area larger than gdb 13 knows, and the kernel refuses a register write of the
// wrong size: gdb 13 cannot write the extended registers of a program there (reverse stepping
// needs to). Tests use it to tell that refusal from a bug.
func AMX() Feature {
	f := Feature{Name: "AMX tiles"}
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		f.Detail = err.Error()
		return f
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, flags, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			f.Present = slices.Contains(strings.Fields(flags), "amx_tile")
			f.Detail = "the flags of /proc/cpuinfo"
			return f
		}
	}
	f.Detail = "no flags line in /proc/cpuinfo"
	return f
}
