package gdbmi

import (
	"bytes"
	"errors"
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
