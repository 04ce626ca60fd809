package wrapper

import (
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

// Benchmarks of the Landlock jail (issue 12 item 9), each against --no-jail in the same run.
// Hardware counters (perf stat -e instructions) are not supported on this VM and callgrind
// aborts on the Go wrapper (a signal assertion in cgo's thread start), so the figures are times:
// many interleaved pairs, in alternating order, and the median of the per-pair differences,
// which a slow drift of the machine's load affects far less than a difference of medians. The
// CPU time (user + system, from wait4) is reported beside the wall time: it leaves out the time
// the process waits for a core, the main noise on a loaded machine.
//
//	SANDBUG_BENCH_RUNS=400 SANDBUG_BENCH_REPEAT=9 go test -run '^$' -bench Jail -benchtime 1x ./wrapper

// timeCPU runs argv in dir and returns its wall time and CPU time (user + system).
func timeCPU(b *testing.B, dir string, argv ...string) (wall, cpu time.Duration, out string) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	start := time.Now()
	o, err := cmd.CombinedOutput()
	wall = time.Since(start)
	if err != nil {
		b.Fatalf("%v: %v %s", argv, err, o)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return wall, cpu, string(o)
}

func medianF(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkJailStartup: `sandbug-wrapper -- /bin/true` with the jail and with --no-jail,
// SANDBUG_BENCH_RUNS (400) pairs. Goal: the jail adds < 0.5 ms.
func BenchmarkJailStartup(b *testing.B) {
	w := testbin.Wrapper(b)
	dir := testbin.WorldDir(b)
	runs := envInt("SANDBUG_BENCH_RUNS", 400)
	for b.Loop() {
		var jw, nw, dWall, dCPU []float64
		for i := range runs {
			var jWall, jCPU, nWall, nCPU time.Duration
			if i%2 == 0 {
				jWall, jCPU, _ = timeCPU(b, dir, w, "--", "/bin/true")
				nWall, nCPU, _ = timeCPU(b, dir, w, "--no-jail", "--", "/bin/true")
			} else {
				nWall, nCPU, _ = timeCPU(b, dir, w, "--no-jail", "--", "/bin/true")
				jWall, jCPU, _ = timeCPU(b, dir, w, "--", "/bin/true")
			}
			ms := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
			jw, nw = append(jw, ms(jWall)), append(nw, ms(nWall))
			dWall, dCPU = append(dWall, ms(jWall-nWall)), append(dCPU, ms(jCPU-nCPU))
		}
		b.ReportMetric(medianF(jw), "jail-ms")
		b.ReportMetric(medianF(nw), "nojail-ms")
		b.ReportMetric(medianF(dWall), "jail-added-ms")
		b.ReportMetric(medianF(dCPU), "jail-added-cpu-ms")
	}
}

// BenchmarkJailOpenHeavy: 100,000 open+close of a file in the program's working folder (which
// the jail lets it write), timed by the program itself, with the jail and with --no-jail,
// SANDBUG_BENCH_REPEAT (9) interleaved rounds. Goal: within 5 %. Each round also runs the floor:
// the same loop with and without the smallest Landlock domain (one rule, set by the program
// itself, no seccomp), which is what any Landlock jail pays per open. Every run is pinned to one
// CPU with taskset where it is installed: this VM's cores differ by up to 30 % in open's cost.
func BenchmarkJailOpenHeavy(b *testing.B) {
	w := testbin.Wrapper(b)
	prog := fixture(b, "open_loop")
	dir := testbin.WorldDir(b)
	n := strconv.Itoa(envInt("SANDBUG_BENCH_OPENS", 100_000))
	repeat := envInt("SANDBUG_BENCH_REPEAT", 9)
	var pin []string
	if ts, err := exec.LookPath("taskset"); err == nil {
		pin = []string{ts, "-c", "0"}
	} else {
		b.Log("taskset not installed: runs are not pinned to one CPU")
	}
	for b.Loop() {
		var jail, nojail, floor, bare, pairs, floorPairs []float64
		run := func(argv ...string) float64 {
			_, _, out := timeCPU(b, dir, append(slices.Clone(pin), argv...)...)
			return parseField(b, out, "per_open_ns")
		}
		for i := range repeat {
			var j, nj, f, c float64
			if i%2 == 0 {
				j, nj = run(w, "--", prog, n), run(w, "--no-jail", "--", prog, n)
				f, c = run(prog, n, "landlock"), run(prog, n)
			} else {
				nj, j = run(w, "--no-jail", "--", prog, n), run(w, "--", prog, n)
				c, f = run(prog, n), run(prog, n, "landlock")
			}
			jail, nojail, floor, bare = append(jail, j), append(nojail, nj), append(floor, f), append(bare, c)
			pairs, floorPairs = append(pairs, j/nj), append(floorPairs, f/c)
		}
		b.ReportMetric(medianF(jail), "jail-ns/open")
		b.ReportMetric(medianF(nojail), "nojail-ns/open")
		b.ReportMetric(medianF(pairs), "ratio")
		b.ReportMetric(medianF(floorPairs), "landlock-floor-ratio")
		b.ReportMetric(medianF(bare), "bare-ns/open")
	}
}
