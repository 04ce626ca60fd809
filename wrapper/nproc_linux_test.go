package wrapper

import (
	"bufio"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// threadsSrc starts n-1 threads (argv[1] = n), says "ready" and sleeps: one process of n tasks;
// with argv[2] "nodump" it makes itself not dumpable first (its /proc folder then belongs to root).
const threadsSrc = `#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
static void *idle(void *a) { pause(); return a; }
int main(int argc, char **argv) {
	int n = atoi(argv[1]);
	if (argc > 2 && !strcmp(argv[2], "nodump") && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) return 3;
	for (int i = 1; i < n; i++) { pthread_t t; if (pthread_create(&t, NULL, idle, NULL)) return 2; }
	printf("ready\n"); fflush(stdout);
	pause();
	return 0;
}
`

// TestUIDTasksCountsEveryThread checks the relative process limit's count against a known set:
// processes of one uid with 1, 4 and 7 tasks and a non-dumpable one of 3 are 15 tasks, the
// kernel's RLIMIT_NPROC unit; another uid's process of 5 tasks, this test's own and root's
// count nothing for it.
func TestUIDTasksCountsEveryThread(t *testing.T) {
	needRoot(t)
	const uid, other = 4346, 4347 // no other process of these uids exists on a test machine
	for _, u := range []int{uid, other} {
		if n := uidTasks(u); n != 0 {
			t.Fatalf("uid %d already has %d tasks on this machine: pick another", u, n)
		}
	}
	bin := testbin.CompileC(t, "threads", threadsSrc, "-pthread")
	start := func(u int, args ...string) {
		c := exec.Command(bin, args...)
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u), Gid: uint32(u)}}
		out, err := c.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
		if l, _ := bufio.NewReader(out).ReadString('\n'); strings.TrimSpace(l) != "ready" {
			t.Fatalf("%s %s said %q", bin, args, l)
		}
	}
	start(uid, "1")
	start(uid, "4")
	start(uid, "7")
	start(uid, "3", "nodump")
	start(other, "5")
	if n := uidTasks(uid); n != 15 {
		t.Errorf("uidTasks(%d) = %d with processes of 1, 4, 7 and 3 (not dumpable) tasks, want 15", uid, n)
	}
	if n := uidTasks(other); n != 5 {
		t.Errorf("uidTasks(%d) = %d with one process of 5 tasks, want 5", other, n)
	}
	if len(kernelThreads()) == 0 {
		t.Log("no kernel threads seen at /proc/2 (a pid namespace?): every process was looked at")
	}
}
