package gdbmi

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

// The reader (loops.go): one goroutine reads gdb's output, hands results to their calls and
// queues the rest for Events.

// waitCall waits until an Exec waits for its result, and a little longer so that its command
// has been written.
func waitCall(t *testing.T, c *Conn) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if c.waiting.Load() > 0 {
			time.Sleep(20 * time.Millisecond)
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("no Exec waits for a result")
}

// drain returns what is on ch now, waiting 50 ms for more.
func drain(ch <-chan *Record) []*Record {
	var out []*Record
	for {
		select {
		case r, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, r)
		case <-time.After(50 * time.Millisecond):
			return out
		}
	}
}

// streams collects n stream records from Events (failing on anything else).
func streams(t *testing.T, c *Conn, n int) []string {
	t.Helper()
	out, err := collectStreams(c, n)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// collectStreams is streams for any goroutine.
func collectStreams(c *Conn, n int) ([]string, error) {
	var out []string
	timeout := time.After(20 * time.Second)
	for len(out) < n {
		select {
		case r, ok := <-c.Events():
			if !ok {
				return out, fmt.Errorf("events closed after %d of %d", len(out), n)
			}
			if r.Kind != ConsoleStream {
				return out, fmt.Errorf("unexpected record %v", r)
			}
			out = append(out, string(r.Stream))
		case <-timeout:
			return out, fmt.Errorf("%d of %d stream records", len(out), n)
		}
	}
	return out, nil
}

// tokOf is the shell for "the token of the command in $1's variable".
const tokOf = `${cmd%%-*}`

// TestReaderSplitLine: a line gdb writes in two pieces, with a command in between, arrives whole.
func TestReaderSplitLine(t *testing.T) {
	gdb := fakeGDB(t, `echo '(gdb) '
printf '~"par'
read -r cmd
sleep 0.1
printf 'tial"\n'
echo "`+tokOf+`^done,value=\"1\""
echo '(gdb) '
cat >/dev/null
`)
	c, err := Start(bgctx(), Options{GDB: gdb, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.Sleep(50 * time.Millisecond) // the reader has the start of the line
	r, err := c.Exec(bgctx(), "-data-evaluate-expression", "1")
	if err != nil || r.Get("value").String() != "1" {
		t.Fatalf("Exec: %v %v", r, err)
	}
	if got := streams(t, c, 1); got[0] != "partial" {
		t.Errorf("stream %q, want \"partial\"", got[0])
	}
}

// TestEventsAroundResults: records before and after each result reach Events all and in gdb's
// order, with one caller and with several, through a small EventBuffer.
func TestEventsAroundResults(t *testing.T) {
	const per = 100
	gdb := fakeGDB(t, `echo '(gdb) '
k=0
while read -r cmd; do
	i=0; while [ $i -lt `+fmt.Sprint(per)+` ]; do echo "~\"a $k $i\""; i=$((i+1)); done
	echo "`+tokOf+`^done,k=\"$k\",cmd=\"${cmd#*-}\""
	echo '(gdb) '
	i=0; while [ $i -lt `+fmt.Sprint(per)+` ]; do echo "~\"b $k $i\""; i=$((i+1)); done
	k=$((k+1))
done
`)
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			c, err := Start(bgctx(), Options{GDB: gdb, EventBuffer: 16, CloseTimeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			const calls = 10
			var got []string
			var gotErr error
			done := make(chan struct{})
			go func() {
				defer close(done)
				got, gotErr = collectStreams(c, workers*calls*2*per)
			}()
			var wg sync.WaitGroup
			errc := make(chan error, workers*calls)
			seen := make(chan string, workers*calls)
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range calls {
						cmd := fmt.Sprintf("-w%d-%d", w, i)
						r, err := c.Exec(bgctx(), cmd)
						if err != nil {
							errc <- err
							return
						}
						if got := r.Get("cmd").String(); got != cmd[1:] {
							errc <- fmt.Errorf("%s got the result of %s", cmd, got)
						}
						seen <- r.Get("k").String()
					}
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			close(seen)
			ks := map[string]bool{}
			for k := range seen {
				if ks[k] {
					t.Errorf("result k=%s twice", k)
				}
				ks[k] = true
			}
			<-done
			if gotErr != nil {
				t.Fatal(gotErr)
			}
			n := 0
			for k := range workers * calls {
				for _, ab := range []string{"a", "b"} {
					for i := range per {
						if want := fmt.Sprintf("%s %d %d", ab, k, i); got[n] != want {
							t.Fatalf("record %d is %q, want %q", n, got[n], want)
						}
						n++
					}
				}
			}
		})
	}
}

// TestCancelWhileWaiting: an Exec cancelled while it waits returns at once, the reader reads on
// and the late result is dropped, not delivered on Events.
func TestCancelWhileWaiting(t *testing.T) {
	gdb := fakeGDB(t, `echo '(gdb) '
read -r c1
read -r c2
echo '~"late"'
echo "${c1%%-*}^done,n=\"1\""
echo '(gdb) '
echo "${c2%%-*}^done,n=\"2\""
echo '(gdb) '
echo '~"after"'
cat >/dev/null
`)
	before := runtime.NumGoroutine()
	c, err := Start(bgctx(), Options{GDB: gdb, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bgctx())
	errc := make(chan error, 1)
	go func() {
		_, err := c.Exec(ctx, "-first")
		errc <- err
	}()
	waitCall(t, c)
	t0 := time.Now()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Exec: %v", err)
		}
		if d := time.Since(t0); d > time.Second {
			t.Errorf("cancelled Exec returned after %v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled Exec still reading")
	}
	r, err := c.Exec(bgctx(), "-second")
	if err != nil || r.Get("n").String() != "2" {
		t.Fatalf("second Exec: %v %v", r, err)
	}
	if got := streams(t, c, 2); got[0] != "late" || got[1] != "after" {
		t.Errorf("streams %q", got)
	}
	for _, e := range drain(c.Events()) {
		t.Errorf("unexpected record (the late result?) %v", e)
	}
	c.Close()
	checkNoLeaks(t, before)
}

// TestGDBExitsWhileWaiting: gdb exits while an Exec waits: the reader ends the connection and
// the Exec returns gdb's exit status; the output before the exit is delivered.
func TestGDBExitsWhileWaiting(t *testing.T) {
	gdb := fakeGDB(t, "echo '(gdb) '\nread -r cmd\nsleep 0.3\necho '~\"bye\"'\nexit 3\n")
	before := runtime.NumGoroutine()
	c, err := Start(bgctx(), Options{GDB: gdb, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	waiterSeesExit(t, c, 3, 5*time.Second)
	var got []string
	for r := range c.Events() {
		got = append(got, string(r.Stream))
	}
	if len(got) != 1 || got[0] != "bye" {
		t.Errorf("events %q", got)
	}
	if _, err := c.Exec(bgctx(), "-gdb-version"); !errors.Is(err, ErrExited) {
		t.Errorf("Exec after the exit: %v", err)
	}
	c.Close()
	checkNoLeaks(t, before)
}

// TestGDBExitsOutputHeld: gdb exits while an Exec waits, but a child in another process group
// keeps gdb's output open: the Exec still returns soon after gdb's end (graceAfterExit).
func TestGDBExitsOutputHeld(t *testing.T) {
	testbin.NeedTool(t, "setsid")
	gdb := fakeGDB(t, "echo '(gdb) '\nread -r cmd\nsleep 0.2\nsetsid sleep 2 </dev/null &\nexit 4\n")
	c, err := Start(bgctx(), Options{GDB: gdb, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// 100 ms of grace; the child keeps the output open for 2 s.
	waiterSeesExit(t, c, 4, 800*time.Millisecond)
}

// waiterSeesExit starts an Exec, waits until it waits for its result, and checks that it returns
// gdb's exit code within limit once gdb exits.
func waiterSeesExit(t *testing.T, c *Conn, code int, limit time.Duration) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		_, err := c.Exec(bgctx(), "-data-evaluate-expression", "1")
		errc <- err
	}()
	waitCall(t, c)
	select {
	case err := <-errc:
		var ee *ExitedError
		if !errors.As(err, &ee) || ee.Code != code {
			t.Errorf("Exec when gdb exits: %v, want exit code %d", err, code)
		}
	case <-time.After(limit):
		t.Fatalf("Exec still waiting %v after gdb exited", limit)
	}
}

// evalPlusOne has real gdb evaluate n + 1 and checks the answer.
func evalPlusOne(ctx context.Context, c *Conn, n int) error {
	r, err := c.Exec(ctx, "-data-evaluate-expression", fmt.Sprintf("%d + 1", n))
	if err != nil {
		return err
	}
	if got := r.Get("value").String(); got != fmt.Sprint(n+1) {
		return fmt.Errorf("%d + 1 = %s", n, got)
	}
	return nil
}

// TestLiveKilledWhileWaiting: gdb killed while an Exec waits for its result.
func TestLiveKilledWhileWaiting(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	before := runtime.NumGoroutine()
	c, err := Start(bgctx(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := c.Exec(bgctx(), "-interpreter-exec", "console", "shell sleep 30")
		errc <- err
	}()
	waitCall(t, c)
	time.Sleep(100 * time.Millisecond)
	syscall.Kill(c.Pid(), syscall.SIGKILL)
	select {
	case err := <-errc:
		var ee *ExitedError
		if !errors.As(err, &ee) || ee.Signal == "" {
			t.Errorf("Exec after SIGKILL: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Exec still waiting 5s after gdb was killed")
	}
	for range c.Events() {
	}
	c.Close()
	checkNoLeaks(t, before)
}

// TestFloodBackPressure: with nobody reading Events, the reader holds back a flood at
// EventBuffer records; while an Exec waits it reads on through the flood to the result;
// afterwards it holds back again; then every record arrives, in order.
func TestFloodBackPressure(t *testing.T) {
	const n, buf = 5000, 50
	loop := func(p string) string {
		return `i=0; while [ $i -lt ` + fmt.Sprint(n) + ` ]; do echo "~\"` + p + ` $i\""; i=$((i+1)); done` + "\n"
	}
	gdb := fakeGDB(t, "echo '(gdb) '\n"+loop("a")+"read -r cmd\n"+loop("b")+
		"echo \""+tokOf+"^done\"\necho '(gdb) '\n"+loop("c")+"cat >/dev/null\n")
	c, err := Start(bgctx(), Options{GDB: gdb, EventBuffer: buf, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	queued := func() int {
		c.qmu.Lock()
		defer c.qmu.Unlock()
		return len(c.queue) - c.qhead
	}
	time.Sleep(300 * time.Millisecond)
	if q := queued(); q > buf {
		t.Errorf("%d records queued with EventBuffer %d", q, buf)
	}
	ctx, cancel := context.WithTimeout(bgctx(), 20*time.Second)
	defer cancel()
	if _, err := c.Exec(ctx, "-data-evaluate-expression", "1"); err != nil {
		t.Fatalf("Exec through the flood: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	// What the Exec read is queued (reading goes on while a call waits); the c flood is not.
	if q := queued(); q > 2*n {
		t.Errorf("%d records queued after the Exec: the reader did not hold back", q)
	}
	got := streams(t, c, 3*n)
	for k, p := range []string{"a", "b", "c"} {
		for i := range n {
			if want := fmt.Sprintf("%s %d", p, i); got[k*n+i] != want {
				t.Fatalf("record %d is %q, want %q", k*n+i, got[k*n+i], want)
			}
		}
	}
}

// TestLiveConcurrentCalls: many callers at once against the real gdb, some cancelled, with
// console output in between: every call gets its own answer and each caller's output arrives
// in its order.
func TestLiveConcurrentCalls(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	c, err := Start(bgctx(), Options{EventBuffer: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const workers, calls = 6, 50
	lines := make(chan string, workers*calls)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var a TextAssembler
		for r := range c.Events() {
			for _, l := range a.Add(r) {
				lines <- string(l)
			}
		}
	}()
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				if i%5 == 4 {
					if _, err := c.Exec(bgctx(), "-interpreter-exec", "console", fmt.Sprintf("echo w%d %d\\n", w, i)); err != nil {
						errc <- err
						return
					}
					continue
				}
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if i%5 == 2 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(i%4)*30*time.Microsecond)
				}
				err := evalPlusOne(ctx, c, w*1000+i)
				cancel()
				if errors.Is(err, context.DeadlineExceeded) && i%5 == 2 {
					continue
				}
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	c.Close()
	<-done
	close(lines)
	next := make([]int, workers)
	for l := range lines {
		var w, i int
		if _, err := fmt.Sscanf(l, "w%d %d", &w, &i); err != nil || w < 0 || w >= workers {
			t.Fatalf("console line %q", l)
		}
		if i != next[w]*5+4 {
			t.Fatalf("console line %q, want %d for worker %d", l, next[w]*5+4, w)
		}
		next[w]++
	}
	for w, k := range next {
		if k != calls/5 {
			t.Errorf("worker %d: %d console lines, want %d", w, k, calls/5)
		}
	}
}

// TestOutputAfterResult: output that comes after a call's result, with no call waiting, reaches
// Events promptly: after a quick command, after ^running and after a slow one.
func TestOutputAfterResult(t *testing.T) {
	gdb := fakeGDB(t, `echo '(gdb) '
while read -r cmd; do
	case "$cmd" in
	*-resume) echo "`+tokOf+`^running"; echo '(gdb) '; sleep 0.05; echo '*stopped,reason="end-stepping-range"';;
	*-slow) sleep 0.03; echo "`+tokOf+`^done"; echo '(gdb) '; sleep 0.05; echo '~"later"';;
	*) echo "`+tokOf+`^done"; echo '(gdb) '; sleep 0.05; echo '~"later"';;
	esac
done
`)
	c, err := Start(bgctx(), Options{GDB: gdb, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 21 {
		cmd := []string{"-gdb-version", "-resume", "-slow"}[i%3]
		if _, err := c.Exec(bgctx(), cmd); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		select {
		case r := <-c.Events():
			if (i%3 != 1 && string(r.Stream) != "later") || (i%3 == 1 && r.Class != "stopped") {
				t.Fatalf("event %d: %v", i, r)
			}
			if d := time.Since(t0); d > time.Second {
				t.Errorf("event %d came %v after the result (gdb wrote it 50 ms after)", i, d)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("the output after result %d did not arrive", i)
		}
	}
}
