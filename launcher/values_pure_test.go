package launcher

import (
	"testing"

	"github.com/sandbug/sandbug/gdbmi"
)

func TestTrimNuls(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`"alice\000\000"`, `"alice"`},
		{`"alice", '\000' <repeats 26 times>`, `"alice"`},
		{`'\000' <repeats 15 times>`, `""`},
		{`"\000\000\000"`, `""`},
		{`"abcdefgh"`, `"abcdefgh"`},
		{`"a\\000"`, `"a\\000"`}, // the text \000, not a NUL
		{`"a\\\000"`, `"a\\"`},
		{`"ab\000cd\000"`, `"ab\000cd"`},
		{`"abc", 'x' <repeats 20 times>`, `"abc", 'x' <repeats 20 times>`},
		{`"abc"...`, `"abc"...`},
		{`[8]`, `[8]`},
	} {
		if got := trimNuls(c.in); got != c.want {
			t.Errorf("trimNuls(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestIsCharArray(t *testing.T) {
	for typ, want := range map[string]bool{"char [8]": true, "unsigned char [4]": true, "signed char [2]": true,
		"char *": false, "char [2][3]": false, "int [5]": false, "const char *": false} {
		if isCharArray(typ) != want {
			t.Errorf("isCharArray(%q) = %v", typ, !want)
		}
	}
}

func TestFormatArgs(t *testing.T) {
	got := formatArgs([]gdbmi.Variable{{Name: "head", Value: "0x4052a0", HasValue: true},
		{Name: "v", Value: "99", HasValue: true}, {Name: "p"}})
	if got != "head=0x4052a0, v=99, p=..." {
		t.Errorf("formatArgs = %q", got)
	}
	if formatArgs(nil) != "" {
		t.Error("no arguments should be empty")
	}
}

func TestLabelShadowed(t *testing.T) {
	vars := []Variable{{Name: "i"}, {Name: "i"}, {Name: "arr", Arg: true}, {Name: "s"}}
	labelShadowed(vars, parseBlocks("8 9 i;7 11 i;5 14 arr,n,s"))
	if vars[0].Block != "lines 8-9" || vars[0].Shadowed || vars[1].Block != "lines 7-11" || !vars[1].Shadowed ||
		vars[2].Block != "" || vars[3].Block != "" {
		t.Errorf("labels: %+v", vars)
	}
	// Without gdb's Python the order still tells them apart.
	vars = []Variable{{Name: "x"}, {Name: "x"}, {Name: "x"}}
	labelShadowed(vars, nil)
	if vars[0].Block != "innermost block" || vars[1].Block != "block 2 of 3" || vars[2].Block != "block 3 of 3" {
		t.Errorf("labels without blocks: %+v", vars)
	}
	vars = []Variable{{Name: "k"}, {Name: "k"}}
	labelShadowed(vars, parseBlocks("4 4 k;3 6 j,k"))
	if vars[0].Block != "line 4" || vars[1].Block != "lines 3-6" {
		t.Errorf("labels: %+v", vars)
	}
}

func TestArrayExpr(t *testing.T) {
	if got := arrayExpr("arr", 5); got != "*arr@5" {
		t.Error(got)
	}
	if got := arrayExpr("l->items", 3); got != "*(l->items)@3" {
		t.Error(got)
	}
}
