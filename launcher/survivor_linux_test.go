package launcher

import (
	"bufio"
	"context"
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

// debugChildEnv makes the test binary a stand-in for `sandbug debug`: "PROGRAM WRAPPER DIR".
// It starts a debug session, continues from the first stop and relays the program's output,
// until it is killed.
const debugChildEnv = "SANDBUG_LAUNCHER_TEST_DEBUGCHILD"

func runDebugChild(spec string) int {
	f := strings.Fields(spec)
	s, err := StartDebug(context.Background(), Config{Program: f[0], WrapperPath: f[1], Dir: f[2], IO: IOPty, StopAtBlocked: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	continued := false
	for e := range s.Events() {
		switch e := e.(type) {
		case StateEvent:
			if e.State == Stopped && !continued {
				continued = true
				go s.Continue()
			}
		case OutputEvent:
			os.Stdout.Write(e.Data)
		}
	}
	return 0
}

// TestDebugSIGKILLLeavesNoProgram: the launcher of a debug session is SIGKILLed while the
// program runs under gdb and a daemon it made runs outside gdb's reach; neither the program,
// gdb nor the daemon may go on (gdb's keeper kills what is below it).
func TestDebugSIGKILLLeavesNoProgram(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	t.Run("root", func(t *testing.T) { debugSIGKILL(t, false) })
	// As an ordinary uid: the launcher (this test binary), gdb, the keeper and the program all
	// that user's.
	t.Run("user", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root to start the launcher as another uid; the root case ran as this user")
		}
		debugSIGKILL(t, true)
	})
}

// testUserUID is an ordinary uid with no processes of its own.
const testUserUID = 4343

func debugSIGKILL(t *testing.T, asUser bool) {
	// The program also leaves a daemon (setsid and a double fork: re-parented away from it).
	prog := program(t, "sleeper", `#include <stdio.h>
#include <unistd.h>
int main(void) {
	if (fork() == 0) {
		setsid();
		if (fork() == 0) { printf("daemon %d\n", (int)getpid()); fflush(stdout); sleep(60); return 0; }
		return 0;
	}
	printf("pid %d ppid %d\n", (int)getpid(), (int)getppid()); fflush(stdout); sleep(60); return 0;
}
`)
	self := os.Args[0]
	if asUser {
		// The test binary, where that uid can run it.
		b, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		self = filepath.Join(testbin.WorldDir(t), "launcher.test")
		if err := os.WriteFile(self, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A temporary folder of the test's, which the user may write to: what the SIGKILLed
	// launcher cannot remove goes with it.
	tmp := filepath.Join(testbin.WorldDir(t), "tmp")
	if err := os.Mkdir(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), debugChildEnv+"="+prog+" "+testbin.Wrapper(t)+" "+testbin.WorldDir(t), "TMPDIR="+tmp)
	if asUser {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: testUserUID, Gid: testUserUID}}
		cmd.Env = append(cmd.Env, "HOME="+tmp)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var pid, gdb, daemon int
	br := bufio.NewReader(out)
	for pid == 0 || daemon == 0 {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("program's output ended: %v", err)
		}
		line = strings.TrimSpace(line)
		if _, serr := fmt.Sscanf(line, "pid %d ppid %d", &pid, &gdb); serr != nil {
			fmt.Sscanf(line, "daemon %d", &daemon)
		}
	}
	if !procAlive(pid) || !procAlive(gdb) || !procAlive(daemon) {
		t.Fatalf("program %d, gdb %d or daemon %d not running before the kill", pid, gdb, daemon)
	}
	if asUser {
		for _, p := range []int{pid, gdb, daemon} {
			var st syscall.Stat_t
			if err := syscall.Stat(fmt.Sprintf("/proc/%d", p), &st); err != nil || st.Uid != testUserUID {
				t.Fatalf("%d runs as uid %d (%v), want %d", p, st.Uid, err, testUserUID)
			}
		}
	}
	t.Cleanup(func() { syscall.Kill(daemon, syscall.SIGKILL) })
	// gdb runs under the session's keeper, which also goes.
	keeper := 0
	if st, ok := readStat(gdb); ok && st.ppid != cmd.Process.Pid {
		keeper = st.ppid
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(3 * time.Second)
	for procAlive(pid) || procAlive(gdb) || procAlive(daemon) || keeper > 0 && procAlive(keeper) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			syscall.Kill(gdb, syscall.SIGKILL)
			t.Fatalf("3 s after the launcher's SIGKILL: program %d alive %v, gdb %d alive %v, daemon %d alive %v",
				pid, procAlive(pid), gdb, procAlive(gdb), daemon, procAlive(daemon))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// This test process may be a child subreaper (other tests' sessions made it one): then the
	// dead gdb and program were re-parented to it as zombies, which later tests would count
	// as leftovers. Reap exactly those two.
	for _, p := range []int{pid, gdb, keeper} {
		if st, ok := readStat(p); ok && st.ppid == os.Getpid() {
			var ws syscall.WaitStatus
			syscall.Wait4(p, &ws, 0, nil)
		}
	}
}

// procAlive reports whether pid exists and is not a zombie.
func procAlive(pid int) bool {
	p, ok := readStat(pid)
	return ok && p.state != 'Z'
}
