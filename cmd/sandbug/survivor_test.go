package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

// srcSleeper prints its pid and sleeps: the victim of a SIGKILLed sandbug.
const srcSleeper = `#include <stdio.h>
#include <unistd.h>
int main(void) { printf("pid %d\n", (int)getpid()); fflush(stdout); sleep(60); return 0; }
`

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z'
}

// TestRunSIGKILLLeavesNoProgram: an autograder's timeout or the OOM killer SIGKILLs sandbug
// mid-run; the program must not go on under init (PR_SET_PDEATHSIG, set by the wrapper after
// the privilege drop, which clears it).
func TestRunSIGKILLLeavesNoProgram(t *testing.T) {
	testbin.NeedTool(t, "cc")
	dir := testbin.WorldDir(t)
	src := filepath.Join(dir, "sleeper.c")
	if err := os.WriteFile(src, []byte(srcSleeper), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd, out := startRun(t, dir, src, false)
	line, err := out.ReadString('\n')
	var pid int
	if _, serr := fmt.Sscanf(line, "pid %d", &pid); err != nil || serr != nil {
		t.Fatalf("program's first line %q: %v %v", line, err, serr)
	}
	if !alive(pid) {
		t.Fatalf("program %d not running before the kill", pid)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	killAndWaitGone(t, cmd, []int{pid})
}

// TestRunKillsLeftovers: a child the program leaves running is killed at the end and counted
// in the report and the footer.
func TestRunKillsLeftovers(t *testing.T) {
	testbin.NeedTool(t, "cc")
	dir := testbin.WorldDir(t)
	src := filepath.Join(dir, "forker.c")
	prog := `#include <unistd.h>
int main(void) { if (fork() == 0) { sleep(60); return 0; } if (fork() == 0) { setsid(); sleep(60); return 0; } usleep(100000); return 0; }
`
	if err := os.WriteFile(src, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := sandbug(t, "", "run", "--json", src)
	if code != 0 || !strings.Contains(stdout, `"leftovers_killed": 2`) {
		t.Fatalf("status %d; want leftovers_killed 2 in\n%s\nstderr %s", code, stdout, stderr)
	}
	_, stderr, _ = sandbug(t, "", "run", src)
	if !strings.Contains(stderr, "sandbug: killed 2 processes the program left running") {
		t.Fatalf("footer lacks the leftovers:\n%s", stderr)
	}
}

// srcDaemon leaves a daemon (fork, setsid, fork; the middle process exits, so the daemon is
// re-parented) that prints its pid, then sleeps itself.
const srcDaemon = `#include <stdio.h>
#include <unistd.h>
int main(void) {
	if (fork() == 0) {
		setsid();
		if (fork() == 0) {
			printf("daemon %d\n", (int)getpid());
			fflush(stdout);
			sleep(60);
			return 0;
		}
		return 0;
	}
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	sleep(60);
	return 0;
}
`

// TestRunSIGKILLLeavesNoDaemon: sandbug run is SIGKILLed while the program and a daemon it made
// (setsid and a double fork, re-parented away from the program) run: the keeper below sandbug,
// a child subreaper that sees its control socket close, kills both. As root (the program runs
// as nobody) and as an ordinary uid (sandbug, keeper and program all that user's).
func TestRunSIGKILLLeavesNoDaemon(t *testing.T) {
	testbin.NeedTool(t, "cc")
	for _, as := range []string{"root", "user"} {
		t.Run(as, func(t *testing.T) {
			if as == "user" && os.Geteuid() != 0 {
				t.Skip("needs root to start sandbug as another uid; the root case ran as this user")
			}
			runSIGKILLDaemon(t, as == "user")
		})
	}
}

func runSIGKILLDaemon(t *testing.T, asUser bool) {
	dir := testbin.WorldDir(t)
	src := filepath.Join(dir, "daemon.c")
	if err := os.WriteFile(src, []byte(srcDaemon), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd, r := startRun(t, dir, src, asUser)
	var pids []int
	for len(pids) < 2 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("program's output ended: %v (so far %v)", err, pids)
		}
		var pid int
		if _, err := fmt.Sscanf(line, "pid %d", &pid); err == nil {
			pids = append(pids, pid)
		} else if _, err := fmt.Sscanf(line, "daemon %d", &pid); err == nil {
			pids = append(pids, pid)
		}
	}
	want := 65534 // nobody: sandbug started as root
	if asUser {
		want = userUID
	}
	for _, pid := range pids {
		if !alive(pid) {
			t.Fatalf("%d not running before the kill", pid)
		}
		t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
		var st syscall.Stat_t
		if err := syscall.Stat(fmt.Sprintf("/proc/%d", pid), &st); err != nil || int(st.Uid) != want {
			t.Fatalf("%d runs as uid %d (%v), want %d", pid, st.Uid, err, want)
		}
	}
	killAndWaitGone(t, cmd, pids)
	t.Logf("program and daemon %v gone after sandbug's SIGKILL", pids)
}

// startRun starts `sandbug run src` in dir (as userUID when asUser) and returns it with a
// reader of the program's output.
func startRun(t *testing.T, dir, src string, asUser bool) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(testbin.Sandbug(t), "run", src)
	cmd.Dir = dir
	if asUser {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: userUID, Gid: userUID}}
		cmd.Env = append(os.Environ(), "TMPDIR="+dir, "HOME="+dir)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(out)
}

// killAndWaitGone SIGKILLs sandbug and fails unless every one of pids is gone within 2 s.
func killAndWaitGone(t *testing.T, cmd *exec.Cmd, pids []int) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(2 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("%d (of %v) still running 2 s after sandbug was SIGKILLed", pid, pids)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
