package tui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/launcher"
)

// TestBenchTUI measures the TUI against gdb side by side (docs/bench/tui.md). It runs only
// with SANDBUG_BENCH=1 (scripts/bench-tui.sh): it takes about a minute and wants a quiet machine.
func TestBenchTUI(t *testing.T) {
	if os.Getenv("SANDBUG_BENCH") == "" {
		t.Skip("benchmark: set SANDBUG_BENCH=1 (scripts/bench-tui.sh)")
	}
	gdb := testbin.NeedTool(t, "gdb")
	sb := testbin.Sandbug(t)
	steps := testbin.CompileC(t, "benchsteps", benchStepsSrc)
	flood := testbin.CompileC(t, "benchflood", benchFloodSrc)
	rounds := 30
	if v, err := strconv.Atoi(os.Getenv("SANDBUG_BENCH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	var out strings.Builder
	fmt.Fprintf(&out, "| measure | sandbug TUI | baseline | ratio / difference |\n|---|---|---|---|\n")

	// 1. First frame: the TUI showing the program stopped at main, against gdb running the same
	// binary to a breakpoint at main over MI.
	var tuiFirst, gdbFirst []time.Duration
	for i := 0; i < 5; i++ {
		tuiFirst = append(tuiFirst, firstFrame(t, sb, steps))
		gdbFirst = append(gdbFirst, gdbToMain(t, gdb, steps))
	}
	tf, gf := median(tuiFirst), median(gdbFirst)
	fmt.Fprintf(&out, "| first frame, stopped at main (median of 5) | %v | gdb -i=mi3 to main: %v | %.2fx, +%v |\n",
		tf.Round(time.Millisecond), gf.Round(time.Millisecond), ratio(tf, gf), (tf - gf).Round(time.Millisecond))

	// 2. F10: key press to the last byte of the updated frame, against gdb's own -exec-next.
	tuiNext := nextLatency(t, sb, steps, rounds)
	gdbNext := gdbNextLatency(t, gdb, steps, rounds)
	lnStop, lnAll := launcherNextLatency(t, testbin.Wrapper(t), steps, rounds)
	tn, gn := median(tuiNext), median(gdbNext)
	fmt.Fprintf(&out, "| F10 to the new line shown (median of %d) | %v | gdb -exec-next: %v | +%v |\n",
		rounds, median(firstShown).Round(100*time.Microsecond), gn.Round(100*time.Microsecond),
		(median(firstShown) - gn).Round(100*time.Microsecond))
	fmt.Fprintf(&out, "| a key with no gdb work (g opens a prompt), median of %d | %v | | the UI's floor |\n",
		rounds, median(uiFloor).Round(100*time.Microsecond))
	fmt.Fprintf(&out, "| launcher alone: Next to its Stopped event / plus Stack and Locals (median of %d) | | %v / %v | TUI adds %v / %v |\n",
		rounds, median(lnStop).Round(100*time.Microsecond), median(lnAll).Round(100*time.Microsecond),
		(median(firstShown) - median(lnStop)).Round(100*time.Microsecond), (tn - median(lnAll)).Round(100*time.Microsecond))
	fmt.Fprintf(&out, "| F10 to the whole frame updated: locals, stack (median of %d) | %v (p90 %v) | gdb -exec-next: %v | +%v |\n",
		rounds, tn.Round(100*time.Microsecond), pct(tuiNext, 90).Round(100*time.Microsecond),
		gn.Round(100*time.Microsecond), (tn - gn).Round(100*time.Microsecond))

	// 3. A program printing 1 GB: the TUI's RSS and how fast a key answers meanwhile; baseline:
	// the same program writing to /dev/null.
	rss, keys, dur := floodRun(t, sb, flood)
	direct := directRun(t, flood)
	fmt.Fprintf(&out, "| 1 GB printed: max RSS of sandbug | %.1f MB | | limit 200 MB |\n", float64(rss)/(1<<20))
	if len(keys) > 0 {
		fmt.Fprintf(&out, "| 1 GB printed: key (F1) to help card, %d presses | median %v, max %v | | limit 100 ms |\n",
			len(keys), median(keys).Round(time.Millisecond), maxDur(keys).Round(time.Millisecond))
	}
	fmt.Fprintf(&out, "| 1 GB printed: wall time | %v | direct to /dev/null: %v | %.2fx |\n",
		dur.Round(10*time.Millisecond), direct.Round(10*time.Millisecond), ratio(dur, direct))

	// 4. Idle CPU: the program stopped at main for 5 s.
	cpu := idleCPU(t, sb, steps, 5*time.Second)
	fmt.Fprintf(&out, "| idle CPU, program stopped, 5 s (sandbug + gdb) | %.2f%% of one core | | near 0 |\n", cpu)

	// The same figures on one machine-readable line (value unit pairs, as in a Go benchmark
	// line) for scripts/bench.sh's summary table.
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	fmt.Fprintf(&out, "\nmetrics TUI %.2f first-frame-ms %.2f gdb-to-main-ms %.2f next-ms %.2f gdb-next-ms %.2f ui-floor-ms %.2f flood-rss-MB %.2f idle-cpu-%%",
		ms(tf), ms(gf), ms(tn), ms(gn), ms(median(uiFloor)), float64(rss)/(1<<20), cpu)
	if len(keys) > 0 {
		fmt.Fprintf(&out, " %d flood-keys %.2f flood-key-median-ms %.2f flood-key-max-ms", len(keys), ms(median(keys)), ms(maxDur(keys)))
	}
	fmt.Fprintln(&out)

	t.Logf("\n%s", out.String())
	if p := os.Getenv("SANDBUG_BENCH_OUT"); p != "" {
		if err := os.WriteFile(p, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const benchStepsSrc = `#include <stdio.h>
int main(void) {
	long x = 0, y = 0;
	for (long i = 0; i < 100000000; i++) {
		x += i;
		y += x;
	}
	printf("%ld\n", y);
	return 0;
}
`

const benchFloodSrc = `#include <stdio.h>
#include <string.h>
int main(void) {
	static char buf[1 << 16];
	for (size_t i = 0; i < sizeof buf; i++) buf[i] = (i % 80 == 79) ? '\n' : 'a' + i % 26;
	for (int i = 0; i < (1 << 14); i++) fwrite(buf, 1, sizeof buf, stdout); /* 1 GiB */
	printf("END OF FLOOD\n");
	return 0;
}
`

// screen runs sandbug in a pty and keeps an emulated copy of its screen.
type screen struct {
	t     *testing.T
	cmd   *exec.Cmd
	pty   *os.File
	mu    sync.Mutex
	emu   *vt.SafeEmulator
	last  time.Time // when the last output arrived
	hits  []hit
	done  chan struct{}
	bytes int64
}

type hit struct {
	ok func(string) bool
	ch chan time.Time
}

func startScreen(t *testing.T, args ...string) *screen {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	s := &screen{t: t, cmd: cmd, pty: f, emu: vt.NewSafeEmulator(120, 40), done: make(chan struct{})}
	go io.Copy(f, s.emu) // the emulator's replies to terminal queries
	// The reader only timestamps and hands bytes on: parsing (slow) must not delay the next read.
	type chunk struct {
		at time.Time
		b  []byte
	}
	chunks := make(chan chunk, 4096)
	go func() {
		defer close(chunks)
		for {
			b := make([]byte, 64<<10)
			n, err := f.Read(b)
			if n > 0 {
				now := time.Now()
				s.mu.Lock()
				s.last = now
				s.bytes += int64(n)
				s.mu.Unlock()
				chunks <- chunk{now, b[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		defer close(s.done)
		for c := range chunks {
			s.emu.Write(c.b)
			s.mu.Lock()
			text := s.emu.String()
			keep := s.hits[:0]
			for _, h := range s.hits {
				if h.ok(text) {
					h.ch <- c.at
				} else {
					keep = append(keep, h)
				}
			}
			s.hits = keep
			s.mu.Unlock()
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *screen) close() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.pty.Close()
	<-s.done
}

// await returns when the screen matches re (or fails after d): the time the matching output
// arrived.
func (s *screen) await(re string, d time.Duration) time.Time {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	return s.awaitFn(rx.MatchString, re, d)
}

// awaitFn returns when ok accepts the screen text (or fails after d).
func (s *screen) awaitFn(ok func(string) bool, what string, d time.Duration) time.Time {
	s.t.Helper()
	h := hit{ok, make(chan time.Time, 1)}
	s.mu.Lock()
	if h.ok(s.emu.String()) {
		s.mu.Unlock()
		return time.Now()
	}
	s.hits = append(s.hits, h)
	s.mu.Unlock()
	select {
	case at := <-h.ch:
		return at
	case <-time.After(d):
		s.t.Fatalf("screen never matched %q:\n%s", what, s.emu.String())
	}
	return time.Time{}
}

// quiet waits until no output came for q and returns when the last output arrived.
func (s *screen) quiet(q time.Duration) time.Time {
	for {
		time.Sleep(q / 4)
		s.mu.Lock()
		last := s.last
		s.mu.Unlock()
		if time.Since(last) >= q {
			return last
		}
	}
}

func (s *screen) send(b string) {
	if _, err := s.pty.Write([]byte(b)); err != nil {
		s.t.Fatal(err)
	}
}

const (
	keyF1  = "\x1bOP"
	keyF5  = "\x1b[15~"
	keyF10 = "\x1b[21~"
	keyEsc = "\x1b"
	keyCtR = "\x12"
)

func firstFrame(t *testing.T, sb, prog string) time.Duration {
	start := time.Now()
	s := startScreen(t, sb, prog)
	at := s.await(`stopped .* in main\(\)`, 30*time.Second)
	s.close()
	return at.Sub(start)
}

// uiFloor collects how long a key takes to show when it needs no session call.
var uiFloor []time.Duration

// firstShown collects, for each F10, when the new line first showed (status bar and arrow).
var firstShown []time.Duration

func nextLatency(t *testing.T, sb, prog string, n int) []time.Duration {
	s := startScreen(t, sb, prog)
	s.await(`stopped .* in main\(\)`, 30*time.Second)
	s.quiet(300 * time.Millisecond)
	lineRE := regexp.MustCompile(`(?:stepped to|stopped .* at) \S+:(\d+)`)
	lineOf := func(text string) string {
		if m := lineRE.FindStringSubmatch(text); m != nil {
			return m[1]
		}
		return ""
	}
	// The UI's own floor: a key that only opens a prompt (no session call).
	for i := 0; i < n; i++ {
		t0 := time.Now()
		s.send("g")
		at := s.await(`go to line:`, 5*time.Second)
		uiFloor = append(uiFloor, at.Sub(t0))
		s.send(keyEsc)
		s.awaitFn(func(text string) bool { return !strings.Contains(text, "go to line:") }, "prompt closed", 5*time.Second)
		s.quiet(50 * time.Millisecond)
	}
	s.mu.Lock()
	cur := lineOf(s.emu.String())
	s.mu.Unlock()
	var out []time.Duration
	for i := 0; i < n; i++ {
		prev := cur
		t0 := time.Now()
		s.send(keyF10)
		at := s.awaitFn(func(text string) bool {
			l := lineOf(text)
			if l != "" && l != prev {
				cur = l
				return true
			}
			return false
		}, "a new line after F10", 10*time.Second)
		last := s.quiet(150 * time.Millisecond) // locals and stack arrive after the stop
		out = append(out, last.Sub(t0))
		firstShown = append(firstShown, at.Sub(t0))
	}
	return out
}

// launcherNextLatency times the launcher's own Next (to its Stopped event) and Next plus the
// Stack and Locals queries the TUI makes after each stop: what the TUI builds on.
func launcherNextLatency(t *testing.T, wrapperPath, prog string, n int) (stop, all []time.Duration) {
	s, err := launcher.StartDebug(context.Background(), launcher.Config{Program: prog, WrapperPath: wrapperPath, StopAtBlocked: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stopped := make(chan struct{}, 16)
	go func() {
		for ev := range s.Events() {
			if st, ok := ev.(launcher.StateEvent); ok && st.State == launcher.Stopped {
				stopped <- struct{}{}
			}
		}
	}()
	<-stopped
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := s.Next(); err != nil {
			t.Fatal(err)
		}
		<-stopped
		stop = append(stop, time.Since(t0))
		if _, err := s.Stack(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Locals(0); err != nil {
			t.Fatal(err)
		}
		all = append(all, time.Since(t0))
	}
	return stop, all
}

// gdbMI is a bare gdb/MI session over pipes, the baseline.
type gdbMI struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startGDB(t *testing.T, gdb, prog string) *gdbMI {
	cmd := exec.Command(gdb, "-nx", "-q", "--interpreter=mi3", prog)
	in, _ := cmd.StdinPipe()
	outp, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	g := &gdbMI{cmd: cmd, in: in, out: bufio.NewReaderSize(outp, 1<<20)}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return g
}

// until sends cmd and reads until a line starting with prefix.
func (g *gdbMI) until(t *testing.T, cmd, prefix string) {
	if cmd != "" {
		fmt.Fprintln(g.in, cmd)
	}
	for {
		l, err := g.out.ReadString('\n')
		if err != nil {
			t.Fatalf("gdb: %v", err)
		}
		if strings.HasPrefix(l, prefix) {
			return
		}
	}
}

func gdbToMain(t *testing.T, gdb, prog string) time.Duration {
	start := time.Now()
	g := startGDB(t, gdb, prog)
	g.until(t, "-break-insert main", "^done")
	g.until(t, "-exec-run", "*stopped")
	d := time.Since(start)
	g.cmd.Process.Kill()
	return d
}

func gdbNextLatency(t *testing.T, gdb, prog string, n int) []time.Duration {
	g := startGDB(t, gdb, prog)
	g.until(t, "-gdb-set mi-async on", "^done")
	g.until(t, "-break-insert main", "^done")
	g.until(t, "-exec-run", "*stopped")
	var out []time.Duration
	for i := 0; i < n; i++ {
		t0 := time.Now()
		g.until(t, "-exec-next", "*stopped")
		out = append(out, time.Since(t0))
	}
	return out
}

func floodRun(t *testing.T, sb, prog string) (maxRSS int64, keys []time.Duration, dur time.Duration) {
	s := startScreen(t, sb, prog)
	s.await(`stopped .* in main\(\)`, 30*time.Second)
	start := time.Now()
	s.send(keyCtR)
	s.await(`[│┃]abcdefghij`, 30*time.Second) // in the Program pane (heavy border when focused), not the source
	end := make(chan struct{})
	go func() {
		s.await(`[^"]END OF FLOOD`, 10*time.Minute) // the output, not the source
		close(end)
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	lastKey := time.Now()
	for {
		select {
		case <-end:
			dur = time.Since(start)
			return maxRSS, keys, dur
		case <-tick.C:
			if r := rssOf(s.cmd.Process.Pid); r > maxRSS {
				maxRSS = r
			}
			if time.Since(lastKey) > 2*time.Second {
				t0 := time.Now()
				s.send(keyF1)
				at := s.await(`Esc closes`, 10*time.Second)
				keys = append(keys, at.Sub(t0))
				s.send(keyEsc)
				lastKey = time.Now()
			}
		}
	}
}

func directRun(t *testing.T, prog string) time.Duration {
	cmd := exec.Command(prog)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

func idleCPU(t *testing.T, sb, prog string, d time.Duration) float64 {
	s := startScreen(t, sb, prog)
	s.await(`stopped .* in main\(\)`, 30*time.Second)
	s.quiet(500 * time.Millisecond)
	pids := treeOf(s.cmd.Process.Pid)
	before := cpuTicks(pids)
	time.Sleep(d)
	after := cpuTicks(pids)
	const hz = 100 // USER_HZ
	return float64(after-before) / hz / d.Seconds() * 100
}

func rssOf(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// treeOf returns pid and its descendants.
func treeOf(root int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		f := strings.Fields(s[i+1:])
		if len(f) > 2 {
			pp, _ := strconv.Atoi(f[1])
			children[pp] = append(children[pp], pid)
		}
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// cpuTicks sums utime+stime of the pids.
func cpuTicks(pids []int) int64 {
	var sum int64
	for _, p := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		f := strings.Fields(s[i+1:])
		if len(f) > 13 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			sum += u + st
		}
	}
	return sum
}

func median(ds []time.Duration) time.Duration { return pct(ds, 50) }

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)*p/100]
}

func maxDur(ds []time.Duration) time.Duration { return pct(ds, 100) }

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
