package gdbmi

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

// TestLiveQuoting sends awkward arguments through Quote to the real gdb and compares with what
// gdb echoes back.
func TestLiveQuoting(t *testing.T) {
	testbin.NeedTool(t, "gcc")
	// testbin puts the source in a directory named after it: "c-q é x/q é x.c".
	bin := testbin.CompileC(t, `q é x`, helloC)
	src := filepath.Join(filepath.Dir(bin), `q é x.c`)
	s := startSession(t, Options{})
	s.exec("-file-exec-and-symbols", bin)
	b := ParseBreakpoints(s.exec("-break-insert", src+":7"))
	if len(b) != 1 || b[0].FullName != src || b[0].Line != 7 {
		t.Fatalf("breakpoint on %q: %+v", src, b)
	}
	// A C string expression: quotes, backslashes, a newline, a tab, non-ASCII and a control byte
	// cross MI quoting once and come back as gdb's display of the same string.
	expr := "\"say \\\"hi\\\"\\\\ \\n\\t é\""
	if v := s.exec("-data-evaluate-expression", expr).Get("value").String(); v != expr {
		t.Errorf("expression %s came back as %s", expr, v)
	}
	if v := s.exec("-data-evaluate-expression", `sizeof("é")`).Get("value").String(); v != "3" {
		t.Errorf(`sizeof("é") = %s: the UTF-8 bytes did not arrive raw`, v)
	}
	// A working directory with spaces and é, through an MI-parsed command.
	dir := filepath.Join(t.TempDir(), `dir "with" spaces é`)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s.exec("-environment-cd", dir)
	if got := s.exec("-environment-pwd").Get("cwd").String(); got != dir {
		t.Errorf("cwd %q, want %q", got, dir)
	}
	// CLI-backed commands take the line raw: ExecRaw, and gdb echoes it unchanged.
	args := `one "two three" four\ five 'six' é`
	if _, err := s.c.ExecRaw(bgctx(), "-gdb-set args "+args); err != nil {
		t.Fatal(err)
	}
	if got := s.exec("-gdb-show", "args").Get("value").String(); got != args {
		t.Errorf("args %q, want %q", got, args)
	}
	if _, err := s.c.Exec(bgctx(), "-gdb-version\n-gdb-exit"); err == nil {
		t.Error("a command with a newline was sent")
	}
}

