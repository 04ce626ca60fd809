package proctree

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// fifty.c: a process that opens 17 files (20 fds with stdin/out/err) and forks 49 children,
// which inherit them: the 50 processes x 20 fds of issue 16's refresh-cost goal.
const fiftyC = `#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
	for (int i = 0; i < 17; i++) {
		char name[32];
		snprintf(name, sizeof name, "f%d", i);
		if (open(name, O_RDWR | O_CREAT, 0644) < 0) return 1;
	}
	for (int i = 0; i < 49; i++)
		if (fork() == 0) { pause(); return 0; }
	printf("ready\n");
	fflush(stdout);
	pause();
	return 0;
}
`

// BenchmarkRead50x20 measures one snapshot of 50 processes with 20 fds each, and reports the
// CPU share of refreshing at 2 Hz (the goal: under 1 % of one core).
func BenchmarkRead50x20(b *testing.B) {
	cc, err := exec.LookPath("gcc")
	if err != nil {
		b.Skip("gcc is not installed")
	}
	dir := b.TempDir()
	src := filepath.Join(dir, "fifty.c")
	os.WriteFile(src, []byte(fiftyC), 0o644)
	bin := filepath.Join(dir, "fifty")
	if out, err := exec.Command(cc, "-o", bin, src).CombinedOutput(); err != nil {
		b.Fatalf("gcc: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.SysProcAttr = groupAttr()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { killGroup(cmd.Process.Pid); cmd.Wait() }()
	bufio.NewScanner(stdout).Scan()
	tr := Read(cmd.Process.Pid)
	if len(tr.Procs) != 50 || len(tr.Procs[0].Fds) < 20 {
		b.Fatalf("%d processes, %d fds", len(tr.Procs), len(tr.Procs[0].Fds))
	}
	for _, fds := range []bool{true, false} {
		name := map[bool]string{true: "with-fds", false: "tree-only"}[fds]
		b.Run(name, func(b *testing.B) {
			cpuMetrics(b, func() { ReadTree(cmd.Process.Pid, fds) })
		})
	}
	// The TUI's live view: a Refresher focused on the parent (its table read every time, the
	// others' in turns, kcmp answers kept). Warmed up first: the first refresh reads all.
	b.Run("refresher", func(b *testing.B) {
		r := NewRefresher(cmd.Process.Pid)
		r.Refresh(cmd.Process.Pid, true)
		cpuMetrics(b, func() { r.Refresh(cmd.Process.Pid, true) })
	})
}

// cpuMetrics runs f b.N times and reports its wall time and CPU time (user + system of this
// process, getrusage: /proc reads are mostly system time) per call, and the share of one core
// that calling it twice a second takes. CPU time is the figure the goal is about; wall time
// also counts waiting for a core on a busy machine.
func cpuMetrics(b *testing.B, f func()) {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start, c0 := time.Now(), cpu()
	for i := 0; i < b.N; i++ {
		f()
	}
	per := time.Since(start) / time.Duration(b.N)
	cpuPer := (cpu() - c0) / time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds())/1000, "wall-ms/snapshot")
	b.ReportMetric(float64(cpuPer.Microseconds())/1000, "cpu-ms/snapshot")
	b.ReportMetric(2*float64(cpuPer)/float64(time.Second)*100, "%cpu-at-2Hz")
}
