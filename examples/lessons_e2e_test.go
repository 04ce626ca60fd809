package examples_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/examples"
	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/launcher"
)

// Walkthroughs: each follows a lesson step by step in a debug session, as a student would.

// TestPtraceLessonChoices checks the other two choices the ptrace lesson offers at the blocked
// call: another errno changes the message, and letting the sandbox kill the program ends it
// with an exit card that names ptrace.
func TestPtraceLessonChoices(t *testing.T) {
	skipShort(t)
	testbin.NeedTool(t, "gcc")
	testbin.NeedTool(t, "gdb")
	e, err := examples.Get("ptrace")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		verdict launcher.Verdict
		kind    string
		output  string
	}{
		{"ENOSYS", launcher.Verdict{Errno: int(unix.ENOSYS)}, examples.KindExited, "ptrace: Function not implemented (errno 38)"},
		{"kill", launcher.Verdict{Kill: true}, examples.KindSandboxKilled, "asking for PTRACE_TRACEME"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(t, e, compile(t, e))
			cfg.StopAtBlocked = true
			s, err := launcher.StartDebug(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			answered := false
			o := collect(t, s, 60*time.Second, func(ev launcher.Event) {
				se, ok := ev.(launcher.StateEvent)
				if !ok || se.State != launcher.Stopped {
					return
				}
				var err error
				if se.Stop != nil && se.Stop.Blocked != nil {
					answered = true
					err = s.ResolveBlocked(tc.verdict)
				} else {
					err = s.Continue()
				}
				if err != nil {
					t.Fatal(err)
				}
			})
			if !answered {
				t.Fatal("the debugger never stopped at the blocked ptrace")
			}
			if o.status.Kind != tc.kind {
				t.Errorf("exit %q (%s), want %q", o.status.Kind, o.status.Summary(), tc.kind)
			}
			if tc.kind == examples.KindSandboxKilled && o.status.Syscall != "ptrace" {
				t.Errorf("the exit card names %q, want ptrace (%s)", o.status.Syscall, o.status.Summary())
			}
			if !strings.Contains(o.output, tc.output) {
				t.Errorf("output lacks %q:\n%s", tc.output, o.output)
			}
		})
	}
}

// lineOf returns the 1-based number of the first source line containing text.
func lineOf(t *testing.T, e examples.Example, text string) int {
	t.Helper()
	for i, l := range strings.Split(e.Source, "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line containing %q", e.SourceFile, text)
	return 0
}

