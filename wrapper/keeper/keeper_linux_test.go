package keeper

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/internal/testbin"
)

// TestMain removes the keeper binary the tests build (testbin.Keeper) when they end.
func TestMain(m *testing.M) { testbin.Main(m) }

// startKeeper starts `sandbug-wrapper --keeper --session pgid -- sh -c script` with its control
// socket; it returns the command, sandbug's end of the socket and a reader of the keeper's lines.
func startKeeper(t *testing.T, script string) (*exec.Cmd, *os.File, *bufio.Reader) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "ctl"), os.NewFile(uintptr(fds[1]), "ctl-keeper")
	cmd := exec.Command(testbin.Keeper(t), "--session", "pgid", "--", "/bin/sh", "-c", script)
	cmd.ExtraFiles = []*os.File{theirs}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	theirs.Close()
	t.Cleanup(func() { ours.Close(); cmd.Process.Kill(); cmd.Wait() })
	return cmd, ours, bufio.NewReader(ours)
}

func keeperLine(t *testing.T, r *bufio.Reader, prefix string) int {
	t.Helper()
	l, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(l, prefix+" ") {
		t.Fatalf("keeper said %q (%v), want %q", l, err, prefix+" N")
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(l, prefix+" ")))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// pidsOfComm lists the live processes whose command line holds marker.
func pidsWith(marker string) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if strings.Contains(string(b), marker) && processState(pid) != 'Z' && processState(pid) != 0 {
			out = append(out, pid)
		}
	}
	return out
}

// TestKeeperKillsWhatIsLeft: the program leaves a background child and a daemon (setsid and a
// double fork); the keeper reports the program's pid and its exit status, keeps its zombie, and
// when sandbug's end of the control socket closes (sandbug is done, or the kernel closed it
// because sandbug died: cmd/sandbug's survivor tests kill sandbug itself), nothing is left and
// the keeper ends with the program's status.
func TestKeeperKillsWhatIsLeft(t *testing.T) {
	marker := "keeper-test-" + strconv.Itoa(os.Getpid())
	script := "sh -c 'sleep 100' " + marker + " & setsid sh -c \"sh -c 'sleep 200' " + marker + " &\"; exit 3"
	cmd, ctl, r := startKeeper(t, script)
	pid := keeperLine(t, r, "pid")
	status := keeperLine(t, r, "exit")
	if ws := unix.WaitStatus(status); !ws.Exited() || ws.ExitStatus() != 3 {
		t.Fatalf("exit status %#x, want exited 3", status)
	}
	if processState(pid) != 'Z' {
		t.Errorf("the program %d is not kept as a zombie (state %q)", pid, processState(pid))
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(pidsWith(marker)) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(pidsWith(marker)); n < 2 {
		t.Fatalf("%d of the program's 2 leftovers running before the end", n)
	}
	ctl.Close()
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Errorf("keeper ended %v, want status 3 like the program", err)
	}
	if left := pidsWith(marker); len(left) > 0 {
		t.Errorf("left running: %v", left)
	}
}

// TestKeeperMirrorsASignal: a program killed by a signal makes the keeper report that raw
// status and end by the same signal.
func TestKeeperMirrorsASignal(t *testing.T) {
	cmd, ctl, r := startKeeper(t, "kill -TERM $$")
	keeperLine(t, r, "pid")
	status := keeperLine(t, r, "exit")
	if ws := unix.WaitStatus(status); !ws.Signaled() || ws.Signal() != unix.SIGTERM {
		t.Fatalf("exit status %#x, want SIGTERM", status)
	}
	ctl.Close()
	cmd.Wait()
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("keeper ended %v, want SIGTERM", cmd.ProcessState)
	}
}
