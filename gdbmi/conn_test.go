package gdbmi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/sandbug/sandbug/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m) }

const helloC = `#include <stdio.h>
#include <stdlib.h>
struct point { int x, y; const char *name; };
static int add(int a, int b) { return a + b; }
int main(int argc, char **argv) {
	struct point p = { 3, 4, "caf\xc3\xa9" };
	int n = add(p.x, p.y);
	printf("n=%d\n", n);
	return argc > 1 ? atoi(argv[1]) : 3;
}
`

// syncBuf is a goroutine-safe log sink.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// session is a live gdb with the inferior's terminal drained in the background.
type session struct {
	t   *testing.T
	c   *Conn
	log *syncBuf
	tty *os.File
	pts *os.File
	out *syncBuf // what the program wrote to its terminal
	wg  sync.WaitGroup
}

func startSession(t *testing.T, o Options) *session {
	t.Helper()
	testbin.NeedTool(t, "gdb")
	s := &session{t: t, log: &syncBuf{}, out: &syncBuf{}}
	if o.Log == nil {
		o.Log = s.log
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := Start(ctx, o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	s.c = c
	ptm, pts, err := pty.Open()
	if err != nil {
		c.Close()
		t.Fatalf("pty: %v", err)
	}
	s.tty = ptm
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		io.Copy(s.out, ptm)
	}()
	// Keep our slave fd open: with no slave open, reads on the master fail with EIO.
	s.pts = pts
	s.exec("-inferior-tty-set", pts.Name())
	t.Cleanup(s.close)
	return s
}

func (s *session) close() {
	s.c.Close()
	s.pts.Close()
	s.tty.Close()
	s.wg.Wait()
	if s.t.Failed() {
		s.t.Logf("MI log:\n%s", tail4k(s.log.String()))
	}
}

func tail4k(s string) string {
	if len(s) > 8000 {
		return "..." + s[len(s)-8000:]
	}
	return s
}

func (s *session) exec(cmd string, args ...string) *Record {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := s.c.Exec(ctx, cmd, args...)
	if err != nil {
		s.t.Fatalf("%s %q: %v", cmd, args, err)
	}
	return r
}

// waitStop reads events until a *stopped record and returns it with the events before it.
func (s *session) waitStop() (StopEvent, []*Record) {
	s.t.Helper()
	var seen []*Record
	timeout := time.After(20 * time.Second)
	for {
		select {
		case r, ok := <-s.c.Events():
			if !ok {
				s.t.Fatalf("events closed while waiting for *stopped")
			}
			seen = append(seen, r)
			if st, ok := ParseStop(r); ok {
				return st, seen
			}
		case <-timeout:
			s.t.Fatalf("no *stopped within 20s")
		}
	}
}

func gdbProcs(t *testing.T) map[int]bool {
	t.Helper()
	out := map[int]bool{}
	ents, _ := os.ReadDir("/proc")
	me := os.Getpid()
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command: state ppid ...
		i := bytes.LastIndexByte(st, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(st[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(me) && strings.Contains(string(st[:i]), "(gdb") {
			out[pid] = true
		}
	}
	return out
}

// checkNoLeaks waits briefly for goroutines to settle and fails if more remain than before.
func checkNoLeaks(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("goroutines: %d before, %d after Close\n%s", before, n, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if p := gdbProcs(t); len(p) > 0 {
		t.Fatalf("gdb processes left after Close: %v", p)
	}
}

func TestLiveBasic(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	bin := testbin.CompileC(t, "hello", helloC)
	before := runtime.NumGoroutine()
	s := startSession(t, Options{})
	c := s.c
	if c.Interpreter() != "mi4" {
		t.Errorf("interpreter %s, want mi4 on gdb 13", c.Interpreter())
	}
	s.exec("-file-exec-and-symbols", bin)
	r := s.exec("-break-insert", "add")
	bps := ParseBreakpoints(r)
	if len(bps) != 1 || bps[0].Func != "add" || bps[0].Number != "1" {
		t.Fatalf("breakpoint: %+v", bps)
	}
	s.exec("-exec-run")
	st, _ := s.waitStop()
	if st.Reason != ReasonBreakpointHit || st.Frame == nil || st.Frame.Func != "add" || st.BkptNo != "1" {
		t.Fatalf("stop: %+v", st)
	}
	if len(st.Frame.Args) != 2 || st.Frame.Args[0].Name != "a" || st.Frame.Args[0].Value != "3" {
		t.Errorf("args: %+v", st.Frame.Args)
	}
	r = s.exec("-data-evaluate-expression", "a + b")
	if v := r.Get("value").String(); v != "7" {
		t.Errorf("a + b = %q", v)
	}
	s.exec("-exec-finish")
	st, _ = s.waitStop()
	if st.Reason != ReasonFunctionFinished || st.ReturnValue != "7" {
		t.Errorf("finish: %+v", st)
	}
	s.exec("-exec-next")
	st, _ = s.waitStop()
	if st.Reason != ReasonEndSteppingRange {
		t.Errorf("next: %+v", st)
	}
	r = s.exec("-stack-list-variables", "--thread", "1", "--frame", "0", "--all-values")
	vars := ParseVariables(r.Get("variables"))
	names := map[string]string{}
	for _, v := range vars {
		names[v.Name] = v.Value
	}
	if !strings.Contains(names["p"], `caf\303\251`) && !strings.Contains(names["p"], "café") {
		t.Errorf("locals: %+v", vars)
	}
	// ^error becomes *MIError with gdb's message.
	_, err := c.Exec(context.Background(), "-data-evaluate-expression", "nosuchvar")
	var me *MIError
	if !errors.As(err, &me) || !strings.Contains(me.Msg, "nosuchvar") {
		t.Errorf("error: %v", err)
	}
	_, err = c.Exec(context.Background(), "-no-such-command")
	if !errors.As(err, &me) || me.Code != "undefined-command" {
		t.Errorf("undefined command: %v", err)
	}
	s.exec("-exec-continue")
	st, _ = s.waitStop()
	if st.Reason != ReasonExited || st.ExitCode != 3 {
		t.Errorf("exit: %+v", st)
	}
	if !strings.Contains(s.log.String(), " -> ") || !strings.Contains(s.log.String(), " <- ") {
		t.Errorf("log lacks traffic: %q", s.log.String())
	}
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(s.out.String(), "n=7") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	s.close()
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := c.Exec(context.Background(), "-gdb-version"); !errors.Is(err, ErrClosed) {
		t.Errorf("Exec after Close: %v", err)
	}
	if !strings.Contains(s.out.String(), "n=7") {
		t.Errorf("program output on its tty: %q", s.out.String())
	}
	checkNoLeaks(t, before)
}

func TestLiveKilledMidCall(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	before := runtime.NumGoroutine()
	s := startSession(t, Options{})
	c := s.c
	// A CLI command that keeps gdb busy so Exec is waiting when gdb dies.
	errc := make(chan error, 1)
	go func() {
		_, err := c.Exec(context.Background(), "-interpreter-exec", "console", "shell sleep 30")
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond)
	t0 := time.Now()
	syscall.Kill(c.Pid(), syscall.SIGKILL)
	select {
	case err := <-errc:
		var ee *ExitedError
		if !errors.Is(err, ErrExited) || !errors.As(err, &ee) || ee.Signal == "" {
			t.Errorf("Exec after SIGKILL: %v", err)
		}
		if d := time.Since(t0); d > time.Second {
			t.Errorf("Exec returned %v after the kill", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Exec still waiting 5s after gdb was killed")
	}
	// Events closes.
	timeout := time.After(5 * time.Second)
	for done := false; !done; {
		select {
		case _, ok := <-c.Events():
			done = !ok
		case <-timeout:
			t.Fatal("events did not close")
		}
	}
	if _, err := c.Exec(context.Background(), "-gdb-version"); !errors.Is(err, ErrExited) {
		t.Errorf("Exec on dead gdb: %v", err)
	}
	wctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	if ee := c.Wait(wctx); ee == nil || ee.SigNum != int(syscall.SIGKILL) || ee.Code != -1 {
		t.Errorf("Wait after SIGKILL: %+v", ee)
	}
	cancel()
	s.close()
	// The `shell sleep` child of gdb is gdb's business, but it must not be gdb.
	checkNoLeaks(t, before)
}

func TestLiveCancel(t *testing.T) {
	s := startSession(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := s.c.Exec(ctx, "-interpreter-exec", "console", "shell sleep 1")
		errc <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Exec: %v", err)
		}
	case <-time.After(500 * time.Millisecond):
		t.Fatal("cancelled Exec did not return promptly")
	}
	// The connection stays usable; the late ^done is dropped, not sent to Events.
	r := s.exec("-gdb-version")
	if r.Class != "done" {
		t.Errorf("-gdb-version: %v", r)
	}
	time.Sleep(1200 * time.Millisecond)
	s.exec("-gdb-version")
	for {
		select {
		case e := <-s.c.Events():
			if e.Kind == ResultRecord {
				t.Errorf("result record leaked to Events: %v", e)
			}
			continue
		default:
		}
		break
	}
}

// syscallKill0 reports whether pid exists (nil) or not.
func syscallKill0(pid int) error { return syscall.Kill(pid, 0) }
