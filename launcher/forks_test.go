package launcher

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const srcForks = `#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int child_work(int x) {
    int y = x * 2;
    return y + 1;
}

int parent_after(int code) {
    return code + 1;
}

int main(void) {
    pid_t p = fork();
    if (p == 0) {
        int r = child_work(20);
        _exit(r);
    }
    int st = 0;
    waitpid(p, &st, 0);
    printf("child said %d\n", WEXITSTATUS(st));
    fflush(stdout);
    return parent_after(WEXITSTATUS(st)) - 39;
}
`

func forksSession(t *testing.T, mode string) *dbgRun {
	t.Helper()
	prog := program(t, "forks", srcForks)
	cfg := baseConfig(t, prog)
	cfg.StopAtBlocked = true
	cfg.FollowForks = mode
	// The default limits, as sandbug gives them: under a memory limit the sandbox reports a
	// nonzero exit_group's status, which names a child's exit code when gdb's report lacks it.
	cfg.Limits, _ = DefaultLimits("")
	r := startDebug(t, cfg)
	if st := r.stopped(); st == nil || !st.Entry {
		t.Fatalf("first stop %+v; events %s", st, r.c.describe())
	}
	return r
}

func (r *dbgRun) mustBreak(loc string) {
	r.t.Helper()
	if _, err := r.s.Break(loc); err != nil {
		r.t.Fatalf("Break %s: %v", loc, err)
	}
}

func (r *dbgRun) mustContinue() {
	r.t.Helper()
	if err := r.s.Continue(); err != nil {
		r.t.Fatalf("Continue: %v", err)
	}
}

func (r *dbgRun) mustStop(fn string) *Stop {
	r.t.Helper()
	st := r.stopped()
	if st == nil || st.Frame.Func != fn {
		r.t.Fatalf("want a stop in %s, got %+v; events %s", fn, st, r.c.describe())
	}
	return st
}

func procByPid(ps []Process, pid int) *Process {
	for i := range ps {
		if ps[i].Pid == pid {
			return &ps[i]
		}
	}
	return nil
}

// With every process under the debugger, a breakpoint in the child's code stops in the child,
// the parent is still there, the shown process can be switched, and the child's exit does not
// end the run.
func TestFollowForksAll(t *testing.T) {
	r := forksSession(t, FollowAll)
	mainPid := r.s.Pid()
	r.mustBreak("child_work")
	r.mustBreak("parent_after")
	r.mustContinue()
	st := r.mustStop("child_work")
	if !st.OtherProcess || st.Pid == 0 || st.Pid == mainPid {
		t.Fatalf("stop in the child: %+v (program %d)", st, mainPid)
	}
	if sum := st.Summary(); !strings.Contains(sum, "in process ") {
		t.Errorf("summary %q does not name the process", sum)
	}
	child := st.Pid
	ps := r.s.Processes()
	if len(ps) != 2 {
		t.Fatalf("processes %+v", ps)
	}
	m, c := procByPid(ps, mainPid), procByPid(ps, child)
	if m == nil || c == nil || !m.Main || c.Main || m.Exited || c.Exited || c.Parent != mainPid || !c.Shown || m.Shown {
		t.Fatalf("processes %+v (program %d, child %d)", ps, mainPid, child)
	}
	if _, err := r.s.SelectProcess(t.Context(), mainPid); err != nil {
		t.Fatalf("SelectProcess(parent): %v", err)
	}
	if p := procByPid(r.s.Processes(), mainPid); p == nil || !p.Shown {
		t.Fatalf("the parent is not shown: %+v", r.s.Processes())
	}
	if f, err := r.s.SelectProcess(t.Context(), child); err != nil || f.Func != "child_work" {
		t.Fatalf("SelectProcess(child): %+v %v", f, err)
	}
	if _, err := r.s.SelectProcess(t.Context(), 1); err == nil {
		t.Error("SelectProcess of a process not under the debugger: no error")
	}
	r.mustContinue()
	// The child exits with 41: the run goes on to the parent's breakpoint.
	st = r.mustStop("parent_after")
	if st.OtherProcess {
		t.Errorf("stop in the program marked as another process: %+v", st)
	}
	if r.c.exit != nil {
		t.Fatalf("the child's exit ended the run: %+v", r.c.exit)
	}
	// gdb 13 usually reports the child's end (=thread-group-exited) before this stop, but now
	// and then holds it until the program is resumed (about 1 run in 10 here), sometimes
	// without its exit code (the session then takes it from the sandbox): then it must be
	// recorded by the end of the run.
	childDone := func() bool {
		c := procByPid(r.s.Processes(), child)
		return c != nil && c.Exited && c.HasCode && c.Code == 41
	}
	deadline := time.Now().Add(time.Second)
	for !childDone() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	early := childDone()
	if !early {
		t.Logf("gdb had not reported the child's exit at the parent's stop: %+v", r.s.Processes())
	}
	r.mustContinue()
	if ex := r.exit(); ex.Kind != KindExited || ex.Code != 3 {
		t.Fatalf("exit %+v", ex)
	}
	if !early && !childDone() {
		t.Fatalf("child after its exit: %+v", r.s.Processes())
	}
	if !strings.Contains(r.c.output.String(), "child said 41") {
		t.Errorf("output %q", r.c.output.String())
	}
	// A second run starts with the program alone.
	if err := r.s.Run(); err != nil {
		t.Fatal(err)
	}
	if st := r.stopped(); st == nil || !st.Entry {
		t.Fatalf("second run's first stop %+v", st)
	}
	if ps := r.s.Processes(); len(ps) != 1 || !ps[0].Main {
		t.Fatalf("second run's processes %+v", ps)
	}
	r.mustContinue()
	r.mustStop("child_work")
}

