package launcher

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/wrapper"
)

const srcStruct = `#include <stdio.h>
struct point { int x, y; };
static int add(int a, int b) {
	int sum = a + b;
	return sum;
}
int main(void) {
	struct point p = { 1, 2 };
	int arr[3] = { 7, 8, 9 };
	int total = 0;
	for (int i = 0; i < 3; i++)
		total = add(total, arr[i]);
	p.x = total;
	printf("total %d %d\n", total, p.x);
	return 0;
}
`

func TestDebugControls(t *testing.T) {
	prog := program(t, "structs", srcStruct)
	cfg := baseConfig(t, prog)
	cfg.StopAtBlocked = true
	r := startDebug(t, cfg)
	r.stopped()
	line := lineOf(t, srcStruct, "int sum = a + b;")
	b, err := r.s.Break("add")
	if err != nil || b.Line != line || b.ID == "" {
		t.Fatalf("Break: %+v %v", b, err)
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	st := r.stopped()
	if st == nil || st.Reason != "breakpoint-hit" || st.Frame.Func != "add" || st.Frame.Line != line {
		t.Fatalf("stop %+v", st)
	}
	frames, err := r.s.Stack()
	if err != nil || len(frames) != 2 || frames[1].Func != "main" {
		t.Fatalf("Stack: %+v %v", frames, err)
	}
	vars, err := r.s.Locals(1)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Variable{}
	for _, v := range vars {
		got[v.Name] = v
	}
	if got["p"].VarObj == "" || got["p"].NumChild != 2 || got["arr"].NumChild != 3 || got["total"].Value != "0" {
		t.Fatalf("locals %+v", vars)
	}
	kids, err := r.s.Children(got["p"].VarObj)
	if err != nil || len(kids) != 2 || kids[0].Name != "x" || kids[0].Value != "1" {
		t.Fatalf("Children: %+v %v", kids, err)
	}
	args, _ := r.s.Locals(0)
	if len(args) < 2 || !args[0].Arg || args[0].Name != "a" {
		t.Fatalf("args %+v", args)
	}
	if v, err := r.s.Evaluate("a + b + 1"); err != nil || v != "8" {
		t.Fatalf("Evaluate = %q %v", v, err)
	}
	if _, err := r.s.Evaluate("no_such_var"); err == nil {
		t.Fatal("Evaluate of an unknown name: no error")
	}
	if err := r.s.Console("info frame"); err != nil {
		t.Fatal(err)
	}
	r.until("console output of info frame", func(e Event) bool {
		c, ok := e.(ConsoleEvent)
		return ok && c.Kind == ConsoleOutput && strings.Contains(c.Text, "Stack level 0")
	})
	if err := r.s.Condition(b.ID, "a == 15"); err != nil {
		t.Fatal(err)
	}
	r.s.Continue()
	st = r.stopped()
	if v, _ := r.s.Evaluate("a"); st == nil || st.Frame.Func != "add" || v != "15" {
		t.Fatalf("conditional stop %+v a=%s", st, v)
	}
	if err := r.s.Finish(); err != nil {
		t.Fatal(err)
	}
	st = r.stopped()
	if st == nil || st.Reason != "function-finished" || st.Frame.Func != "main" {
		t.Fatalf("finish %+v", st)
	}
	if err := r.s.Next(); err != nil {
		t.Fatal(err)
	}
	if st = r.stopped(); st == nil || st.Reason != "end-stepping-range" {
		t.Fatalf("next %+v", st)
	}
	if err := r.s.Enable(b.ID, false); err != nil {
		t.Fatal(err)
	}
	bps := r.s.Breakpoints()
	if len(bps) != 1 || bps[0].Enabled || bps[0].Cond != "a == 15" {
		t.Fatalf("breakpoints %+v", bps)
	}
	if err := r.s.Until(prog+".c", lineOf(t, srcStruct, "printf(")); err != nil {
		t.Fatal(err)
	}
	if st = r.stopped(); st == nil || st.Frame.Line != lineOf(t, srcStruct, "printf(") {
		t.Fatalf("until %+v", st)
	}
	if v, _ := r.s.Evaluate("p.x"); v != "24" {
		t.Fatalf("p.x = %s", v)
	}
	if err := r.s.Delete(b.ID); err != nil || len(r.s.Breakpoints()) != 0 {
		t.Fatalf("Delete: %v %+v", err, r.s.Breakpoints())
	}
	// The transcript shows the MI commands the controls issued.
	sawNext := false
	for _, e := range r.c.events {
		if c, ok := e.(ConsoleEvent); ok && c.Kind == ConsoleCommand && strings.HasPrefix(c.Text, "-exec-next --thread 1") {
			sawNext = true
		}
	}
	if !sawNext {
		t.Error("no -exec-next in the transcript")
	}
	// Restart: the program runs again and stops before main.
	if err := r.s.Run(); err != nil {
		t.Fatal(err)
	}
	r.until("the killed run's exit", func(e Event) bool { _, ok := e.(ExitEvent); return ok })
	if st = r.stopped(); st == nil || st.Frame.Func != "main" {
		t.Fatalf("after restart %+v", st)
	}
	r.s.Continue()
	if ex := r.exit(); ex.Kind != KindExited || ex.Code != 0 {
		t.Fatalf("exit %+v", ex)
	}
	if !strings.Contains(r.c.output.String(), "total 24 24") {
		t.Errorf("output %q", r.c.output.String())
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}

func TestDebugChildBlocked(t *testing.T) {
	prog := program(t, "childptrace", srcChildPtrace)
	cfg := baseConfig(t, prog)
	cfg.StopAtBlocked = true
	r := startDebug(t, cfg)
	r.stopped()
	r.s.Continue()
	ex := r.exit()
	if ex.Kind != KindExited || ex.Code != 0 {
		t.Fatalf("exit %+v", ex)
	}
	if len(r.c.blocked) != 1 || !r.c.blocked[0].Child || r.c.blocked[0].Stopped {
		t.Fatalf("blocked %+v", r.c.blocked)
	}
	pid := r.c.blocked[0].Pid
	if !strings.Contains(r.c.output.String(), "child "+strconv.Itoa(pid)+": ptrace returned -1 errno 1") {
		t.Errorf("output %q (child pid %d)", r.c.output.String(), pid)
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}

func TestDebugSandboxErrors(t *testing.T) {
	t.Run("bad-user", func(t *testing.T) {
		cfg := baseConfig(t, program(t, "exit", srcExit))
		cfg.User = "no-such-user-xyz"
		r := startDebug(t, cfg)
		ex := r.exit()
		if ex.Kind != KindSandboxError || ex.Code != 125 || !strings.Contains(ex.Message, "no-such-user-xyz") {
			t.Fatalf("exit %+v", ex)
		}
		r.s.Close()
		checkNoLeftovers(t, r.s)
	})
	t.Run("missing", func(t *testing.T) {
		r := startDebug(t, baseConfig(t, "/no/such/program"))
		ex := r.exit()
		if ex.Kind != KindSandboxError {
			t.Fatalf("exit %+v", ex)
		}
		r.s.Close()
	})
	t.Run("compile-error", func(t *testing.T) {
		src := t.TempDir() + "/broken.c"
		writeFile(t, src, "int main(void) { return undefined_thing; }\n")
		r := startDebug(t, baseConfig(t, src))
		ex := r.exit()
		if ex.Kind != KindCompileError || !strings.Contains(ex.Message, "undefined_thing") {
			t.Fatalf("exit %+v", ex)
		}
		r.s.Close()
	})
}

func TestDebugLimits(t *testing.T) {
	t.Run("cpu", func(t *testing.T) {
		cfg := baseConfig(t, program(t, "spin", srcSpin))
		cfg.Limits = wrapper.Limits{CPU: time.Second}
		r := startDebug(t, cfg)
		if ex := r.finish(); ex.Kind != KindLimit || ex.Limit != LimitCPU {
			t.Fatalf("exit %+v", ex)
		}
		r.s.Close()
		checkNoLeftovers(t, r.s)
	})
	t.Run("wall-paused-while-stopped", func(t *testing.T) {
		cfg := baseConfig(t, program(t, "sleeper", srcSleep))
		cfg.Timeout = 1500 * time.Millisecond
		t0 := time.Now()
		r := startDebug(t, cfg)
		r.stopped()
		// At most this much of the budget went on the start-up to main (compiling excluded).
		startup := time.Since(t0)
		// Stopped at main for longer than the limit: the clock does not run.
		time.Sleep(1700 * time.Millisecond)
		if st := r.s.State(); st != Stopped {
			t.Fatalf("state %v after a pause longer than the timeout", st)
		}
		start := time.Now()
		r.s.Continue()
		ex := r.exit()
		if ex.Kind != KindLimit || ex.Limit != LimitWall {
			t.Fatalf("exit %+v", ex)
		}
		// Had the pause counted, the limit would strike at once.
		if d, want := time.Since(start), cfg.Timeout-startup-100*time.Millisecond; d < want || d > 6*time.Second {
			t.Errorf("limit hit after %v of running, want >= %v (start-up took %v)", d, want, startup)
		}
		r.s.Close()
		checkNoLeftovers(t, r.s)
	})
}
