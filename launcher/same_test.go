package launcher

import (
	"reflect"
	"testing"

	"github.com/sandbug/sandbug/wrapper/policy"
)

// outcome is what must be equal between a run session and a debug session of one program.
type outcome struct {
	Kind, Signal, Syscall, Rule, Limit string
	Code                               int
	Blocked                            []blockedKey
}

type blockedKey struct {
	Syscall, Action, Errno, Rule string
	Count                        int
	Child                        bool
}

func outcomeOf(st ExitStatus, bl []BlockedSummary, mainPid int) outcome {
	o := outcome{Kind: st.Kind, Signal: st.Signal, Syscall: st.Syscall, Rule: st.Rule, Limit: st.Limit, Code: st.Code}
	for _, b := range bl {
		child := false
		for _, p := range b.Pids {
			child = child || p != mainPid
		}
		o.Blocked = append(o.Blocked, blockedKey{b.Syscall, string(b.Action), b.Errno, b.Rule, b.Count, child})
	}
	return o
}

// TestSameOutcomeRunAndDebug runs each program in a run session and in a debug session that
// continues through every stop (blocked calls get the rule's answer) and compares the exit
// status and the blocked-call list.
func TestSameOutcomeRunAndDebug(t *testing.T) {
	killPolicy := policyWith(t, policy.Action{Kind: policy.Kill})
	tests := []struct {
		name, src, policy string
		args              []string
	}{
		{"exit3", srcExit, "", []string{"3"}},
		{"exit255", srcExit, "", []string{"255"}},
		{"segv", srcSegv, "", nil},
		{"abort", srcAbort, "", nil},
		{"ptrace-errno", srcPtrace, "", nil},
		{"ptrace-kill", srcPtrace, killPolicy, nil},
		{"child-ptrace", srcChildPtrace, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prog := program(t, tc.name, tc.src)
			cfg := baseConfig(t, prog, tc.args...)
			cfg.PolicyFile = tc.policy
			rc := runToEnd(t, cfg)
			var runPid int
			for _, e := range rc.events {
				if a, ok := e.(AttachedEvent); ok {
					runPid = a.Pid
				}
			}
			runOut := outcomeOf(*rc.exit, blockedSummaries(rc.blocked), runPid)

			for _, stopAt := range []bool{true, false} {
				dcfg := cfg
				dcfg.StopAtBlocked = stopAt
				r := startDebug(t, dcfg)
				st := r.finish()
				var dbgPid int
				for _, e := range r.c.events {
					if a, ok := e.(AttachedEvent); ok {
						dbgPid = a.Pid
					}
				}
				dbgOut := outcomeOf(st, r.s.Blocked(), dbgPid)
				if !reflect.DeepEqual(runOut, dbgOut) {
					t.Errorf("stop-at-blocked=%v:\nrun   %+v\ndebug %+v", stopAt, runOut, dbgOut)
				}
				r.s.Close()
				checkNoLeftovers(t, r.s)
			}
		})
	}
}

func blockedSummaries(bs []Blocked) []BlockedSummary {
	var l BlockedList
	for _, b := range bs {
		if !b.Stopped {
			l.Add(b)
		}
	}
	return l.List()
}
