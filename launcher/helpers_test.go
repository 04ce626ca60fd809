package launcher

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// C fixtures shared by the run and debug tests.
const (
	srcExit = `#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
	int code = argc > 1 ? atoi(argv[1]) : 0;
	printf("exiting with %d\n", code);
	return code;
}
`
	srcSegv = `#include <stdio.h>
int main(void) {
	int *p = 0;
	puts("about to crash");
	fflush(stdout);
	*p = 42;
	return 0;
}
`
	srcAbort = `#include <stdlib.h>
int main(void) { abort(); }
`
	srcPtrace = `#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
int main(void) {
	long r = ptrace(PTRACE_TRACEME, 0, 0, 0);
	printf("ptrace returned %ld errno %d (%s)\n", r, errno, strerror(errno));
	return r == -1 ? 7 : 0;
}
`
	// srcPtraceSlow lingers after the call: the supervisor's trap answers first and sends SIGSYS
	// after, so a program that exits at once can be gone before the signal (see report).
	srcPtraceSlow = `#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>
int main(void) {
	long r = ptrace(PTRACE_TRACEME, 0, 0, 0);
	int e = errno;
	usleep(200000);
	printf("ptrace returned %ld errno %d (%s)\n", r, e, strerror(e));
	return r == -1 ? 7 : 0;
}
`
	srcChildPtrace = `#include <errno.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
	pid_t c = fork();
	if (c == 0) {
		long r = ptrace(PTRACE_TRACEME, 0, 0, 0);
		printf("child %d: ptrace returned %ld errno %d\n", getpid(), r, errno);
		return 0;
	}
	int st;
	waitpid(c, &st, 0);
	printf("parent: child status %d\n", st);
	return 0;
}
`
	srcSpin = `int main(void) { volatile unsigned long n = 0; for (;;) n++; }
`
	srcSleep = `#include <unistd.h>
#include <stdio.h>
int main(void) {
	if (fork() == 0) { setsid(); if (fork() == 0) { for (;;) pause(); } return 0; }
	puts("sleeping");
	fflush(stdout);
	for (;;) sleep(1);
}
`
	srcRandom = `#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
	long n = atol(argv[1]);
	unsigned long x = 88172645463325252UL;
	char buf[65536];
	while (n > 0) {
		int k = n < (long)sizeof buf ? (int)n : (int)sizeof buf;
		for (int i = 0; i < k; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buf[i] = (char)x; }
		for (int off = 0; off < k; ) { ssize_t w = write(1, buf + off, k - off); if (w <= 0) return 1; off += w; }
		n -= k;
	}
	return 0;
}
`
	srcEcho = `#include <stdio.h>
int main(void) {
	char line[256];
	if (!fgets(line, sizeof line, stdin)) return 1;
	printf("got: %s", line);
	return 0;
}
`
)

// program compiles a fixture and makes it reachable for a program running as nobody.
func program(t *testing.T, name, src string) string {
	t.Helper()
	return testbin.CompileC(t, name, src)
}

// policyWith writes the default profile with the debugging rule's action replaced.
func policyWith(t testing.TB, action policy.Action) string {
	t.Helper()
	p, err := policy.Profile("default")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i := range p.Rules {
		for _, s := range p.Rules[i].Syscalls {
			if s == "@debug" || s == "ptrace" {
				p.Rules[i].Action = action
				found = true
			}
		}
	}
	if !found {
		t.Fatal("default profile has no rule for ptrace")
	}
	p.Name = "test-" + string(action.Kind)
	y, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(f, y, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// collected is everything a session emitted.
type collected struct {
	events   []Event
	output   bytes.Buffer
	blocked  []Blocked
	exit     *ExitStatus
	verified *VerifiedEvent
	compile  *CompileEvent
}

func collect(t *testing.T, s *Session, timeout time.Duration) *collected {
	t.Helper()
	c := &collected{}
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-s.Events():
			if !ok {
				return c
			}
			c.add(e)
		case <-deadline:
			t.Fatalf("session did not end within %v; events so far: %s", timeout, c.describe())
		}
	}
}