// Following the child, the debugger stops in the child and the run is the child's.
func TestFollowForksChild(t *testing.T) {
	r := forksSession(t, FollowChild)
	parent := r.s.Pid()
	r.mustBreak("child_work")
	r.mustContinue()
	st := r.mustStop("child_work")
	if r.s.Pid() == parent || r.s.Pid() == 0 {
		t.Fatalf("the program is still %d after following the child", parent)
	}
	if st.OtherProcess {
		t.Errorf("the followed child is the program, not another process: %+v", st)
	}
	r.mustContinue()
	if ex := r.exit(); ex.Kind != KindExited || ex.Code != 41 {
		t.Fatalf("exit %+v", ex)
	}
}

// By default (and with "parent") gdb follows the parent and detaches the child: a breakpoint in
// the child's code never stops it.
func TestFollowForksDefaultUnchanged(t *testing.T) {
	for _, mode := range []string{"", FollowParent} {
		t.Run("mode="+mode, func(t *testing.T) {
			r := forksSession(t, mode)
			r.mustBreak("child_work")
			r.mustContinue()
			if ex := r.exit(); ex.Kind != KindExited || ex.Code != 3 {
				t.Fatalf("exit %+v; events %s", ex, r.c.describe())
			}
			if ps := r.s.Processes(); len(ps) != 1 {
				t.Errorf("processes %+v", ps)
			}
		})
	}
}

func TestCheckFollowForks(t *testing.T) {
	for _, m := range []string{"", "parent", "child", "all"} {
		if err := CheckFollowForks(m); err != nil {
			t.Errorf("%q: %v", m, err)
		}
	}
	if err := CheckFollowForks("both"); err == nil {
		t.Error("both: no error")
	}
}

const srcForkExec = `#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int parent_after(int code) {
    return code;
}

int main(void) {
    pid_t p = fork();
    if (p == 0) {
        execl("/bin/sh", "sh", "-c", "exit 7", (char *)0);
        _exit(1);
    }
    int st = 0;
    waitpid(p, &st, 0);
    printf("child said %d\n", WEXITSTATUS(st));
    fflush(stdout);
    return parent_after(WEXITSTATUS(st)) - 4;
}
`

// A child that execs stays in the list with its new command, and its end does not end the run.
func TestFollowForksAllExec(t *testing.T) {
	r := followAllSession(t, program(t, "forkexec", srcForkExec))
	mainPid := r.s.Pid()
	r.mustBreak("parent_after")
	r.mustContinue()
	if st := r.mustStop("parent_after"); st.OtherProcess {
		t.Fatalf("stop %+v", st)
	}
	ps := r.s.Processes()
	if len(ps) != 2 || ps[0].Pid != mainPid || ps[1].Parent != mainPid || !strings.Contains(ps[1].Command, "sh") {
		t.Fatalf("processes after the child's exec: %+v", ps)
	}
	r.mustContinue()
	if ex := r.exit(); ex.Kind != KindExited || ex.Code != 3 {
		t.Fatalf("exit %+v; events %s", ex, r.c.describe())
	}
}

const srcForkLoop = `#include <unistd.h>
#include <sys/wait.h>

int mark(int i) {
    return i;
}

int main(void) {
    for (int i = 0; i < 4; i++) {
        if (fork() == 0)
            _exit(i);
        mark(i); /* the child ends while the parent is stopped here */
        wait(0);
    }
    return 3;
}
`

// A loop that hits the same breakpoint again after each child's end is stopped every time:
// the guard against gdb's second report of one hit (rehit_linux.go) lets real hits through,
// whose registers differ (the argument i).
func TestFollowForksAllLoopHitsEveryTime(t *testing.T) {
	r := followAllSession(t, program(t, "forkloop", srcForkLoop))
	r.mustBreak("mark")
	for i := 0; i < 4; i++ {
		r.mustContinue()
		// A child stopped at its own copy of the breakpoint is not the parent's hit: go on.
		st := r.mustStop("mark")
		for st.OtherProcess {
			r.mustContinue()
			st = r.mustStop("mark")
		}
		if v, err := r.s.Evaluate("i"); err != nil || v != fmt.Sprint(i) {
			t.Fatalf("hit %d: i = %q (%v); events %s", i, v, err, r.c.describe())
		}
	}
	r.mustContinue()
	if ex := r.finish(); ex.Kind != KindExited || ex.Code != 3 {
		t.Fatalf("exit %+v; events %s", ex, r.c.describe())
	}
}

// followAllSession starts prog under the debugger following every process, stopped at main.
func followAllSession(t *testing.T, prog string) *dbgRun {
	t.Helper()
	cfg := baseConfig(t, prog)
	cfg.StopAtBlocked = true
	cfg.FollowForks = FollowAll
	r := startDebug(t, cfg)
	if st := r.stopped(); st == nil || !st.Entry {
		t.Fatalf("first stop %+v; events %s", st, r.c.describe())
	}
	return r
}
