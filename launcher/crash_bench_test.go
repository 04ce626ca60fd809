package launcher

import (
	"context"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

const srcGetppid = `#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
	long i, k = atol(argv[1]);
	for (i = 0; i < k; i++) syscall(SYS_getppid);
	return 0;
}
`

const srcSignals = `#include <signal.h>
#include <stdlib.h>
static volatile sig_atomic_t n;
static void on(int s) { (void)s; n++; }
int main(int argc, char **argv) {
	int i, k = atoi(argv[1]);
	signal(SIGUSR1, on);
	for (i = 0; i < k; i++) raise(SIGUSR1);
	return n == k ? 0 : 1;
}
`

// BenchmarkCrashTrace measures what run mode's crash reading (the launcher seizing the program
// for signal stops) costs a program that does not crash, against the same run with
// Config.NoCrashTrace, interleaved, SANDBUG_BENCH_RUNS rounds (default 15); metrics are medians
// and ratios traced/untraced:
//   - start: a program that returns at once (start-up and exit of a whole run session);
//   - 1GiB: 1 GiB written to stdout, every byte read by the session (IOPipe);
//   - syscalls: 5,000,000 getppid (a traced task's system calls take the ordinary path);
//   - signals: 10,000 handled SIGUSR1 (the one case the tracer does pay for: one stop each).
func BenchmarkCrashTrace(b *testing.B) {
	rounds := 15
	if v, err := strconv.Atoi(os.Getenv("SANDBUG_BENCH_RUNS")); err == nil && v > 0 {
		rounds = v
	}
	flood := testbin.CompileC(b, "flood", srcFlood)
	sigs := testbin.CompileC(b, "signals", srcSignals)
	getppid := testbin.CompileC(b, "getppid", srcGetppid)
	w := testbin.Wrapper(b)
	once := func(prog string, args []string, off bool, want int) time.Duration {
		cfg := Config{Program: prog, Args: args, WrapperPath: w, IO: IOPipe, NoCrashTrace: off}
		t0 := time.Now()
		s, err := StartRun(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		var exit *ExitStatus
		for e := range s.Events() {
			switch e := e.(type) {
			case OutputEvent:
				got += len(e.Data)
			case ExitEvent:
				st := e.Status
				exit = &st
			}
		}
		d := time.Since(t0)
		s.Close()
		if got != want || exit == nil || !exit.Success() {
			b.Fatalf("%s %v: %d bytes (want %d), exit %+v", prog, args, got, want, exit)
		}
		return d
	}
	cases := []struct {
		name string
		prog string
		args []string
		want int
	}{
		{"start", flood, []string{"0"}, 0},
		{"1GiB", flood, []string{strconv.Itoa(1 << 30)}, 1 << 30},
		{"syscalls", getppid, []string{"5000000"}, 0},
		{"signals", sigs, []string{"10000"}, 0},
	}
	only := os.Getenv("SANDBUG_BENCH_CASES") // "start,1GiB": a subset
	for b.Loop() {
		for _, c := range cases {
			if only != "" && !strings.Contains(","+only+",", ","+c.name+",") {
				continue
			}
			var on, off []time.Duration
			for r := 0; r < rounds; r++ {
				// Alternate which goes first: the machine is shared and drifts.
				if r%2 == 0 {
					on = append(on, once(c.prog, c.args, false, c.want))
					off = append(off, once(c.prog, c.args, true, c.want))
				} else {
					off = append(off, once(c.prog, c.args, true, c.want))
					on = append(on, once(c.prog, c.args, false, c.want))
				}
			}
			mOn, mOff := medianDur(on), medianDur(off)
			b.ReportMetric(float64(mOn.Microseconds())/1000, c.name+"-traced-ms")
			b.ReportMetric(float64(mOff.Microseconds())/1000, c.name+"-untraced-ms")
			b.ReportMetric(float64(mOn)/float64(mOff), c.name+"-ratio")
			// The median of each round's own ratio: the pair ran back to back, so drift of
			// the shared machine between rounds cancels out.
			ratios := make([]time.Duration, len(on))
			for i := range on {
				ratios[i] = time.Duration(float64(on[i]) / float64(off[i]) * 1e6)
			}
			b.ReportMetric(float64(medianDur(ratios))/1e6, c.name+"-paired-ratio")
		}
	}
}

func medianDur(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
