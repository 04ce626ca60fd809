package launcher

import (
	"fmt"

	"github.com/sandbug/sandbug/internal/machine"
)

// watchpointSteps are the MI commands that make gdb's watchpoints ones that trigger on this
// machine. Where the probe finds hardware watchpoints inert (a virtual machine without
// debug-register passthrough accepts them and never stops), gdb is told to use software
// watchpoints, which always work but single-step the program; sayWatchpointsAreSoftware then
// tells the console once.
func (s *Session) watchpointSteps() [][]string {
	if machine.HardwareWatchpoints().Present {
		return nil
	}
	return [][]string{{"-gdb-set", "can-use-hw-watchpoints", "0"}}
}

func (s *Session) sayWatchpointsAreSoftware() {
	hw := machine.HardwareWatchpoints()
	s.emit(ConsoleEvent{Kind: ConsoleLog, Text: fmt.Sprintf("sandbug: hardware watchpoints do not work here (%s), so "+
		"watchpoints are software watchpoints: they stop as they should, but the program runs slower "+
		"while one is set, and rwatch/awatch are unavailable.\n", hw.Detail)})
}
