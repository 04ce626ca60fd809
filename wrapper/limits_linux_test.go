package wrapper

import (
	"fmt"
	"path/filepath"
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
