package wrapper

// Benchmarks of the wrapper and the supervisor, each measured side by side with its baseline
// in the same run. scripts/bench-wrapper.sh runs them and docs/bench/wrapper.md records them:
//
//	go test -run '^$' -bench 'Wrapper|Supervisor' -benchtime 1x ./wrapper

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func timeRun(b *testing.B, argv ...string) time.Duration {
	start := time.Now()
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		b.Fatalf("%v: %v %s", argv, err, out)
	}
	return time.Since(start)
}

// BenchmarkWrapperStartup: `sandbug-wrapper -- /bin/true` against `/bin/true` and against
// `sandbug-wrapper --no-jail -- /bin/true`, interleaved, SANDBUG_BENCH_RUNS (200) runs each;
// metrics are medians. Targets: adds <= 3 ms; the jail adds < 0.5 ms. With
// SANDBUG_BENCH_BASELINE_WRAPPER set to another build of the wrapper (an older commit), that one
// runs interleaved too (baseline-wrapper-ms), so a change is measured side by side.
func BenchmarkWrapperStartup(b *testing.B) {
	w := testbin.Wrapper(b)
	runs := envInt("SANDBUG_BENCH_RUNS", 200)
	other := os.Getenv("SANDBUG_BENCH_BASELINE_WRAPPER")
	for b.Loop() {
		var plain, wrapped, nojail, notified, baseline []time.Duration
		sup, err := NewSupervisor(SupervisorConfig{Policy: defaultProfile(b)})
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			for range sup.Events() {
			}
		}()
		for range runs {
			plain = append(plain, timeRun(b, "/bin/true"))
			wrapped = append(wrapped, timeRun(b, w, "--", "/bin/true"))
			nojail = append(nojail, timeRun(b, w, "--no-jail", "--", "/bin/true"))
			notified = append(notified, timeRun(b, w, "--notify", sup.SocketPath(), "--", "/bin/true"))
			if other != "" {
				baseline = append(baseline, timeRun(b, other, "--", "/bin/true"))
			}
		}
		sup.Close()
		p, wr, n := median(plain), median(wrapped), median(notified)
		b.ReportMetric(float64(p.Microseconds())/1000, "true-ms")
		b.ReportMetric(float64(wr.Microseconds())/1000, "wrapper-ms")
		b.ReportMetric(float64(n.Microseconds())/1000, "wrapper-notify-ms")
		b.ReportMetric(float64((wr-p).Microseconds())/1000, "added-ms")
		// The Landlock jail's share of it (goal: < 0.5 ms).
		b.ReportMetric(float64((wr-median(nojail)).Microseconds())/1000, "jail-added-ms")
		b.ReportMetric(float64((n-p).Microseconds())/1000, "added-notify-ms")
		b.ReportMetric(float64(wr)/float64(p), "ratio")
		if other != "" {
			o := median(baseline)
			b.ReportMetric(float64(o.Microseconds())/1000, "baseline-wrapper-ms")
			b.ReportMetric(float64((o-p).Microseconds())/1000, "baseline-added-ms")
		}
	}
}

func parseField(b *testing.B, out, key string) float64 {
	for _, f := range strings.Fields(out) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			x, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return x
			}
		}
	}
	b.Fatalf("no %s in %q", key, out)
	return 0
}

// BenchmarkWrapperGetppid: a C loop of 10M getppid under the default profile against the same
// loop unfiltered, interleaved, SANDBUG_BENCH_REPEAT (5) runs each; medians. Target: <= 1.3x.
func BenchmarkWrapperGetppid(b *testing.B) {
	w := testbin.Wrapper(b)
	prog := fixture(b, "getppid_loop")
	n := strconv.Itoa(envInt("SANDBUG_BENCH_GETPPID", 10_000_000))
	repeat := envInt("SANDBUG_BENCH_REPEAT", 5)
	run := func(argv ...string) float64 {
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			b.Fatalf("%v: %v %s", argv, err, out)
		}
		return parseField(b, string(out), "per_call_ns")
	}
	for b.Loop() {
		var plain, filtered []float64
		for range repeat {
			plain = append(plain, run(prog, n))
			filtered = append(filtered, run(w, "--profile", "default", "--", prog, n))
		}
		slices.Sort(plain)
		slices.Sort(filtered)
		p, f := plain[len(plain)/2], filtered[len(filtered)/2]
		b.ReportMetric(p, "unfiltered-ns/call")
		b.ReportMetric(f, "default-ns/call")
		b.ReportMetric(f/p, "ratio")
	}
}

// BenchmarkSupervisorRoundTrip: the program times each of SANDBUG_BENCH_DENIED (100k) denied
// calls answered by the supervisor, against the same calls answered EPERM by the kernel (no
// --notify); metrics are the program's medians, plus whether every call was counted and the
// supervisor process's peak RSS. Target: median <= 50 us, exact count, RSS < 50 MB.
func BenchmarkSupervisorRoundTrip(b *testing.B) {
	w := testbin.Wrapper(b)
	prog := fixture(b, "denied")
	n := envInt("SANDBUG_BENCH_DENIED", 100_000)
	args := []string{"--", prog, strconv.Itoa(n), "135", "1", "time"}
	for b.Loop() {
		out, err := exec.Command(w, args...).CombinedOutput()
		if err != nil {
			b.Fatalf("kernel errno run: %v %s", err, out)
		}
		kernel := parseField(b, string(out), "p50_ns")

		sup, err := NewSupervisor(SupervisorConfig{Policy: defaultProfile(b)})
		if err != nil {
			b.Fatal(err)
		}
		var sum int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			for e := range sup.Events() {
				if e.Kind == EventBlocked {
					sum += int64(e.Count)
				}
				if e.Kind == EventDetached {
					time.Sleep(0) // keep reading until Close
				}
			}
		}()
		start := time.Now()
		out, err = exec.Command(w, append([]string{"--notify", sup.SocketPath()}, args...)...).CombinedOutput()
		elapsed := time.Since(start)
		if err != nil {
			b.Fatalf("supervised run: %v %s", err, out)
		}
		notified := parseField(b, string(out), "p50_ns")
		if !strings.Contains(string(out), fmt.Sprintf("eperm=%d other=0", n)) {
			b.Fatalf("program output %q", out)
		}
		var total int64
		for _, st := range sup.Stats() {
			total += st.Count
		}
		sup.Close()
		<-done
		b.ReportMetric(kernel/1000, "kernel-errno-p50-us")
		b.ReportMetric(notified/1000, "supervised-p50-us")
		b.ReportMetric(notified/kernel, "ratio")
		b.ReportMetric(float64(elapsed.Microseconds())/float64(n), "wall-us/call")
		b.ReportMetric(float64(total), "counted")
		b.ReportMetric(float64(sum), "event-sum")
		b.ReportMetric(float64(vmHWM())/(1<<20), "peak-RSS-MB")
	}
}

// vmHWM is this process's peak resident set size in bytes.
func vmHWM() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
