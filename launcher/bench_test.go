package launcher

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// srcSteps has a loop whose body is one line per step: 200 `next`s stay inside it.
const srcSteps = `#include <stdio.h>
int main(void) {
	volatile int x = 0;
	for (int i = 0; i < 100000; i++)
		x += i;
	printf("%d\n", x);
	return 0;
}
`

const nextSteps = 200

// BenchmarkNext200 times `next` steps through a debug session (Next, then the Stopped state
// event) and the same MI command written to a second gdb directly through pipes (same init
// sequence, same exec-wrapper, reading until each *stopped). Each iteration does 200 steps of
// each, alternating blocks of 10 so that machine load hits both alike, and the figures are the
// medians of the per-step latencies (robust on a loaded machine), scaled to 200 steps.
func BenchmarkNext200(b *testing.B) {
	benchSteps(b, func(*sessionStepper) {}, func(*directStepper) {})
}

// BenchmarkStepInspect200 is what a user waits for on each F10 in the TUI, without the UI:
// `next`, its Stopped event, then the stack and the locals (-stack-list-frames,
// -stack-list-variables), 200 times, against the same MI commands on a second gdb through raw
// pipes, measured as BenchmarkNext200 is. Issue 17 item 5 ran it on gdbmi with and without its
// reading baton and eventfd bells.
func BenchmarkStepInspect200(b *testing.B) {
	benchSteps(b, func(st *sessionStepper) {
		if _, err := st.s.Stack(); err != nil {
			b.Fatal(err)
		}
		if _, err := st.s.Locals(0); err != nil {
			b.Fatal(err)
		}
	}, func(d *directStepper) {
		d.send("-stack-list-frames --thread 1 0 999")
		d.waitFor(strconv.Itoa(d.tok) + "^")
		d.send("-stack-list-variables --thread 1 --frame 0 --simple-values")
		d.waitFor(strconv.Itoa(d.tok) + "^")
	})
}

// benchSteps times nextSteps steps through a session and through raw MI, each followed by
// afterSession or afterDirect, in alternating blocks of 10; it reports the medians of the
// per-step latencies scaled to nextSteps, and their ratio.
func benchSteps(b *testing.B, afterSession func(*sessionStepper), afterDirect func(*directStepper)) {
	prog := testbin.CompileC(b, "steps", srcSteps)
	testbin.NeedTool(b, "gdb")
	sessionSteps := newSessionStepper(b, prog)
	defer sessionSteps.close()
	directSteps := newDirectStepper(b, prog)
	defer directSteps.close()
	var ts, td []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for blk := 0; blk < nextSteps/10; blk++ {
			for j := 0; j < 10; j++ {
				t0 := time.Now()
				sessionSteps.step()
				afterSession(sessionSteps)
				ts = append(ts, time.Since(t0))
			}
			for j := 0; j < 10; j++ {
				t0 := time.Now()
				directSteps.step()
				afterDirect(directSteps)
				td = append(td, time.Since(t0))
			}
		}
	}
	ms, md := median(ts), median(td)
	b.ReportMetric(float64((ms*nextSteps).Microseconds())/1000, "ms-session/200")
	b.ReportMetric(float64((md*nextSteps).Microseconds())/1000, "ms-direct/200")
	b.ReportMetric(float64(ms)/float64(md), "session/direct")
}

