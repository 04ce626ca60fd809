package launcher

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
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
// program runs under gdb; neither the program nor gdb may go on.
func TestDebugSIGKILLLeavesNoProgram(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	prog := program(t, "sleeper", `#include <stdio.h>
#include <unistd.h>
int main(void) { printf("pid %d ppid %d\n", (int)getpid(), (int)getppid()); fflush(stdout); sleep(60); return 0; }
`)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), debugChildEnv+"="+prog+" "+testbin.Wrapper(t)+" "+testbin.WorldDir(t))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	var pid, gdb int
	if _, serr := fmt.Sscanf(strings.TrimSpace(line), "pid %d ppid %d", &pid, &gdb); err != nil || serr != nil {
		t.Fatalf("program's first line %q: %v %v", line, err, serr)
	}
	if !procAlive(pid) || !procAlive(gdb) {
		t.Fatalf("program %d or gdb %d not running before the kill", pid, gdb)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(3 * time.Second)
	for procAlive(pid) || procAlive(gdb) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			syscall.Kill(gdb, syscall.SIGKILL)
			t.Fatalf("3 s after the launcher's SIGKILL: program %d alive %v, gdb %d alive %v", pid, procAlive(pid), gdb, procAlive(gdb))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// This test process may be a child subreaper (other tests' sessions made it one): then the
	// dead gdb and program were re-parented to it as zombies, which later tests would count
	// as leftovers. Reap exactly those two.
	for _, p := range []int{pid, gdb} {
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
