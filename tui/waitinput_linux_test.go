package tui

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/creack/pty"
)

// The kernel probe: a child blocked in read(0) on its terminal waits for input; one sleeping
// does not.
func TestWaitsForInputProbe(t *testing.T) {
	if _, err := os.Stat("/proc/self/syscall"); err != nil {
		t.Skip("no /proc/<pid>/syscall on this kernel")
	}
	reader := exec.Command("cat")
	f, err := pty.Start(reader)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defer reader.Process.Kill()
	sleeper := exec.Command("sleep", "30")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer sleeper.Process.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for !waitsForInput(reader.Process.Pid) {
		if time.Now().After(deadline) {
			b, _ := os.ReadFile("/proc/" + itoa(reader.Process.Pid) + "/syscall")
			t.Fatalf("cat reading its terminal is not seen waiting for input; syscall %q", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if waitsForInput(sleeper.Process.Pid) {
		t.Error("sleep 30 is seen waiting for input")
	}
	if waitsForInput(0) || waitsForInput(1<<30) {
		t.Error("no process, yet waiting for input")
	}
}
