package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/gdbmi"
)

// corpus is a fake gdb's output and the number of records a client must deliver for it.
type corpus struct {
	gdb     string // executable script that writes the corpus and exits
	bytes   int64
	records int // lines that are not prompts
}

// pipelineCorpus builds the shared corpus from the recorded mi4 transcripts: the lines every
// client can take (async and stream records and prompts; result records are left out because a
// client only accepts the ones it has asked for, and lines over 64 KiB because cyrus-and/gdb's
// bufio.Scanner panics on them), repeated to about size bytes.
func pipelineCorpus(b *testing.B, size int) corpus {
	b.Helper()
	var unit bytes.Buffer
	records := 0
	for _, l := range mi4Lines(b) {
		r, err := gdbmi.Parse(l)
		if err != nil || r.Kind == gdbmi.ResultRecord || len(l) > 60<<10 {
			continue
		}
		unit.Write(l)
		unit.WriteByte('\n')
		if r.Kind != gdbmi.Prompt {
			records++
		}
	}
	return writeCorpus(b, unit.Bytes(), records, size)
}

// mi4Lines is every line of the recorded transcripts except the MI2/MI3 ones, whose forms
// (script={..}, bkpt={..},{..}) are outside the grammar cyrus-and/gdb implements: the
// comparison keeps to what both accept.
func mi4Lines(b *testing.B) [][]byte {
	b.Helper()
	files, err := filepath.Glob(filepath.Join("..", "gdbmi", "testdata", "transcripts", "*.mi"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no transcripts: %v", err)
	}
	var lines [][]byte
	for _, f := range files {
		if strings.HasSuffix(f, "-mi2.mi") || strings.HasSuffix(f, "-mi3.mi") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		lines = append(lines, bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))...)
	}
	return lines
}

// stoppedCorpus is n copies of one typical *stopped record after a prompt.
func stoppedCorpus(b *testing.B, n int) corpus {
	b.Helper()
	return writeCorpus(b, []byte(typicalStopped+"\n"), 1, n*(len(typicalStopped)+1))
}

func writeCorpus(b *testing.B, unit []byte, records, size int) corpus {
	reps := max(1, size/len(unit))
	var all bytes.Buffer
	all.WriteString("(gdb) \n") // gdbmi.Start waits for a first prompt
	for range reps {
		all.Write(unit)
	}
	dir := b.TempDir()
	data := filepath.Join(dir, "corpus.mi")
	if err := os.WriteFile(data, all.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	script := filepath.Join(dir, "fakegdb")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec cat '"+data+"'\n"), 0o755); err != nil {
		b.Fatal(err)
	}
	return corpus{gdb: script, bytes: int64(all.Len()), records: records * reps}
}

const typicalStopped = `*stopped,reason="breakpoint-hit",disp="keep",bkptno="1",frame={addr="0x0000555555555153",func="add",args=[{name="a",value="3"},{name="b",value="4"}],file="/tmp/sandbug-testbin-316966787/c-hello/hello.c",fullname="/tmp/sandbug-testbin-316966787/c-hello/hello.c",line="4",arch="i386:x86-64"},thread-id="1",stopped-threads="all",core="1"`

// runSandbug starts gdbmi.Conn on the fake gdb and drains Events until it closes.
func runSandbug(b *testing.B, c corpus) {
	conn, err := gdbmi.Start(context.Background(), gdbmi.Options{GDB: c.gdb, Interpreter: "mi4"})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for r := range conn.Events() {
		if r.Kind == gdbmi.RawLine {
			b.Fatalf("unparsed line: %q", r.Stream)
		}
		n++
	}
	conn.Close()
	if n != c.records {
		b.Fatalf("sandbug delivered %d records, want %d", n, c.records)
	}
}

// BenchmarkPipelineSandbug: the recorded corpus (about 8 MB) through gdbmi.Conn.
func BenchmarkPipelineSandbug(b *testing.B) {
	c := pipelineCorpus(b, 8<<20)
	b.SetBytes(c.bytes)
	for b.Loop() {
		runSandbug(b, c)
	}
}

// BenchmarkStoppedSandbug: 20000 *stopped records through gdbmi.Conn; see ns/record.
func BenchmarkStoppedSandbug(b *testing.B) {
	c := stoppedCorpus(b, 20000)
	b.SetBytes(c.bytes)
	for b.Loop() {
		runSandbug(b, c)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.records), "ns/record")
}
