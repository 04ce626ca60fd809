package gdbmi

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusLines returns every line gdb wrote in the recorded transcripts; big selects the
// -symbol-info-functions transcript (one 1.2 MB line) or everything else.
func corpusLines(tb testing.TB, big bool) ([][]byte, int64) {
	tb.Helper()
	var lines [][]byte
	var n int64
	for _, f := range transcriptFiles(tb) {
		if strings.HasPrefix(filepath.Base(f), "symbols") != big {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, l := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
			lines = append(lines, l)
			n += int64(len(l)) + 1
		}
	}
	return lines, n
}

// typicalStopped is a breakpoint-hit *stopped record as gdb 13 prints it (from the corpus).
const typicalStopped = `*stopped,reason="breakpoint-hit",disp="keep",bkptno="1",frame={addr="0x0000555555555153",func="add",args=[{name="a",value="3"},{name="b",value="4"}],file="/tmp/sandbug-testbin-316966787/c-hello/hello.c",fullname="/tmp/sandbug-testbin-316966787/c-hello/hello.c",line="4",arch="i386:x86-64"},thread-id="1",stopped-threads="all",core="1"`

func benchLines(b *testing.B, lines [][]byte, n int64) {
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			if _, err := Parse(l); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParseCorpus parses every recorded line except the one huge symbol table.
func BenchmarkParseCorpus(b *testing.B) {
	lines, n := corpusLines(b, false)
	benchLines(b, lines, n)
}

// BenchmarkParseCorpusHuge parses the 1.2 MB -symbol-info-functions transcript.
func BenchmarkParseCorpusHuge(b *testing.B) {
	lines, n := corpusLines(b, true)
	benchLines(b, lines, n)
}

// BenchmarkParseStopped parses one typical *stopped record.
func BenchmarkParseStopped(b *testing.B) {
	line := []byte(typicalStopped)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseStoppedView parses a *stopped record and builds its StopEvent.
func BenchmarkParseStoppedView(b *testing.B) {
	line := []byte(typicalStopped)
	b.ReportAllocs()
	for b.Loop() {
		r, err := Parse(line)
		if err != nil {
			b.Fatal(err)
		}
		if st, ok := ParseStop(r); !ok || st.Frame.Line != 4 {
			b.Fatal("bad stop")
		}
	}
}
