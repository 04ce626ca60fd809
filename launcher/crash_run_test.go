package launcher

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const srcDoubleFree = `#include <stdlib.h>
#include <stdio.h>
static void release(char *p) { free(p); }
int main(void) {
	char *p = malloc(32);
	release(p);
	release(p);
	puts("not reached");
	return 0;
}
`

// TestRunCrashCard: run mode reads a crash through ptrace (the double free's message from
// glibc's memory, the place from the return address into the program); with the tracer off
// the same run names only the signal.
func TestRunCrashCard(t *testing.T) {
	prog := program(t, "doublefree", srcDoubleFree)
	c := runToEnd(t, baseConfig(t, prog))
	st := *c.exit
	if st.Kind != KindSignaled || st.Signal != "SIGABRT" {
		t.Fatalf("exit = %+v, want signaled SIGABRT", st)
	}
	if st.Crash != string(CrashDoubleFree) || !strings.Contains(st.Explanation, "double free detected") {
		t.Errorf("crash %q, explanation %q; want a double free quoting glibc", st.Crash, st.Explanation)
	}
	if !strings.HasPrefix(st.Where, "doublefree.c:3 in release()") {
		t.Errorf("where %q, want doublefree.c:3 in release()", st.Where)
	}

	cfg := baseConfig(t, prog)
	cfg.NoCrashTrace = true
	off := *runToEnd(t, cfg).exit
	if off.Signal != "SIGABRT" || off.Crash != "" || off.Explanation != "" || off.Where != "" {
		t.Errorf("with NoCrashTrace: %+v, want SIGABRT with no crash reading", off)
	}
}

const srcSelfStop = `#include <signal.h>
#include <stdio.h>
#include <unistd.h>
static volatile sig_atomic_t got;
static void on_usr1(int s) { (void)s; got = 1; }
int main(void) {
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	raise(SIGSTOP);
	printf("continued, usr1=%d\n", (int)got);
	return 3;
}
`

// TestRunTracedSignalsPassOn: the crash tracer passes every signal on unchanged: a handled
// signal reaches its handler, and a stop stays a stop until SIGCONT (a group stop is LISTENed
// to, not resumed).
func TestRunTracedSignalsPassOn(t *testing.T) {
	prog := program(t, "selfstop", srcSelfStop)
	s, err := StartRun(t.Context(), baseConfig(t, prog))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Wait for the program to be stopped (state T in /proc), then continue it.
	deadline := time.Now().Add(10 * time.Second)
	stopped := false
	for !stopped && time.Now().Before(deadline) {
		pid := s.Pid()
		if pid > 0 {
			if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
				f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
				stopped = len(f) > 0 && (f[0] == "T" || f[0] == "t") // t: a group stop under the tracer
				if stopped {
					time.Sleep(200 * time.Millisecond) // still stopped a moment later
					b, _ = os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
					f = strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
					if len(f) == 0 || (f[0] != "T" && f[0] != "t") {
						t.Fatalf("the program did not stay stopped after SIGSTOP: state %v", f)
					}
					if err := unix.Kill(pid, unix.SIGCONT); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if !stopped {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !stopped {
		t.Fatal("the program never showed as stopped")
	}
	c := collect(t, s, 20*time.Second)
	if c.exit == nil || c.exit.Kind != KindExited || c.exit.Code != 3 {
		t.Fatalf("exit %+v, want exited 3", c.exit)
	}
	if !strings.Contains(c.output.String(), "continued, usr1=1") {
		t.Errorf("output %q, want the handler to have run and the program continued", c.output.String())
	}
}
