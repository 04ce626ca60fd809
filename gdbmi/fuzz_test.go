package gdbmi

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that errors are *SyntaxError with a column inside
// the line, and that whatever parses survives a round trip through its MI rendering. The seed
// corpus is every recorded gdb line (the huge symbol table aside) plus testdata/fuzz/FuzzParse,
// which keeps what earlier fuzzing found; `go test` runs them all as regular tests.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "transcripts", "*.mi"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(l) < 4096 {
				f.Add(l)
			}
		}
	}
	for _, s := range []string{
		`^done,bkpt={number="1",script={"a","b"}},{number="1.1"}`,
		`~"\e\a\377\0\x41"`, `(gdb) `, `12^error,msg="x",code="undefined-command"`,
		`^done,a=[b={},c=[]]`, `*stopped,reason="exited",exit-code="0377"`,
		`~"\400"`, `0001^done,value="\777"`, `000^done`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := Parse(line)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T %v is not a *SyntaxError", err, err)
			}
			if se.Col < 1 || se.Col > len(line)+1 {
				t.Fatalf("column %d outside a line of %d bytes", se.Col, len(line))
			}
			return
		}
		s := r.String()
		r2, err := Parse([]byte(s))
		if err != nil {
			t.Fatalf("rendering %q of %q does not parse: %v", s, line, err)
		}
		if s2 := r2.String(); s2 != s {
			t.Fatalf("round trip of %q:\n%q\n%q", line, s, s2)
		}
		// The typed views never panic either.
		ParseStop(r)
		ParseBreakpoints(r)
		ParseThreadGroupEvent(r)
		ParseThreads(r)
		ParseFrames(r)
		VarChanges(r)
		VarChildren(r)
		ParseVariables(r.Get("variables"))
		var a TextAssembler
		a.Add(r)
	})
}

// TestParseMutations is a bounded, deterministic stand-in for fuzzing inside `go test ./...`
// (which cannot run -fuzz): recorded lines with random bytes flipped, cut, duplicated or
// spliced must parse or fail with a *SyntaxError, never panic, and parsed ones round-trip.
func TestParseMutations(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "transcripts", "*.mi"))
	var lines [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(l) > 0 && len(l) < 4096 {
				lines = append(lines, l)
			}
		}
	}
	if len(lines) == 0 {
		t.Skip("no transcripts")
	}
	n := 200000
	if testing.Short() {
		n = 20000
	}
	rng := rand.New(rand.NewPCG(1, 2))
	special := []byte(`"\{}[],=^*~@&0123456789` + "\x00\xff\n\r")
	for i := 0; i < n; i++ {
		l := append([]byte(nil), lines[rng.IntN(len(lines))]...)
		for k := rng.IntN(4) + 1; k > 0 && len(l) > 0; k-- {
			j := rng.IntN(len(l))
			switch rng.IntN(5) {
			case 0:
				l[j] = special[rng.IntN(len(special))]
			case 1:
				l = l[:j]
			case 2:
				l = append(l[:j], l[min(len(l), j+rng.IntN(8)+1):]...)
			case 3:
				l = append(l[:j:j], append([]byte{special[rng.IntN(len(special))]}, l[j:]...)...)
			case 4:
				o := lines[rng.IntN(len(lines))]
				l = append(l[:j:j], o[rng.IntN(len(o)):]...)
			}
		}
		r, err := Parse(l)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Col < 1 || se.Col > len(l)+1 {
				t.Fatalf("%q: %v", l, err)
			}
			continue
		}
		if r2, err := Parse([]byte(r.String())); err != nil || r2.String() != r.String() {
			t.Fatalf("%q does not round-trip: %v", l, err)
		}
		ParseStop(r)
		ParseBreakpoints(r)
	}
}
