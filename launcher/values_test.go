package launcher

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

const srcValues = `#include <stdio.h>
#include <string.h>
struct person { char name[16]; int age; };
int rec(int n) {
	if (n == 0) {
		return 0; // bottom
	}
	return 1 + rec(n - 1);
}
int sum(int *arr, int n, struct person p) {
	int s = 0;
	for (int i = 0; i < n; i++) {
		for (int i = 0; i < 2; i++) {
			s += i; // inner
		}
		s += arr[i];
	}
	return s + p.age;
}
int main(void) {
	char name[8];
	struct person bob = { "bob", 42 };
	int a[5] = {1, 2, 3, 4, 5};
	int *arr = a;
	strcpy(name, "alice");
	printf("%d %s %d\n", sum(arr, 5, bob), name, rec(30000));
	return 0;
}
`

// TestDebugValuesAsRead: frames carry their arguments as gdb's bt writes them; a char array
// reads as its string (a struct member too) and still expands; two i of nested blocks are
// both listed with their block's lines; *arr@n is an expandable array.
func TestDebugValuesAsRead(t *testing.T) {
	prog := program(t, "values", srcValues)
	r := startDebug(t, baseConfig(t, prog))
	ctx := context.Background()
	r.stopped()
	inner := lineOf(t, srcValues, "// inner")
	if _, err := r.s.Break("values.c:" + strconv.Itoa(inner)); err != nil {
		t.Fatal(err)
	}
	r.s.Continue()
	if st := r.stopped(); st == nil || st.Frame.Func != "sum" {
		t.Fatalf("stop %+v", st)
	}
	page, err := r.s.StackPageIn(ctx, 0, 0, 10, true)
	if err != nil || page.More || len(page.Frames) != 2 {
		t.Fatalf("StackPageIn = %+v, %v", page, err)
	}
	if got := page.Frames[0].Args; !strings.HasPrefix(got, "arr=0x") || !strings.HasSuffix(got, ", n=5, p=...") {
		t.Errorf("sum's arguments = %q, want arr=0x..., n=5, p=...", got)
	}
	if got := page.Frames[1].Args; got != "" {
		t.Errorf("main's arguments = %q, want none", got)
	}

	vars, err := r.s.LocalsIn(ctx, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	var is []Variable
	for _, v := range vars {
		if v.Name == "i" {
			is = append(is, v)
		}
	}
	outerFor := lineOf(t, srcValues, "for (int i = 0; i < n; i++)")
	if len(is) != 2 || is[0].Shadowed || !is[1].Shadowed ||
		!strings.HasPrefix(is[0].Block, "lines "+strconv.Itoa(inner-1)) || !strings.HasPrefix(is[1].Block, "lines "+strconv.Itoa(outerFor)) {
		t.Fatalf("the two i: %+v (inner block from line %d, outer from %d)", is, inner-1, outerFor)
	}

	vars, err = r.s.LocalsIn(ctx, Scope{Frame: 1})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Variable{}
	for _, v := range vars {
		byName[v.Name] = v
	}
	if v := byName["name"]; v.Value != `"alice"` || v.VarObj == "" || v.NumChild != 8 {
		t.Errorf("name = %+v, want \"alice\" with 8 elements", v)
	}
	kids, err := r.s.ChildrenIn(ctx, byName["name"].VarObj)
	if err != nil || len(kids) != 8 || kids[0].Name != "0" || kids[0].Value != "97 'a'" {
		t.Errorf("name's elements: %+v, %v", kids, err)
	}
	kids, err = r.s.ChildrenIn(ctx, byName["bob"].VarObj)
	if err != nil || len(kids) != 2 || kids[0].Name != "name" || kids[0].Value != `"bob"` {
		t.Errorf("bob's members: %+v, %v", kids, err)
	} else if p, err := r.s.PathExpression(ctx, kids[0].VarObj); err != nil || p != "bob.name" {
		// The C expression of a member, for the Memory view (m in Locals).
		t.Errorf("PathExpression(bob's name) = %q, %v; want bob.name", p, err)
	}

	arr, err := r.s.ArrayIn(ctx, Scope{Frame: 1}, "arr", "", 5)
	if err != nil || arr.Name != "*arr@5" || arr.NumChild != 5 || arr.VarObj == "" {
		t.Fatalf("ArrayIn = %+v, %v", arr, err)
	}
	kids, err = r.s.ChildrenIn(ctx, arr.VarObj)
	if err != nil || len(kids) != 5 || kids[4].Name != "4" || kids[4].Value != "5" {
		t.Errorf("*arr@5's elements: %+v, %v", kids, err)
	}
	if _, err := r.s.ArrayIn(ctx, Scope{Frame: 1}, "arr", "", 0); err == nil {
		t.Error("ArrayIn with length 0: no error")
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}

// TestDebugDeepStackPages: a 30,000-deep recursion gives its depth at once and its frames page
// by page; the time to the first page is what a student waits for the Stack pane.
func TestDebugDeepStackPages(t *testing.T) {
	prog := program(t, "values", srcValues)
	cfg := baseConfig(t, prog)
	r := startDebug(t, cfg)
	ctx := context.Background()
	r.stopped()
	if _, err := r.s.Break("values.c:" + strconv.Itoa(lineOf(t, srcValues, "// bottom"))); err != nil {
		t.Fatal(err)
	}
	r.s.Continue()
	if st := r.stopped(); st == nil || st.Frame.Func != "rec" {
		t.Fatalf("stop %+v", st)
	}
	start := time.Now()
	page, err := r.s.StackPageIn(ctx, 0, 0, 100, true)
	first := time.Since(start)
	if err != nil || !page.More || len(page.Frames) != 100 || page.Frames[0].Args != "n=0" || page.Frames[99].Args != "n=99" {
		t.Fatalf("first page: more %v, %d frames, %v", page.More, len(page.Frames), err)
	}
	n, more := len(page.Frames), page.More
	var last Frame
	for more {
		p, err := r.s.StackPageIn(ctx, 0, n, 2000, false)
		if err != nil || len(p.Frames) == 0 || p.Frames[0].Level != n || p.Frames[0].Args != "" {
			t.Fatalf("page from %d: %d frames, %v", n, len(p.Frames), err)
		}
		n += len(p.Frames)
		more = p.More
		last = p.Frames[len(p.Frames)-1]
	}
	all := time.Since(start)
	if n != 30002 || last.Func != "main" || last.Level != 30001 {
		t.Fatalf("%d frames, the last %+v; want 30,002 ending in main", n, last)
	}
	t.Logf("30,002 frames: the first 100 in %v, all in %v", first.Round(time.Millisecond), all.Round(time.Millisecond))
	r.s.Close()
	checkNoLeftovers(t, r.s)
}