// TestLiveBackPressureSlowConsumer floods Events while the consumer is slow, with a tiny
// buffer: every record arrives, in order, and the call still completes.
func TestLiveBackPressureSlowConsumer(t *testing.T) {
	s := startSession(t, Options{EventBuffer: 2})
	const n = 2000
	errc := make(chan error, 1)
	go func() {
		// One CLI command printing n lines: n console records (or fragments of them).
		_, err := s.c.Exec(bgctx(), "-interpreter-exec", "console", fmt.Sprintf("python [gdb.write('line %%d\\n' %% i) for i in range(%d)]", n))
		errc <- err
	}()
	var a TextAssembler
	var lines []string
	timeout := time.After(30 * time.Second)
	for len(lines) < n {
		select {
		case r, ok := <-s.c.Events():
			if !ok {
				t.Fatal("events closed")
			}
			for _, l := range a.Add(r) {
				lines = append(lines, string(l))
			}
			if len(lines) < 50 {
				time.Sleep(2 * time.Millisecond) // slow at first: the reader must wait, not drop
			}
		case <-timeout:
			t.Fatalf("only %d of %d lines arrived", len(lines), n)
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	for i, l := range lines {
		if l != fmt.Sprintf("line %d", i) {
			t.Fatalf("line %d is %q: lost or reordered", i, l)
		}
	}
}

// TestLiveFallbackMI3 uses a gdb that refuses mi4 the way an old gdb does: Start falls back.
func TestLiveFallbackMI3(t *testing.T) {
	real := testbin.NeedTool(t, "gdb")
	fake := filepath.Join(t.TempDir(), "oldgdb")
	script := "#!/bin/sh\ncase \"$*\" in *--interpreter=mi4*) echo \"Interpreter \\`mi4' unrecognized\" >&2; exit 1;; esac\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	s := startSession(t, Options{GDB: fake})
	if s.c.Interpreter() != "mi3" {
		t.Fatalf("interpreter %s, want mi3", s.c.Interpreter())
	}
	s.exec("-gdb-version")
	// A gdb that cannot start at all reports why.
	_, err := Start(bgctx(), Options{GDB: fake, Interpreter: "mi9"})
	if err == nil || !strings.Contains(err.Error(), "mi9") {
		t.Fatalf("mi9: %v", err)
	}
}

// TestLiveGDBExits: gdb leaving on its own (here -gdb-exit) ends every later call with
// ErrExited and status 0, and closes Events.
func TestLiveGDBExits(t *testing.T) {
	before := runtime.NumGoroutine()
	s := startSession(t, Options{})
	if r := s.exec("-gdb-exit"); r.Class != "exit" {
		t.Fatalf("-gdb-exit: %v", r)
	}
	for range s.c.Events() {
	}
	_, err := s.c.Exec(bgctx(), "-gdb-version")
	var ee *ExitedError
	if !errors.As(err, &ee) || ee.Code != 0 || !errors.Is(err, ErrExited) {
		t.Fatalf("after exit: %v", err)
	}
	s.close()
	checkNoLeaks(t, before)
}

// TestLiveLogFormat: every line of the raw log has a timestamp and a direction.
func TestLiveLogFormat(t *testing.T) {
	s := startSession(t, Options{})
	s.exec("-gdb-version")
	s.close()
	re := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{6} (->|<-|!!) `)
	sent, got := 0, 0
	for _, l := range strings.Split(strings.TrimSuffix(s.log.String(), "\n"), "\n") {
		if !re.MatchString(l) {
			t.Errorf("log line %q", l)
		}
		if strings.Contains(l, " -> ") {
			sent++
		}
		if strings.Contains(l, " <- ") {
			got++
		}
	}
	if sent < 3 || got < 5 {
		t.Errorf("log has %d sent and %d received lines:\n%s", sent, got, s.log.String())
	}
}

func TestStartCancelled(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := runtime.NumGoroutine()
	if _, err := Start(ctx, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Start with a cancelled context: %v", err)
	}
	checkNoLeaks(t, before)
}

// fakeGDB writes an executable script standing in for gdb.
func fakeGDB(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fakegdb")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCloseKillsStuckGDB: a gdb that ignores -gdb-exit and its closed stdin is killed after
// CloseTimeout, and nothing is left behind.
func TestCloseKillsStuckGDB(t *testing.T) {
	before := runtime.NumGoroutine()
	gdb := fakeGDB(t, "echo '(gdb) '\ntrap '' TERM HUP INT\nexec sleep 1000\n")
	c, err := Start(bgctx(), Options{GDB: gdb, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	pid := c.Pid()
	t0 := time.Now()
	c.Close()
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := syscallKill0(pid); err == nil {
		t.Errorf("process %d still exists after Close", pid)
	}
	checkNoLeaks(t, before)
}

// TestConnHugeLine: an 8 MB line from gdb reaches the caller whole.
func TestConnHugeLine(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat(`{name="v",value="\303\251"},`, (8<<20)/28)
	out := "(gdb) \n1^done,variables=[" + strings.TrimSuffix(big, ",") + "]\n(gdb) \n"
	data := filepath.Join(dir, "out.mi")
	if err := os.WriteFile(data, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	// Answers the first command with the big line, then waits for stdin to close.
	gdb := fakeGDB(t, "head -c 7 "+data+"\nread -r line\ntail -c +8 "+data+"\ncat >/dev/null\n")
	c, err := Start(bgctx(), Options{GDB: gdb, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Exec(bgctx(), "-stack-list-variables", "--all-values")
	if err != nil {
		t.Fatal(err)
	}
	vars := ParseVariables(r.Get("variables"))
	if len(vars) != (8<<20)/28 || vars[len(vars)-1].Value != "é" {
		t.Fatalf("%d variables, last %+v", len(vars), vars[len(vars)-1])
	}
}

// TestLiveConcurrentExec: calls from many goroutines each get their own answer.
func TestLiveConcurrentExec(t *testing.T) {
	s := startSession(t, Options{})
	const workers, calls = 8, 40
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			for i := 0; i < calls; i++ {
				if err := evalPlusOne(bgctx(), s.c, w*1000+i); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
	}
	for w := 0; w < workers; w++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
}

// TestConnRawLines: lines that are not MI (a program's output on gdb's terminal) reach Events
// as RawLine records, and the MI around them still works.
func TestConnRawLines(t *testing.T) {
	gdb := fakeGDB(t, "echo '(gdb) '\nread -r cmd\necho 'hello from the program'\nprintf 'no newline at all'\necho '1^done,value=\"1\"'\necho '*stopped,reason=\"exited-normally\"'\ncat >/dev/null\n")
	c, err := Start(bgctx(), Options{GDB: gdb, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The answer is glued to the program's unterminated output, so it is lost: the call can
	// only time out. This is why the program must have its own terminal (-inferior-tty-set).
	ctx, cancel := context.WithTimeout(bgctx(), 300*time.Millisecond)
	defer cancel()
	if _, err := c.Exec(ctx, "-data-evaluate-expression", "1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Exec: %v", err)
	}
	var raws []string
	for len(raws) < 2 {
		select {
		case r := <-c.Events():
			if r.Kind == RawLine {
				raws = append(raws, string(r.Stream))
			} else if st, ok := ParseStop(r); !ok || st.Reason != ReasonExitedNormally {
				t.Errorf("unexpected %v", r)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("raw lines: %q", raws)
		}
	}
	if raws[0] != "hello from the program" || !strings.HasPrefix(raws[1], "no newline at all1^done") {
		t.Errorf("raw lines %q", raws)
	}
}

// TestLiveExecWhileEventsUnread: a consumer that calls Exec before draining Events (as an event
// loop does) does not deadlock, even with a tiny buffer and thousands of pending records.
func TestLiveExecWhileEventsUnread(t *testing.T) {
	s := startSession(t, Options{EventBuffer: 2})
	const n = 2000
	s.exec("-interpreter-exec", "console", fmt.Sprintf("python [gdb.write('line %%d\\n' %% i) for i in range(%d)]", n))
	if v := s.exec("-data-evaluate-expression", "6*7").Get("value").String(); v != "42" {
		t.Fatalf("6*7 = %s", v)
	}
	var a TextAssembler
	var lines []string
	for len(lines) < n {
		select {
		case r := <-s.c.Events():
			for _, l := range a.Add(r) {
				lines = append(lines, string(l))
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d lines", len(lines), n)
		}
	}
	for i, l := range lines {
		if l != fmt.Sprintf("line %d", i) {
			t.Fatalf("line %d is %q", i, l)
		}
	}
}

// TestConnBackPressureBounded: with no call waiting and nobody reading, at most EventBuffer
// records wait in memory (the rest stays in gdb's pipe), and all arrive in order later.
func TestConnBackPressureBounded(t *testing.T) {
	const n = 50000
	gdb := fakeGDB(t, "echo '(gdb) '\ni=0\nwhile [ $i -lt "+fmt.Sprint(n)+" ]; do echo \"~\\\"$i\\\"\"; i=$((i+1)); done\ncat >/dev/null\n")
	c, err := Start(bgctx(), Options{GDB: gdb, EventBuffer: 100, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.Sleep(500 * time.Millisecond)
	c.qmu.Lock()
	queued := len(c.queue) - c.qhead
	c.qmu.Unlock()
	if queued > 100 {
		t.Errorf("%d records queued with EventBuffer 100", queued)
	}
	for i := 0; i < n; i++ {
		select {
		case r := <-c.Events():
			if string(r.Stream) != fmt.Sprint(i) {
				t.Fatalf("record %d is %q", i, r.Stream)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("record %d did not arrive", i)
		}
	}
}

// TestLiveEnvironment: gdb runs with LC_ALL=C.UTF-8 and SHELL=/bin/sh whatever the caller's
// environment says, plus the extra entries of Options.Env.
func TestLiveEnvironment(t *testing.T) {
	s := startSession(t, Options{Env: []string{"SHELL=/bin/bash", "LC_ALL=C", "SANDBUG_TEST=x y"}})
	var a TextAssembler
	got := map[string]string{}
	for _, v := range []string{"SHELL", "LC_ALL", "SANDBUG_TEST"} {
		s.console("show environment " + v)
		timeout := time.After(5 * time.Second)
		for got[v] == "" {
			select {
			case r := <-s.c.Events():
				for _, l := range a.Add(r) {
					if k, val, ok := strings.Cut(string(l), " = "); ok && k == v {
						got[v] = val
					}
				}
			case <-timeout:
				t.Fatalf("no value for %s", v)
			}
		}
	}
	want := map[string]string{"SHELL": "/bin/sh", "LC_ALL": "C.UTF-8", "SANDBUG_TEST": "x y"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// TestConnTokenExact: a result whose token is "01" is not the answer to command 1 (Conn sends
// canonical decimals): it goes to Events with its text kept, and the call gets "1^done".
func TestConnTokenExact(t *testing.T) {
	gdb := fakeGDB(t, "echo '(gdb) '\nread -r cmd\necho '01^done,value=\"wrong\"'\necho '1^done,value=\"right\"'\ncat >/dev/null\n")
	c, err := Start(bgctx(), Options{GDB: gdb, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(bgctx(), 5*time.Second)
	defer cancel()
	r, err := c.Exec(ctx, "-data-evaluate-expression", "1")
	if err != nil {
		t.Fatal(err)
	}
	if v := r.Get("value").String(); v != "right" || r.Token != "1" {
		t.Errorf("Exec got token %q value %q, want the answer with token 1", r.Token, v)
	}
	select {
	case ev := <-c.Events():
		if ev.Token != "01" || ev.Get("value").String() != "wrong" {
			t.Errorf("event %v, want the 01 record as it was written", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the 01 record never reached Events")
	}
}
