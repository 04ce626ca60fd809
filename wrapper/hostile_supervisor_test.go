package wrapper_test

// Hostile programs against the supervisor: reports from threads and orphaned children, floods
// and signal storms, the supervisor going away, and the cost of a reported call. Helpers in
// hostile_helpers_test.go.

import (
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
	"golang.org/x/sys/unix"
)

// TestHostileSupervisorGone: when the supervisor goes away while the program runs, its reported
// calls must fail closed (ENOSYS), never run and never hang.
func TestHostileSupervisorGone(t *testing.T) {
	t.Parallel()
	bin := cprog(t, "ptrace_traceme.c")
	pol, err := policy.Profile("default")
	if err != nil {
		t.Fatal(err)
	}
	sup, err := wrapper.NewSupervisor(wrapper.SupervisorConfig{Policy: pol})
	if err != nil {
		t.Fatalf("NewSupervisor: %v", err)
	}
	attached := make(chan wrapper.Event, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for e := range sup.Events() {
			if e.Kind == wrapper.EventAttached {
				attached <- e
			}
		}
	}()
	cmd := exec.Command(testbin.Wrapper(t), "--notify", sup.SocketPath(), "--profile", "default", "--", bin, "wait")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		sup.Close()
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	select {
	case <-attached:
	case <-time.After(runTimeout):
		sup.Close()
		t.Fatalf("the wrapper never attached; stderr: %s", stderr.String())
	}
	if err := sup.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	<-drained
	stdin.Write([]byte("x"))
	stdin.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(runTimeout):
		t.Fatalf("the program hung on a reported call after the supervisor closed")
	}
	r, ok := parseResult(stdout.String())
	if !ok || r.Errno() != "ENOSYS" {
		t.Fatalf("after the supervisor closed, ptrace should fail with ENOSYS; stdout %q stderr %q", stdout.String(), stderr.String())
	}
}

// TestHostileThread: a forbidden call from a second thread is reported with the process's pid
// and that thread's tid.
func TestHostileThread(t *testing.T) {
	t.Parallel()
	bin := cprog(t, "thread_personality.c")
	ctl := runPlain(t, spec{Argv: []string{bin}})
	if !ctl.Result.Succeeded() {
		t.Fatalf("control: personality(READ_IMPLIES_EXEC) from a thread should work unsandboxed; %s", ctl)
	}
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if o.Result.Errno() != "EPERM" {
		t.Fatalf("want EPERM; %s", o)
	}
	e := mustReport(t, o, "personality", "EPERM", []int{o.Pid})
	if tid := o.Result.Int("tid"); e.Tid != tid || tid == o.Pid {
		t.Errorf("event tid %d, want the calling thread %d (not the main thread %d)", e.Tid, tid, o.Pid)
	}
}

// TestHostileOrphan: the program's main process exits at once; its child, re-parented, then
// makes a forbidden call. The sandbox and its reports must outlive the main process.
func TestHostileOrphan(t *testing.T) {
	t.Parallel()
	bin := cprog(t, "orphan.c")
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if o.Result.Name != "orphan" || o.Result.Errno() != "EPERM" {
		t.Fatalf("want the orphan's ptrace to fail with EPERM; %s", o)
	}
	child := o.Result.Int("pid")
	if child == o.Pid {
		t.Fatalf("the RESULT came from the main process, not the child; %s", o)
	}
	mustReport(t, o, "ptrace", "EPERM", []int{child})
	if k := o.Events[len(o.Events)-1].Kind; k != wrapper.EventDetached {
		t.Errorf("last event %v, want detached (after the child's report)", k)
	}
}

