package launcher

import (
	"reflect"
	"strings"
	"testing"
)

const testMaps = `55d0c0a00000-55d0c0a01000 r--p 00000000 08:01 123 /tmp/prog
55d0c0a01000-55d0c0a02000 r-xp 00001000 08:01 123 /tmp/prog
55d0c0a02000-55d0c0a03000 r--p 00002000 08:01 123 /tmp/prog
55d0c0a03000-55d0c0a04000 rw-p 00002000 08:01 123 /tmp/prog
55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0 [heap]
7ffd10000000-7ffd10800000 rw-p 00000000 00:00 0 [stack]
`

func TestParseMaps(t *testing.T) {
	m := parseMaps(testMaps + "garbage line\n")
	if len(m) != 6 {
		t.Fatalf("got %d mappings, want 6: %+v", len(m), m)
	}
	want := memMap{Start: 0x55d0c0a01000, End: 0x55d0c0a02000, Offset: 0x1000, Perms: "r-xp", Path: "/tmp/prog"}
	if m[1] != want {
		t.Errorf("second mapping %+v, want %+v", m[1], want)
	}
	if m[5].Path != "[stack]" {
		t.Errorf("last mapping's path %q, want [stack]", m[5].Path)
	}
}

func TestClassifyCrash(t *testing.T) {
	maps := parseMaps(testMaps)
	for _, tc := range []struct {
		name string
		f    faultFacts
		want CrashKind
	}{
		{"null read", faultFacts{Signo: 11, Code: segvMapErr, Addr: 0}, CrashNull},
		{"field of null", faultFacts{Signo: 11, Code: segvMapErr, Addr: 0x10}, CrashNull},
		{"unmapped", faultFacts{Signo: 11, Code: segvMapErr, Addr: 0x7f0000001000}, CrashUnmapped},
		{"non-canonical", faultFacts{Signo: 11, Code: siKernel}, CrashUnmapped},
		{"string literal", faultFacts{Signo: 11, Code: segvAccErr, Addr: 0x55d0c0a02010}, CrashReadOnly},
		{"code", faultFacts{Signo: 11, Code: segvAccErr, Addr: 0x55d0c0a01010}, CrashReadOnly},
		{"writable but refused", faultFacts{Signo: 11, Code: segvAccErr, Addr: 0x55d0c1000010}, CrashUnmapped},
		{"below the stack", faultFacts{Signo: 11, Code: segvMapErr, Addr: 0x7ffd0ffffff8, SP: 0x7ffd10000000}, CrashStackOverflow},
		{"far below the stack", faultFacts{Signo: 11, Code: segvMapErr, Addr: 0x7ffd00000000, SP: 0x7ffd10000000}, CrashUnmapped},
		{"divide", faultFacts{Signo: 8, Code: fpeIntDiv}, CrashDivide},
		{"float", faultFacts{Signo: 8, Code: 3}, CrashOther},
		{"abort", faultFacts{Signo: 6}, CrashAbort},
		{"assert", faultFacts{Signo: 6, AbortMsg: "prog: a.c:3: main: Assertion `n > 0' failed.\n"}, CrashAssert},
		{"double free", faultFacts{Signo: 6, AbortMsg: "free(): double free detected in tcache 2\n"}, CrashDoubleFree},
		{"heap", faultFacts{Signo: 6, AbortMsg: "malloc(): corrupted top size\n"}, CrashHeap},
		{"illegal", faultFacts{Signo: 4}, CrashOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Maps = maps
			c := classifyCrash(tc.f)
			if c.Kind != tc.want {
				t.Fatalf("kind %q, want %q", c.Kind, tc.want)
			}
			if tc.want != CrashOther && c.Explanation() == "" {
				t.Errorf("no explanation for %q", c.Kind)
			}
		})
	}
}

func TestCrashExplanation(t *testing.T) {
	for _, tc := range []struct {
		c    Crash
		want []string
	}{
		{Crash{Kind: CrashNull, Expr: "l", LineText: "n->next = l->head;", FaultAddr: 0, HasAddr: true}, []string{"`l` is NULL on the line `n->next = l->head;`", "Next:"}},
		{Crash{Kind: CrashNull, FaultAddr: 8}, []string{"a pointer used on the line", "8 bytes past NULL"}},
		{Crash{Kind: CrashStackOverflow, Repeat: "f", Depth: 12345}, []string{"f() called itself 12345 calls deep"}},
		{Crash{Kind: CrashAssert, Assertion: "n > 0"}, []string{"`n > 0` was false"}},
		{Crash{Kind: CrashDoubleFree, Reason: "free(): double free detected in tcache 2"}, []string{"double free", "tcache"}},
	} {
		got := tc.c.Explanation()
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: explanation lacks %q: %s", tc.c.Kind, w, got)
			}
		}
	}
	var es ExitStatus
	es.Signal = "SIGSEGV"
	es.applyCrash(&Crash{Kind: CrashNull, Signal: "SIGSEGV", HasAddr: true, FaultAddr: 8,
		Where: Frame{File: "a.c", Line: 3, Func: "main"}})
	if es.Where != "a.c:3 in main()" || es.Crash != "null" || es.FaultAddr != "0x8" || es.Explanation == "" {
		t.Errorf("applyCrash: %+v", es)
	}
	es = ExitStatus{Signal: "SIGKILL"}
	es.applyCrash(&Crash{Kind: CrashNull, Signal: "SIGSEGV"})
	if es.Crash != "" {
		t.Errorf("a crash read for SIGSEGV was applied to an end by SIGKILL: %+v", es)
	}
}

func TestDerefCandidates(t *testing.T) {
	for line, want := range map[string][]string{
		"n->next = l->head;":            {"n", "l"},
		"x = cur->next->value;":         {"cur", "cur->next"},
		"*p = 3;":                       {"p"},
		"total += scores[i];":           {"scores"},
		"s . a -> b = 1;":               {"s.a"},
		"return n + sum_to(n - 2);":     nil,
		"struct node *n = malloc(8);":   {"n"},
		"if (p->len > q[2]) return *r;": {"p", "q", "r"},
	} {
		if got := derefCandidates(line); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, want %q", line, got, want)
		}
	}
}

func TestSleb128(t *testing.T) {
	for _, tc := range []struct {
		b    []byte
		want int64
	}{{[]byte{0x68}, -24}, {[]byte{0x10}, 16}, {[]byte{0xe8, 0x7e}, -152}, {[]byte{0x80, 0x01}, 128}} {
		if got, _ := sleb128(tc.b); got != tc.want {
			t.Errorf("% x: got %d, want %d", tc.b, got, tc.want)
		}
	}
}
