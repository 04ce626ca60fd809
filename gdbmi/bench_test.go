package gdbmi

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
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

// cpuTime is the CPU time this process has used (all threads: the GC's work counts too). The
// benchmarks report it beside wall time because the shared machines they run on are loaded.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op and, when bytes > 0, cpu-MB/s.
func reportCPU(b *testing.B, start time.Duration, bytes int64) {
	d := cpuTime() - start
	b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	if bytes > 0 && d > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/d.Seconds()/1e6, "cpu-MB/s")
	}
}

func benchLines(b *testing.B, lines [][]byte, n int64) {
	b.SetBytes(n)
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		for _, l := range lines {
			if _, err := Parse(l); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPU(b, c0, n)
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
	c0 := cpuTime()
	for b.Loop() {
		if _, err := Parse(line); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0, 0)
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

// roundTripCmd is the command both round-trip benchmarks send: cheap for gdb, so the client's
// own overhead shows.
const roundTripCmd = "-data-evaluate-expression"

// BenchmarkRoundTripConn sends one command through Conn and waits for its parsed result.
func BenchmarkRoundTripConn(b *testing.B) {
	testbin.NeedTool(b, "gdb")
	c, err := Start(context.Background(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		r, err := c.Exec(ctx, roundTripCmd, "1+2")
		if err != nil || r.Get("value").String() != "3" {
			b.Fatal(r, err)
		}
	}
	reportCPU(b, c0, 0) // this process only: the client's CPU per round trip, gdb's excluded
}

// rawGDB is the baseline client: gdb started the same way through plain pipes, a command
// written with a token, lines read until the result with that token, nothing parsed.
type rawGDB struct {
	cmd        *exec.Cmd
	in         io.WriteCloser
	br         *bufio.Reader
	tok        int64
	line, want []byte
}

func startRaw(tb testing.TB) *rawGDB {
	gdb := testbin.NeedTool(tb, "gdb")
	cmd := exec.Command(gdb, "-nx", "-q", "--interpreter=mi4")
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "SHELL=/bin/sh")
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	g := &rawGDB{cmd: cmd, in: in, br: bufio.NewReaderSize(out, 64<<10)}
	for {
		l, err := g.br.ReadSlice('\n')
		if err != nil {
			tb.Fatal(err)
		}
		if bytes.HasPrefix(l, []byte("(gdb)")) {
			return g
		}
	}
}

func (g *rawGDB) roundTrip(tb testing.TB, cmdline string) {
	g.tok++
	g.line = strconv.AppendInt(g.line[:0], g.tok, 10)
	g.line = append(g.line, cmdline...)
	g.line = append(g.line, '\n')
	if _, err := g.in.Write(g.line); err != nil {
		tb.Fatal(err)
	}
	g.want = append(strconv.AppendInt(g.want[:0], g.tok, 10), '^')
	for {
		l, err := g.br.ReadSlice('\n')
		if err != nil {
			tb.Fatal(err)
		}
		if bytes.HasPrefix(l, g.want) {
			return
		}
	}
}

func (g *rawGDB) close() {
	g.in.Close()
	g.cmd.Wait()
}

// BenchmarkRoundTripRaw is the baseline of BenchmarkRoundTripConn.
func BenchmarkRoundTripRaw(b *testing.B) {
	g := startRaw(b)
	defer g.close()
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		g.roundTrip(b, roundTripCmd+" 1+2")
	}
	reportCPU(b, c0, 0)
}

// BenchmarkRoundTripPaired runs Conn and raw round trips in alternating blocks of
// pairedBlock, so both see the same machine load, and reports each one's mean and Conn's
// overhead, and the same from the medians of the per-round-trip times (the medians shrug off
// the preemptions a loaded machine scatters over both sides). Each iteration is one round
// trip, of one client or the other.
//
// Blocks, not single alternation: what a client does after its call returned (Conn's reader
// still takes gdb's "(gdb)" prompt line, which the raw client leaves in the pipe for its next
// read) slows down the round trip that follows. Alternating single calls charged half of that
// to the raw client; in blocks, only the first call of each block pays for the other client.
func BenchmarkRoundTripPaired(b *testing.B) {
	c, err := Start(context.Background(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	g := startRaw(b)
	defer g.close()
	ctx := context.Background()
	var tConn, tRaw time.Duration
	var dConn, dRaw []time.Duration
	i := 0
	for b.Loop() {
		t0 := time.Now()
		if (i/pairedBlock)%2 == 0 {
			if _, err := c.Exec(ctx, roundTripCmd, "1+2"); err != nil {
				b.Fatal(err)
			}
			d := time.Since(t0)
			tConn += d
			dConn = append(dConn, d)
		} else {
			g.roundTrip(b, roundTripCmd+" 1+2")
			d := time.Since(t0)
			tRaw += d
			dRaw = append(dRaw, d)
		}
		i++
	}
	if len(dConn) == 0 || len(dRaw) == 0 {
		return // the calibration run of b.Loop
	}
	mConn, mRaw := median(dConn), median(dRaw)
	aConn, aRaw := tConn/time.Duration(len(dConn)), tRaw/time.Duration(len(dRaw))
	b.ReportMetric(float64(aConn.Nanoseconds()), "conn-ns/rt")
	b.ReportMetric(float64(aRaw.Nanoseconds()), "raw-ns/rt")
	b.ReportMetric(100*(float64(aConn)/float64(aRaw)-1), "overhead-%")
	b.ReportMetric(float64(mConn.Nanoseconds()), "conn-med-ns")
	b.ReportMetric(float64(mRaw.Nanoseconds()), "raw-med-ns")
	b.ReportMetric(100*(float64(mConn)/float64(mRaw)-1), "med-overhead-%")
}

// pairedBlock is how many round trips of one client BenchmarkRoundTripPaired makes in a row.
const pairedBlock = 16

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[len(d)/2]
}
