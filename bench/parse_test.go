package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/gdbmi"
)

// parseLines is the parser corpus both libraries are given line by line: every record of the
// recorded MI4 transcripts (result records included, prompts left out because cyrus-and/gdb
// skips them before its parser), with its size in bytes. MI2/MI3 transcripts are left out
// for the same reason as in pipelineCorpus.
func parseLines(b *testing.B) ([][]byte, int64) {
	b.Helper()
	files, err := filepath.Glob(filepath.Join("..", "gdbmi", "testdata", "transcripts", "*.mi"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no transcripts: %v", err)
	}
	var lines [][]byte
	var size int64
	for _, f := range files {
		if strings.HasSuffix(f, "-mi2.mi") || strings.HasSuffix(f, "-mi3.mi") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
			r, err := gdbmi.Parse(l)
			if err != nil || r.Kind == gdbmi.Prompt {
				continue
			}
			lines = append(lines, l)
			size += int64(len(l)) + 1
		}
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
