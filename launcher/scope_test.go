package launcher

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestDebugScopePerCall: each query names its frame; no call changes what another sees (the
// session's selected frame stays 0 while frame 1 is asked for).
func TestDebugScopePerCall(t *testing.T) {
	prog := program(t, "structs", srcStruct)
	r := startDebug(t, baseConfig(t, prog))
	ctx := context.Background()
	main, err := r.s.MainLocation(ctx)
	if err != nil || main.Func != "main" || main.Line != lineOf(t, srcStruct, "int main(void) {") ||
		!strings.HasSuffix(main.FullName, "structs.c") {
		t.Fatalf("MainLocation = %+v, %v", main, err)
	}
	r.stopped()
	if _, err := r.s.Break("add"); err != nil {
		t.Fatal(err)
	}
	r.s.Continue()
	if st := r.stopped(); st == nil || st.Frame.Func != "add" {
		t.Fatalf("stop %+v", st)
	}
	if v, err := r.s.EvaluateIn(ctx, Scope{Frame: 1}, "total"); err != nil || v != "0" {
		t.Fatalf("EvaluateIn frame 1: %q %v", v, err)
	}
	if v, err := r.s.EvaluateIn(ctx, Scope{}, "a"); err != nil || v != "0" {
		t.Fatalf("EvaluateIn frame 0: %q %v", v, err)
	}
	vars, err := r.s.LocalsIn(ctx, Scope{Frame: 1})
	names := []string{}
	for _, v := range vars {
		names = append(names, v.Name)
	}
	if err != nil || !strings.Contains(strings.Join(names, " "), "total") || strings.Contains(strings.Join(names, " "), "sum") {
		t.Fatalf("LocalsIn frame 1: %+v %v", vars, err)
	}
	if v, err := r.s.Evaluate("a"); err != nil || v != "0" {
		t.Fatalf("the selected frame moved: Evaluate(a) = %q %v", v, err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.s.EvaluateIn(done, Scope{}, "a"); !errors.Is(err, context.Canceled) {
		t.Fatalf("EvaluateIn with a cancelled context: %v", err)
	}
	if err := r.s.FinishIn(done, Scope{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("FinishIn with a cancelled context: %v", err)
	}
	if err := r.s.FinishIn(ctx, Scope{}); err != nil {
		t.Fatal(err)
	}
	if st := r.stopped(); st == nil || st.Reason != StopFunctionFinished {
		t.Fatalf("finish: %+v", st)
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}
