package wrapper

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// TestLimitsApply runs fixtures that run into each limit under the hand-filter wrapper.
func TestLimitsApply(t *testing.T) {
	lim := fixture(t, "limits")
	status := fixture(t, "status")

	t.Run("nofile is what the program sees", func(t *testing.T) {
		r := runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=nofile=17"}, status)
		if r.err != nil || !strings.Contains(r.stdout, "nofile=17\n") {
			t.Fatalf("err %v, output %q, stderr %q", r.err, r.stdout, r.stderr)
		}
		r = runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=nofile=10"}, lim, "nofile")
		if r.err != nil || !strings.Contains(r.stdout, "opened=7 maxfd=9 errno=Too many open files") {
			t.Fatalf("err %v, output %q, stderr %q", r.err, r.stdout, r.stderr)
		}
	})
	t.Run("cpu gives SIGXCPU", func(t *testing.T) {
		if testing.Short() {
			t.Skip("spins a CPU for a second")
		}
		r := runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=cpu=1s"}, status)
		if !strings.Contains(r.stdout, "cpu=1/2\n") {
			t.Fatalf("cpu limit soft/hard: %q", r.stdout)
		}
		r = runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=cpu=1s"}, lim, "cpu")
		if sig := signalOf(r.err); sig != syscall.SIGXCPU {
			t.Fatalf("cpu loop ended with %v (signal %v), want SIGXCPU", r.err, sig)
		}
	})
	t.Run("fsize", func(t *testing.T) {
		dir := testbin.WorldDir(t)
		out := filepath.Join(dir, "f")
		wr := "SANDBUG_WRAPPER_TEST_WRITE=" + dir
		r := runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=fsize=3M", wr}, lim, "fsize", out)
		if sig := signalOf(r.err); sig != syscall.SIGXFSZ {
			t.Fatalf("write past fsize ended with %v (signal %v), want SIGXFSZ; out %q", r.err, sig, r.stdout+r.stderr)
		}
		r = runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=fsize=3M", wr}, lim, "fsize", out, "ignore")
		if r.err != nil || !strings.Contains(r.stdout, "written=3145728 errno=File too large") {
			t.Fatalf("err %v, output %q, stderr %q", r.err, r.stdout, r.stderr)
		}
	})
	t.Run("mem", func(t *testing.T) {
		if raceEnabled {
			// This wrapper is the test binary itself; under -race its ThreadSanitizer runtime
			// runs out of the 64 MiB it is given. TestHostileLimits/mem covers the limit with
			// the real (uninstrumented) wrapper binary in every run.
			t.Skip("the race detector's runtime cannot run under mem=64M; covered by TestHostileLimits/mem")
		}
		// Repeated: the wrapper itself must never trip over the address-space limit it sets.
		for i := 0; i < 20; i++ {
			r := runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=mem=64M"}, lim, "mem")
			var n int
			if _, err := fmt.Sscanf(r.stdout, "mib=%d", &n); r.err != nil || err != nil || n < 40 || n >= 64 {
				t.Fatalf("run %d: err %v, output %q, stderr %q: want 40..63 MiB under mem=64M", i, r.err, r.stdout, r.stderr)
			}
		}
	})
	t.Run("nproc as nobody", func(t *testing.T) {
		needRoot(t)
		r := runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=nproc=5"}, lim, "nproc")
		// nobody may own other processes on this machine; at most 4 children fit beside the parent.
		if r.err != nil || !strings.Contains(r.stdout, "errno=Resource temporarily unavailable") {
			t.Fatalf("err %v, output %q, stderr %q", r.err, r.stdout, r.stderr)
		}
		var n int
		if _, err := fmtSscan(r.stdout, &n); err != nil || n > 4 {
			t.Fatalf("forked %d children under nproc=5 (%q)", n, r.stdout)
		}
	})
}

// TestRelativeNProc measures that RLIMIT_NPROC counts every task of the real uid, the user's
// other processes included, and that "nproc=+N" leaves the program N processes whatever the
// user already runs: 30 sleepers of the program's uid stand for a user's open programs.
func TestRelativeNProc(t *testing.T) {
	needRoot(t)
	const uid = 4344 // no other process of this uid exists on a test machine
	lim, status := fixture(t, "limits"), fixture(t, "status")
	var sleepers []*exec.Cmd
	t.Cleanup(func() {
		for _, c := range sleepers {
			c.Process.Kill()
			c.Wait()
		}
	})
	for i := 0; i < 30; i++ {
		c := exec.Command("sleep", "120")
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		sleepers = append(sleepers, c)
	}
	user := "SANDBUG_WRAPPER_TEST_USER=" + strconv.Itoa(uid)
	forks := func(limits string) int {
		t.Helper()
		r := runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=" + limits, user}, lim, "nproc")
		var n int
		if _, err := fmtSscan(r.stdout, &n); r.err != nil || err != nil {
			t.Fatalf("%s: err %v, output %q, stderr %q", limits, r.err, r.stdout, r.stderr)
		}
		return n
	}
	// Absolute: the 30 sleepers already exceed 20, so not one fork succeeds.
	if n := forks("nproc=20"); n != 0 {
		t.Errorf("nproc=20 with 30 other processes of the uid: %d forks succeeded, want 0 (the kernel counts them all)", n)
	}
	// Relative: the program and 5 children, the sleepers notwithstanding.
	if n := forks("nproc=+6"); n != 5 {
		t.Errorf("nproc=+6 with 30 other processes of the uid: %d forks succeeded, want 5", n)
	}
	r := runHandWrapper(t, "errno", []string{"SANDBUG_WRAPPER_TEST_LIMITS=nproc=+6", user}, status)
	if !strings.Contains(r.stdout, "nproc=36\n") {
		t.Errorf("nproc=+6 beside 30 sleepers: RLIMIT_NPROC in the program is not 36: %q %q", r.stdout, r.stderr)
	}
}
