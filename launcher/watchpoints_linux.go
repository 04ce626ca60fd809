package launcher

import (
	"fmt"

	"github.com/sandbug/sandbug/internal/machine"
)

// useWorkingWatchpoints makes gdb's watchpoints ones that trigger on this machine. Where the
// probe finds hardware watchpoints inert (a virtual machine without debug-register
// passthrough accepts them and never stops), gdb is told to use software watchpoints, which
// always work but single-step the program, and the console says so once.
func (s *Session) useWorkingWatchpoints() error {
	hw := machine.HardwareWatchpoints()
	if hw.Present {
		return nil
	}
	if _, err := s.mi(s.ctx, "-gdb-set", "can-use-hw-watchpoints", "0"); err != nil {
		return err
	}
	s.emit(ConsoleEvent{Kind: ConsoleLog, Text: fmt.Sprintf("sandbug: hardware watchpoints do not work here (%s), so "+
		"watchpoints are software watchpoints: they stop as they should, but the program runs slower "+
		"while one is set, and rwatch/awatch are unavailable.\n", hw.Detail)})
	return nil
}