func median(d []time.Duration) time.Duration {
	c := append([]time.Duration(nil), d...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	return c[len(c)/2]
}

type sessionStepper struct {
	b *testing.B
	s *Session
}

func newSessionStepper(b *testing.B, prog string) *sessionStepper {
	cfg := Config{Program: prog, WrapperPath: testbin.Wrapper(b), StopAtBlocked: true, Dir: b.TempDir()}
	s, err := StartDebug(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	st := &sessionStepper{b: b, s: s}
	st.wait()
	return st
}

func (st *sessionStepper) wait() {
	for e := range st.s.Events() {
		if x, ok := e.(StateEvent); ok && x.State == Stopped {
			return
		}
		if _, ok := e.(ExitEvent); ok {
			st.b.Fatal("program exited")
		}
	}
	st.b.Fatal("events closed")
}

func (st *sessionStepper) step() {
	if err := st.s.Next(); err != nil {
		st.b.Fatal(err)
	}
	st.wait()
}

func (st *sessionStepper) close() { st.s.Close() }

type directStepper struct {
	b     *testing.B
	cmd   *exec.Cmd
	in    io.WriteCloser
	r     *bufio.Reader
	m, sl *os.File
	tok   int
}

func newDirectStepper(b *testing.B, prog string) *directStepper {
	d := &directStepper{b: b}
	d.cmd = exec.Command("gdb", "-nx", "-q", "--interpreter=mi4")
	d.cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "SHELL=/bin/sh")
	d.in, _ = d.cmd.StdinPipe()
	out, _ := d.cmd.StdoutPipe()
	if err := d.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	var err error
	if d.m, d.sl, err = openPTY(24, 80); err != nil {
		b.Fatal(err)
	}
	go io.Copy(io.Discard, d.m)
	d.r = bufio.NewReaderSize(out, 1<<20)
	for _, c := range []string{"-gdb-set mi-async on", "-gdb-set startup-with-shell on", "-gdb-set pagination off",
		"-gdb-set confirm off", "-gdb-set width 0", "-gdb-set height 0", "-gdb-set style enabled off",
		`-interpreter-exec console "set exec-wrapper ` + testbin.Wrapper(b) + ` --profile default --"`,
		"-inferior-tty-set " + d.sl.Name(), "-file-exec-and-symbols " + prog} {
		d.send(c)
		d.waitFor(strconv.Itoa(d.tok) + "^")
	}
	d.send("-exec-run --start")
	d.waitFor("*stopped")
	return d
}

func (d *directStepper) send(line string) {
	d.tok++
	fmt.Fprintf(d.in, "%d%s\n", d.tok, line)
}

func (d *directStepper) waitFor(prefix string) {
	for {
		l, err := d.r.ReadString('\n')
		if err != nil {
			d.b.Fatal(err)
		}
		if strings.HasPrefix(l, prefix) {
			return
		}
	}
}

func (d *directStepper) step() {
	d.send("-exec-next --thread 1")
	d.waitFor("*stopped")
}

func (d *directStepper) close() {
	d.in.Close()
	d.cmd.Process.Kill()
	d.cmd.Wait()
	d.m.Close()
	d.sl.Close()
}

// srcFlood writes argv[1] bytes to stdout in 64 KiB writes.
const srcFlood = `#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
	long n = atol(argv[1]);
	static char buf[65536];
	memset(buf, 'x', sizeof buf);
	while (n > 0) { ssize_t w = write(1, buf, n < (long)sizeof buf ? n : (long)sizeof buf); if (w <= 0) return 1; n -= w; }
	return 0;
}
`

// BenchmarkOutputPipeSession: 256 MB through a run session's IOPipe (every byte an OutputEvent),
// against the same program writing to /dev/null directly (BenchmarkOutputDirect).
func BenchmarkOutputPipeSession(b *testing.B) { benchSessionOutput(b, IOPipe, 256<<20) }

// BenchmarkOutputDirect: the same program writing to a pipe read by this process, no sandbox.
func BenchmarkOutputDirect(b *testing.B) {
	benchDirectOutput(b, 256<<20, func(cmd *exec.Cmd) (io.Reader, func()) {
		out, _ := cmd.StdoutPipe()
		cmd.Start()
		return out, func() {}
	})
}

// BenchmarkOutputPTYSession: 64 MB through a run session's pty (IOPty: the TUI's "run without
// debugging" and `sandbug run` on a terminal), every byte an OutputEvent.
func BenchmarkOutputPTYSession(b *testing.B) { benchSessionOutput(b, IOPty, 64<<20) }

// BenchmarkOutputPTYDirect: the same program on a pty read directly by this process.
func BenchmarkOutputPTYDirect(b *testing.B) {
	benchDirectOutput(b, 64<<20, func(cmd *exec.Cmd) (io.Reader, func()) {
		m, sl, err := openPTY(24, 80)
		if err != nil {
			b.Fatal(err)
		}
		cmd.Stdout = sl
		cmd.Start()
		sl.Close()
		return m, func() { m.Close() }
	})
}

// benchSessionOutput runs the flood program through a run session with the given IO, n bytes
// an iteration, and checks every byte arrived as OutputEvents.
func benchSessionOutput(b *testing.B, mode IOMode, n int) {
	prog := testbin.CompileC(b, "flood", srcFlood)
	b.SetBytes(int64(n))
	for i := 0; i < b.N; i++ {
		cfg := Config{Program: prog, Args: []string{strconv.Itoa(n)}, WrapperPath: testbin.Wrapper(b), IO: mode}
		s, err := StartRun(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for e := range s.Events() {
			if o, ok := e.(OutputEvent); ok {
				got += len(o.Data)
			}
		}
		s.Close()
		if got != n {
			b.Fatalf("got %d bytes", got)
		}
	}
}

// benchDirectOutput runs the flood program without sandbug, n bytes an iteration: start
// starts it and returns what to read its output from and what to close after it ended.
func benchDirectOutput(b *testing.B, n int, start func(*exec.Cmd) (io.Reader, func())) {
	prog := testbin.CompileC(b, "flood", srcFlood)
	b.SetBytes(int64(n))
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(prog, strconv.Itoa(n))
		r, done := start(cmd)
		buf := make([]byte, 64<<10)
		got := 0
		for {
			k, err := r.Read(buf)
			got += k
			if err != nil {
				break
			}
		}
		cmd.Wait()
		done()
		if got != n {
			b.Fatalf("got %d", got)
		}
	}
}

// BenchmarkStopAtBlocked measures the two designs of FIELD-NOTES ("Two ways to stop a debugged
// program at a blocked call"): the time from Continue at main to the Stopped state at the
// blocked ptrace. notify: the supervisor holds the call and the session interrupts the program
// through gdb (the design in use); trap: a trap rule, the program stops on the SIGSYS (decoded
// from $_siginfo / the supervisor's event). Each iteration restarts the program (not timed).
func BenchmarkStopAtBlocked(b *testing.B) {
	prog := testbin.CompileC(b, "ptraceslow", srcPtraceSlow)
	testbin.NeedTool(b, "gdb")
	for _, design := range []string{"notify", "trap"} {
		b.Run(design, func(b *testing.B) {
			cfg := Config{Program: prog, WrapperPath: testbin.Wrapper(b), Dir: b.TempDir(), StopAtBlocked: design == "notify"}
			if design == "trap" {
				cfg.PolicyFile = policyWith(b, policy.Action{Kind: policy.Trap})
			}
			s, err := StartDebug(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			waitStop := func() *Stop {
				for e := range s.Events() {
					if x, ok := e.(StateEvent); ok && x.State == Stopped {
						return x.Stop
					}
				}
				b.Fatal("events closed")
				return nil
			}
			waitStop()
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if err := s.Continue(); err != nil {
					b.Fatal(err)
				}
				st := waitStop()
				lat = append(lat, time.Since(t0))
				if st == nil || st.Reason != "blocked-syscall" {
					b.Fatalf("stop %+v", st)
				}
				b.StopTimer()
				if err := s.Run(); err != nil {
					b.Fatal(err)
				}
				waitStop()
				b.StartTimer()
			}
			b.ReportMetric(float64(median(lat).Microseconds())/1000, "ms-to-stop")
		})
	}
}
