package launcher

import (
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/machine"
)

const srcWatch = `#include <stdio.h>
int counter;
int main(void) {
	for (int i = 1; i <= 3; i++)
		counter += i;
	printf("counter=%d\n", counter);
	return 0;
}
`

// TestDebugWatchpointTriggers: a watchpoint typed in the console stops the program when the
// value changes, on any machine: where the probe finds hardware watchpoints inert, the
// session has switched gdb to software ones and said so once in the console.
func TestDebugWatchpointTriggers(t *testing.T) {
	hw := machine.HardwareWatchpoints()
	t.Logf("%v", hw)
	r := startDebug(t, baseConfig(t, program(t, "watch", srcWatch)))
	if st := r.stopped(); st == nil || !st.Entry {
		t.Fatalf("first stop %+v", st)
	}
	notes := 0
	for _, e := range r.c.events {
		if c, ok := e.(ConsoleEvent); ok && strings.Contains(c.Text, "software watchpoints") {
			notes++
		}
	}
	if hw.Present && notes != 0 || !hw.Present && notes != 1 {
		t.Fatalf("%d console notes about software watchpoints with %v", notes, hw)
	}
	if err := r.s.Console("watch counter"); err != nil {
		t.Fatal(err)
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	st := r.stopped()
	// A hardware watchpoint reports the line of the write; a software one, single-stepping,
	// the statement after it (the loop's increment).
	if st == nil || st.Reason != "watchpoint-trigger" || st.Source.Line < lineOf(t, srcWatch, "for (") || st.Source.Line > lineOf(t, srcWatch, "counter += i") {
		t.Fatalf("stop %+v, want watchpoint-trigger in the loop; events %s", st, r.c.describe())
	}
	if v, err := r.s.Evaluate("counter"); err != nil || v != "1" {
		t.Fatalf("counter = %q, %v at the first trigger", v, err)
	}
}

const srcWatchLocal = `#include <stdio.h>
struct hist { int count[4]; char name[8]; };
static int total(int n) {
	int sum = 0;
	for (int i = 1; i <= n; i++)
		sum += i;
	return sum;
}
int main(void) {
	struct hist h = {{0, 0, 0, 0}, "abc"};
	int t = total(3);
	for (int i = 0; i < 4; i++)
		h.count[i] = i * t;
	printf("%d %s\n", h.count[3], h.name);
	return 0;
}
`

// TestWatchLocalOldNewAndScope: the student's "stop when this changes" on a local shows in the
// breakpoints list, stops with the old and new values, and when the function returns the stop
// says the variable's scope ended and the list drops it; on an array element reached through
// the Locals tree (a varobj child) it stops when that element changes.
func TestWatchLocalOldNewAndScope(t *testing.T) {
	r := startDebug(t, baseConfig(t, program(t, "watchlocal", srcWatchLocal)))
	if st := r.stopped(); st == nil || !st.Entry {
		t.Fatalf("first stop %+v", st)
	}
	if _, err := r.s.Break("total"); err != nil {
		t.Fatal(err)
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	if st := r.stopped(); st == nil || st.Source.Func != "total" {
		t.Fatalf("stop %+v, want the breakpoint in total", st)
	}
	b, err := r.s.Watch("sum")
	if err != nil {
		t.Fatal(err)
	}
	if b.Watch != "sum" || !hasWatch(r.s.Breakpoints(), "sum") {
		t.Fatalf("watchpoint %+v; breakpoints %+v", b, r.s.Breakpoints())
	}
	var changes []string
	for i := 0; i < 10; i++ {
		if err := r.s.Continue(); err != nil {
			t.Fatal(err)
		}
		st := r.stopped()
		if st == nil {
			t.Fatalf("no stop; events %s", r.c.describe())
		}
		if st.Reason == StopWatchpointScope {
			if st.Watch == nil || !st.Watch.Scope || st.Watch.Expr != "sum" || !strings.Contains(st.Summary(), "stopped watching sum") {
				t.Fatalf("scope stop %+v: %s", st.Watch, st.Summary())
			}
			if hasWatch(r.s.Breakpoints(), "sum") {
				t.Errorf("the watchpoint gdb deleted is still listed: %+v", r.s.Breakpoints())
			}
			break
		}
		if st.Reason != StopWatchpointTrigger || st.Watch == nil {
			t.Fatalf("stop %s (%+v), want a watchpoint trigger", st.Summary(), st)
		}
		changes = append(changes, st.Watch.Old+"->"+st.Watch.New)
		if !strings.HasPrefix(st.Summary(), "sum changed from "+st.Watch.Old+" to "+st.Watch.New) {
			t.Errorf("summary %q", st.Summary())
		}
	}
	// sum = 0 may or may not show as a change from the uninitialised value; the loop's must.
	got := strings.Join(changes, " ")
	if !strings.Contains(got, "0->1 1->3 3->6") {
		t.Fatalf("changes %q, want 0->1 1->3 3->6", got)
	}

	// An array element from the Locals tree: main's h.count[3].
	vars, err := r.s.Locals(0)
	if err != nil {
		t.Fatal(err)
	}
	var h Variable
	for _, v := range vars {
		if v.Name == "h" {
			h = v
		}
	}
	if h.VarObj == "" {
		t.Fatalf("no varobj for h in %+v", vars)
	}
	fields, err := r.s.Children(h.VarObj)
	if err != nil || len(fields) == 0 || fields[0].Name != "count" {
		t.Fatalf("children of h: %+v, %v", fields, err)
	}
	elems, err := r.s.Children(fields[0].VarObj)
	if err != nil || len(elems) != 4 {
		t.Fatalf("children of h.count: %+v, %v", elems, err)
	}
	wb, err := r.s.WatchIn(t.Context(), Scope{}, elems[3].Name, elems[3].VarObj)
	if err != nil {
		t.Fatal(err)
	}
	if wb.Watch != "h.count[3]" {
		t.Errorf("watch expression %q, want h.count[3]", wb.Watch)
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	st := r.stopped()
	if st == nil || st.Reason != StopWatchpointTrigger || st.Watch == nil || st.Watch.Old != "0" || st.Watch.New != "18" {
		t.Fatalf("stop %+v, want h.count[3] changed from 0 to 18", st)
	}
	// Bad input: one sentence from gdb, and the session goes on.
	if _, err := r.s.Watch("3"); err == nil || !strings.Contains(err.Error(), "Cannot watch constant") {
		t.Errorf("watch 3: %v, want gdb's refusal", err)
	}
	if v, err := r.s.Evaluate("h.count[3]"); err != nil || v != "18" {
		t.Errorf("after the refused watch: h.count[3] = %q, %v", v, err)
	}
}

func hasWatch(bs []Breakpoint, expr string) bool {
	for _, b := range bs {
		if b.Watch == expr {
			return true
		}
	}
	return false
}

func TestSimplePath(t *testing.T) {
	for in, want := range map[string]string{
		"((h).count)[3]":          "h.count[3]",
		"(*(l)).head":             "l->head",
		"((*((*(l)).head)).next)": "l->head->next",
		"sum":                     "sum",
		"(a + b)":                 "(a + b)",
		"*(p)":                    "*p",
	} {
		if got := simplePath(in); got != want {
			t.Errorf("simplePath(%q) = %q, want %q", in, got, want)
		}
	}
}