func (c *collected) add(e Event) {
	c.events = append(c.events, e)
	switch e := e.(type) {
	case OutputEvent:
		c.output.Write(e.Data)
	case BlockedEvent:
		c.blocked = append(c.blocked, e.B)
	case ExitEvent:
		st := e.Status
		c.exit = &st
	case VerifiedEvent:
		v := e
		c.verified = &v
	case CompileEvent:
		ce := e
		c.compile = &ce
	}
}

func (c *collected) describe() string {
	var b strings.Builder
	for _, e := range c.events {
		switch e := e.(type) {
		case OutputEvent:
			b.WriteString("output(" + strings.TrimSpace(string(e.Data)) + ") ")
		case ConsoleEvent:
			b.WriteString("console(" + e.Text + ") ")
		case ExitEvent:
			b.WriteString("exit(" + e.Status.Summary() + ") ")
		case StateEvent:
			b.WriteString("state(" + e.State.String() + ") ")
		case ErrorEvent:
			b.WriteString("error(" + e.Err.Error() + ") ")
		default:
			b.WriteString(strings.TrimPrefix(strings.TrimPrefix(typeName(e), "launcher."), "*") + " ")
		}
	}
	return b.String()
}

func typeName(e Event) string { return strings.TrimPrefix(fmtType(e), "launcher.") }

func baseConfig(t *testing.T, prog string, args ...string) Config {
	return Config{Program: prog, Args: args, WrapperPath: testbin.Wrapper(t), IO: IOPipe, Dir: t.TempDir()}
}

func runToEnd(t *testing.T, cfg Config) *collected {
	t.Helper()
	s, err := StartRun(context.Background(), cfg)
	if err != nil {
		t.Fatalf("StartRun: %v", err)
	}
	defer s.Close()
	c := collect(t, s, 30*time.Second)
	if c.exit == nil {
		t.Fatalf("no ExitEvent; events: %s", c.describe())
	}
	checkNoLeftovers(t, s)
	return c
}

// checkNoLeftovers fails when a sandboxed process (Seccomp 2) descends from this test process,
// or a sandbug temp dir is left.
func checkNoLeftovers(t *testing.T, s *Session) {
	t.Helper()
	self := os.Getpid()
	deadline := time.Now().Add(2 * time.Second)
	for {
		var left []int
		procs := allProcs()
		parent := map[int]int{}
		for _, p := range procs {
			parent[p.pid] = p.ppid
		}
		for _, p := range procs {
			for a, n := p.ppid, 0; a > 1 && n < 50; a, n = parent[a], n+1 {
				if a == self {
					if p.pid != self {
						left = append(left, p.pid)
					}
					break
				}
			}
		}
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes left behind: %s", describeProcs(left))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if s == nil {
		return
	}
	s.Close()
	dirs := []string{s.tmp}
	if s.sup != nil {
		dirs = append(dirs, filepath.Dir(s.sup.SocketPath()))
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); err == nil {
			t.Fatalf("temp dir left behind: %s", d)
		}
	}
}

// describeProcs names each pid with its command, state and parent, for a failure message.
func describeProcs(pids []int) string {
	var out []string
	for _, pid := range pids {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		st, _ := readStat(pid)
		out = append(out, fmt.Sprintf("%d (%s, state %c, parent %d)", pid, strings.TrimSpace(string(comm)), st.state, st.ppid))
	}
	return strings.Join(out, ", ")
}

// descendantsNamed lists this process's live descendants whose command is name.
func descendantsNamed(name string) []int {
	self := os.Getpid()
	procs := allProcs()
	parent := map[int]int{}
	for _, p := range procs {
		parent[p.pid] = p.ppid
	}
	var out []int
	for _, p := range procs {
		for a, n := p.ppid, 0; a > 1 && n < 50; a, n = parent[a], n+1 {
			if a == self {
				if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p.pid)); strings.TrimSpace(string(comm)) == name && p.state != 'Z' {
					out = append(out, p.pid)
				}
				break
			}
		}
	}
	return out
}

// waitFor polls cond every 10 ms for up to 10 s, and fails the test naming what it waited for.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