// demo returns the named example, or fails the test.
func demo(t *testing.T, name string) examples.Example {
	t.Helper()
	e, err := examples.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// walk runs a demo in a debug session; at every stop it calls step, which drives the session
// as the lesson tells the student to (and must resume it). It returns the outcome.
func walk(t *testing.T, e examples.Example, step func(s *launcher.Session, stop *launcher.Stop)) outcome {
	t.Helper()
	skipShort(t)
	testbin.NeedTool(t, "gcc")
	testbin.NeedTool(t, "gdb")
	cfg := config(t, e, compile(t, e))
	cfg.StopAtBlocked = true
	s, err := launcher.StartDebug(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	n := 0
	return collect(t, s, 90*time.Second, func(ev launcher.Event) {
		if se, ok := ev.(launcher.StateEvent); ok && se.State == launcher.Stopped && se.Stop != nil {
			if n++; n > 50 {
				t.Fatal("more than 50 stops")
			}
			step(s, se.Stop)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// value returns the display value of the named variable, or "<missing>".
func value(vars []launcher.Variable, name string) string {
	for _, v := range vars {
		if v.Name == name {
			return v.Value
		}
	}
	return "<missing>"
}

// TestSegfaultLessonWalkthrough follows the segfault lesson: continue to the crash, find l = 0x0
// in push()'s locals, and the caller in main() on the third push.
func TestSegfaultLessonWalkthrough(t *testing.T) {
	e := demo(t, "segfault")
	thirdPush := lineOf(t, e, "push(find_list(lists, 2, 2), 30)")
	sawCrash := false
	o := walk(t, e, func(s *launcher.Session, stop *launcher.Stop) {
		if stop.Signal == "SIGSEGV" {
			sawCrash = true
			if stop.Source.Func != "push" {
				t.Errorf("crash shown in %q, want push()", stop.Source.Func)
			}
			vars, err := s.Locals(0)
			must(t, err)
			if l := value(vars, "l"); l != "0x0" {
				t.Errorf("locals of push: l = %q, want 0x0 (all: %+v)", l, vars)
			}
			// The console's crash line names the pointer before the student looks.
			if stop.Crash == nil || stop.Crash.Kind != launcher.CrashNull || stop.Crash.Expr != "l" {
				t.Errorf("crash reading at the stop %+v, want null with l named", stop.Crash)
			}
			frames, err := s.Stack()
			must(t, err)
			if len(frames) < 2 || frames[1].Func != "main" || frames[1].Line != thirdPush {
				t.Errorf("the caller frame should be main() at line %d (the third push): %+v", thirdPush, frames)
			}
		}
		must(t, s.Continue())
	})
	if !sawCrash {
		t.Fatal("the debugger never stopped at the SIGSEGV")
	}
	if o.status.Kind != examples.KindSignaled || o.status.Signal != "SIGSEGV" || !strings.Contains(o.status.Where, "in push()") {
		t.Errorf("exit %+v, want SIGSEGV in push()", o.status)
	}
}

// TestRecursionLessonWalkthrough follows the recursion lesson: a breakpoint on the base-case
// test in factorial, five hits, and the stack then holds factorial with n = 5..1 above main.
func TestRecursionLessonWalkthrough(t *testing.T) {
	e := demo(t, "recursion")
	baseCase := lineOf(t, e, "if (n <= 1)")
	hits := 0
	var bp launcher.Breakpoint
	o := walk(t, e, func(s *launcher.Session, stop *launcher.Stop) {
		switch {
		case bp.ID == "":
			// The first stop, before main: set the lesson's breakpoint.
			var err error
			bp, err = s.Break(fmt.Sprintf("%s:%d", e.SourceFile, baseCase))
			must(t, err)
		case stop.Reason == "breakpoint-hit" && strconv.Itoa(stop.BkptNo) == bp.ID:
			hits++
			vars, err := s.Locals(0)
			must(t, err)
			if n := value(vars, "n"); n != strconv.Itoa(6-hits) {
				t.Errorf("hit %d: n = %s, want %d", hits, n, 6-hits)
			}
			if hits == 5 {
				frames, err := s.Stack()
				must(t, err)
				var funcs []string
				for _, f := range frames {
					funcs = append(funcs, f.Func)
				}
				if got := strings.Join(funcs, " "); got != "factorial factorial factorial factorial factorial main" {
					t.Errorf("stack at the base case: %s", got)
				}
				must(t, s.Delete(bp.ID))
			}
		}
		must(t, s.Continue())
	})
	if hits != 5 {
		t.Errorf("the breakpoint was hit %d times, want 5", hits)
	}
	checkOutcome(t, e, o)
}

// TestLinkedListLessonWalkthrough follows the linked-list lesson: at print_list, expand head
// and follow the next pointers: values 1, 2, 3, then NULL.
func TestLinkedListLessonWalkthrough(t *testing.T) {
	e := demo(t, "linkedlist")
	var bp launcher.Breakpoint
	checked := false
	o := walk(t, e, func(s *launcher.Session, stop *launcher.Stop) {
		switch {
		case bp.ID == "":
			var err error
			bp, err = s.Break("print_list")
			must(t, err)
		case stop.Reason == "breakpoint-hit" && strconv.Itoa(stop.BkptNo) == bp.ID:
			checked = true
			vars, err := s.Locals(0)
			must(t, err)
			var head launcher.Variable
			for _, v := range vars {
				if v.Name == "head" {
					head = v
				}
			}
			if head.VarObj == "" {
				t.Fatalf("head is not expandable in the locals pane: %+v", vars)
			}
			// Follow next until NULL, as the lesson says.
			var values []string
			node := head
			for i := 0; i < 5 && node.VarObj != ""; i++ {
				kids, err := s.Children(node.VarObj)
				must(t, err)
				values = append(values, value(kids, "value"))
				node = launcher.Variable{}
				for _, k := range kids {
					if k.Name == "next" {
						node = k
					}
				}
				if node.Value == "0x0" {
					values = append(values, "NULL")
					break
				}
			}
			if got := strings.Join(values, " -> "); got != "1 -> 2 -> 3 -> NULL" {
				t.Errorf("following head: %s", got)
			}
		}
		must(t, s.Continue())
	})
	if !checked {
		t.Error("print_list's breakpoint was never hit")
	}
	checkOutcome(t, e, o)
}

// TestStackOverflowLessonWalkthrough follows the stackoverflow lesson: the stop names the stack
// overflow in sum_to(), n one frame up is a large negative number, and the call stack pane gets
// the innermost 1000 frames, all sum_to.
func TestStackOverflowLessonWalkthrough(t *testing.T) {
	e := demo(t, "stackoverflow")
	saw := false
	walk(t, e, func(s *launcher.Session, stop *launcher.Stop) {
		if stop.Signal == "SIGSEGV" && !saw {
			saw = true
			if c := stop.Crash; c == nil || c.Kind != launcher.CrashStackOverflow || c.Repeat != "sum_to" || c.Depth < 10000 {
				t.Errorf("crash reading %+v, want a stack overflow of sum_to, thousands deep", c)
			}
			if !strings.Contains(stop.Summary(), "stack overflow") {
				t.Errorf("stop summary %q lacks the crash's headline", stop.Summary())
			}
			vars, err := s.Locals(1)
			must(t, err)
			if n, err := strconv.Atoi(value(vars, "n")); err != nil || n > -1000 {
				t.Errorf("n = %q, want a large negative number", value(vars, "n"))
			}
			frames, err := s.Stack()
			must(t, err)
			if len(frames) != 1000 || frames[0].Func != "sum_to" || frames[999].Func != "sum_to" {
				t.Errorf("stack: %d frames, first %q, want the innermost 1000, all sum_to", len(frames), frames[0].Func)
			}
		}
		must(t, s.Continue())
	})
	if !saw {
		t.Fatal("the debugger never stopped at the SIGSEGV")
	}
}
