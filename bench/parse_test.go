package bench

import (
	"testing"

	"github.com/sandbug/sandbug/gdbmi"
)

// parseLines is the parser corpus both libraries are given line by line: every record of the
// recorded MI4 transcripts (result records included, prompts left out because cyrus-and/gdb
// skips them before its parser), with its size in bytes.
func parseLines(b *testing.B) ([][]byte, int64) {
	b.Helper()
	var lines [][]byte
	var size int64
	for _, l := range mi4Lines(b) {
		r, err := gdbmi.Parse(l)
		if err != nil || r.Kind == gdbmi.Prompt {
			continue
		}
		lines = append(lines, l)
		size += int64(len(l)) + 1
	}
	return lines, size
}

// BenchmarkParseLinesSandbug: gdbmi.Parse over parseLines, one pass per iteration.
func BenchmarkParseLinesSandbug(b *testing.B) {
	lines, size := parseLines(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			if _, err := gdbmi.Parse(l); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParseStoppedSandbug: gdbmi.Parse of one typical *stopped record.
func BenchmarkParseStoppedSandbug(b *testing.B) {
	line := []byte(typicalStopped)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gdbmi.Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}
