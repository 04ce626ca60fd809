//go:build cyrus

package bench

import (
	"testing"
	"time"

	"github.com/cyrus-and/gdb"
)

// runCyrus gives the same fake gdb to cyrus-and/gdb through its public NewCmd and waits until
// its reader has delivered every record to the notification callback. Its Gdb has no way to
// reap a gdb that has already exited (Exit first writes a command to it), so the cat processes
// stay zombies until the benchmark binary ends.
func runCyrus(b *testing.B, c corpus) {
	done := make(chan struct{})
	n := 0
	_, err := gdb.NewCmd([]string{c.gdb}, func(map[string]interface{}) {
		n++
		if n == c.records {
			close(done)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		b.Fatalf("cyrus-and/gdb delivered %d of %d records", n, c.records)
	}
}

// BenchmarkPipelineCyrus: the corpus of BenchmarkPipelineSandbug through cyrus-and/gdb.
func BenchmarkPipelineCyrus(b *testing.B) {
	c := pipelineCorpus(b, 8<<20)
	b.SetBytes(c.bytes)
	for b.Loop() {
		runCyrus(b, c)
	}
}

// BenchmarkStoppedCyrus: the *stopped corpus of BenchmarkStoppedSandbug through cyrus-and/gdb.
func BenchmarkStoppedCyrus(b *testing.B) {
	c := stoppedCorpus(b, 20000)
	b.SetBytes(c.bytes)
	for b.Loop() {
		runCyrus(b, c)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.records), "ns/record")
}