// TestHostileFlood: a program calling a forbidden syscall many times gets every call answered
// and counted exactly once: plainly, from 8 threads at once, and under a storm of interval-timer
// signals (SA_RESTART) that keep interrupting calls waiting at the supervisor. Under the storm
// the wrapper's SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19) is what keeps counts exact:
// without it a signal can make the kernel drop a reply that SECCOMP_IOCTL_NOTIF_SEND already
// reported as delivered, and the restarted call is counted again (TestKernelNotifyRace), so on
// older kernels the storm only checks "at least once".
func TestHostileFlood(t *testing.T) {
	const calls = 20000
	for _, mode := range []string{"plain", "storm", "threads"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			bin := cprog(t, "flood.c")
			o := runSandboxed(t, spec{Argv: []string{bin, strconv.Itoa(calls), mode}})
			mustAttach(t, o)
			if o.Result.Errno() != "EPERM" || o.Result.Int("denied") != calls {
				t.Fatalf("want all %d calls denied with EPERM; %s", calls, o.Result.Line)
			}
			t.Logf("%s in %v", o.Result.Line, o.Elapsed.Round(time.Millisecond))
			sum := 0
			for _, e := range o.Blocked("personality") {
				sum += e.Count
			}
			var stat int64
			for _, st := range o.Stats {
				if st.Syscall == "personality" {
					stat += st.Count
				}
			}
			for _, e := range o.Blocked("personality") {
				if e.Pid != o.Pid {
					t.Errorf("event from pid %d (tid %d), want the program's %d", e.Pid, e.Tid, o.Pid)
					break
				}
			}
			if int64(sum) != stat {
				t.Errorf("events count %d personality calls, Stats %d", sum, stat)
			}
			switch {
			case sum < calls:
				t.Errorf("counted %d personality calls, fewer than the %d the program made", sum, calls)
			case sum > calls && mode == "storm" && !kernelAtLeast(5, 19):
				t.Logf("counted %d: %d interrupted calls had a reply the kernel dropped (no WAIT_KILLABLE_RECV before Linux 5.19)", sum, sum-calls)
			case sum != calls:
				t.Errorf("counted %d personality calls, the program made %d", sum, calls)
			}
			if max := calls + o.Result.Int("ticks"); sum > max {
				t.Errorf("counted %d calls, more than calls + interruptions (%d)", sum, max)
			}
		})
	}
}

// TestKernelNotifyRace pins down the kernel behaviour TestHostileFlood's storm mode tolerates,
// with a C program of its own (no sandbug code): under a signal storm, successful
// SECCOMP_IOCTL_NOTIF_SEND replies can exceed the calls made (interruptible wait), but never with
// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, which would make the supervisor's counts exact when no
// debugger needs to interrupt the program.
func TestKernelNotifyRace(t *testing.T) {
	for _, mode := range []string{"interruptible", "killable"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			bin := cprog(t, "notify_race.c")
			o := runPlain(t, spec{Argv: []string{bin, "20000", mode}})
			if !o.HasResult || o.Result.Int("denied") != 20000 {
				t.Fatalf("want 20000 denied calls; %s", o)
			}
			t.Log(o.Result.Line)
			over := o.Result.Int("overcount")
			if over < 0 || (mode == "killable" && over != 0) {
				t.Errorf("%s: %d more successful replies than calls", mode, over)
			}
		})
	}
}

// BenchmarkDeniedCall measures one forbidden call (personality(READ_IMPLIES_EXEC)), made b.N
// times in one run of the flood program: unsandboxed (the call runs), under the wrapper without
// a supervisor (the filter answers EPERM in the kernel), and reported through the supervisor
// (the notify round trip). The program's start-up is spread over b.N: use a large -benchtime,
// e.g. go test ./wrapper/ -run '^$' -bench DeniedCall -benchtime 200000x
func BenchmarkDeniedCall(b *testing.B) {
	bin := cprog(b, "flood.c")
	wr := testbin.Wrapper(b)
	pol, err := policy.Profile("default")
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, argv ...string) {
		b.Helper()
		cmd := exec.Command(argv[0], argv[1:]...)
		b.ResetTimer()
		out, err := cmd.Output()
		b.StopTimer()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			b.Fatalf("%v: %v", argv, err)
		}
		if r, ok := parseResult(string(out)); !ok || r.Int("calls") != b.N {
			b.Fatalf("%v: unexpected output %q", argv, out)
		}
	}
	b.Run("unsandboxed", func(b *testing.B) {
		run(b, bin, strconv.Itoa(b.N))
	})
	b.Run("kernel-errno", func(b *testing.B) {
		run(b, wr, "--profile", "default", "--", bin, strconv.Itoa(b.N))
	})
	b.Run("supervisor", func(b *testing.B) {
		sup, err := wrapper.NewSupervisor(wrapper.SupervisorConfig{Policy: pol})
		if err != nil {
			b.Fatal(err)
		}
		defer sup.Close()
		go func() {
			for range sup.Events() {
			}
		}()
		run(b, wr, "--notify", sup.SocketPath(), "--profile", "default", "--", bin, strconv.Itoa(b.N))
	})
}

// kernelAtLeast reports whether the running kernel's version is at least major.minor.
func kernelAtLeast(major, minor int) bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	var ma, mi int
	if _, err := fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}
