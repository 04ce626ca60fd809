package launcher

import (
	"testing"

	"github.com/sandbug/sandbug/gdbmi"
)

// TestForkExitCodeFromSandbox: gdb 13 now and then reports a forked process's end without its
// exit code (=thread-group-exited with no exit-code; TestFollowForksAll met it about 1 run in
// 15 under load). The code the sandbox saw in the process's exit_group fills it in, once: a
// later process with the same pid does not inherit it, and gdb's own code wins.
func TestForkExitCodeFromSandbox(t *testing.T) {
	s := &Session{dbg: &debugState{}}
	s.dbg.procs.reset()
	s.dbg.procs.list = []*Process{{Group: "i2", Pid: 4242}, {Group: "i3", Pid: 4243}, {Group: "i4", Pid: 4242}}
	s.onFailedExit(4242, 4242, 41)
	s.onFailedExit(4243, 4243, 7)
	notify := func(line string) {
		t.Helper()
		r, err := gdbmi.Parse([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		s.onProcNotify(r)
	}
	notify(`=thread-group-exited,id="i2"`)
	notify(`=thread-group-exited,id="i3",exit-code="03"`)
	notify(`=thread-group-exited,id="i4"`)
	ps := s.dbg.procs.list
	if p := ps[0]; !p.Exited || !p.HasCode || p.Code != 41 {
		t.Errorf("gdb gave no code, the sandbox saw 41: %+v", p)
	}
	if p := ps[1]; !p.HasCode || p.Code != 3 {
		t.Errorf("gdb's own code (3) must win over the sandbox's (7): %+v", p)
	}
	if p := ps[2]; !p.Exited || p.HasCode {
		t.Errorf("a later process with the same pid inherited the code: %+v", p)
	}
}
