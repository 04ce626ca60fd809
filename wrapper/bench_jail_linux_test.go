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
// SANDBUG_BENCH_REPEAT (9) interleaved runs each. Goal: within 5 %.
func BenchmarkJailOpenHeavy(b *testing.B) {
	w := testbin.Wrapper(b)
	prog := fixture(b, "open_loop")
	dir := testbin.WorldDir(b)
	n := strconv.Itoa(envInt("SANDBUG_BENCH_OPENS", 100_000))
	repeat := envInt("SANDBUG_BENCH_REPEAT", 9)
	for b.Loop() {
		var jail, nojail []float64
		for i := range repeat {
			run := func(extra ...string) float64 {
				_, _, out := timeCPU(b, dir, append(append([]string{w}, extra...), "--", prog, n)...)
				return parseField(b, out, "per_open_ns")
			}
			if i%2 == 0 {
				jail, nojail = append(jail, run()), append(nojail, run("--no-jail"))
			} else {
				nojail, jail = append(nojail, run("--no-jail")), append(jail, run())
			}
		}
		j, nj := medianF(jail), medianF(nojail)
		b.ReportMetric(j, "jail-ns/open")
		b.ReportMetric(nj, "nojail-ns/open")
		b.ReportMetric(j/nj, "ratio")
	}
}
