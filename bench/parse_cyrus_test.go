//go:build cyrus

package bench

import (
	"testing"
	_ "unsafe" // go:linkname

	_ "github.com/cyrus-and/gdb"
)

// cyrusParseRecord is cyrus-and/gdb's own parser (its lexer goroutine and goyacc grammar),
// which the package keeps unexported; the linkname reaches it so both parsers are measured
// alone, on the same lines, in one run.
//
//go:linkname cyrusParseRecord github.com/cyrus-and/gdb.parseRecord
func cyrusParseRecord(data string) map[string]interface{}

// cyrusParse parses one line and turns cyrus-and/gdb's panic on a syntax error into false.
func cyrusParse(line string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return cyrusParseRecord(line) != nil
}

// BenchmarkParseLinesCyrus: cyrus-and/gdb's parser over parseLines. Its parser takes a
// string, so each line is converted once before the clock starts.
func BenchmarkParseLinesCyrus(b *testing.B) {
	lines, size := parseLines(b)
	strs := make([]string, len(lines))
	for i, l := range lines {
		strs[i] = string(l)
		if !cyrusParse(strs[i]) {
			b.Fatalf("cyrus-and/gdb cannot parse corpus line %d: %.80q", i, strs[i])
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range strs {
			if cyrusParseRecord(s) == nil {
				b.Fatal("no record")
			}
		}
	}
}

// BenchmarkParseStoppedCyrus: cyrus-and/gdb's parser on the *stopped record of
// BenchmarkParseStoppedSandbug.
func BenchmarkParseStoppedCyrus(b *testing.B) {
	line := typicalStopped
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if cyrusParseRecord(line) == nil {
			b.Fatal("no record")
		}
	}
}
