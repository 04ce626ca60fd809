package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// forksSrc forks; the child runs child_work and exits with its result, the parent waits.
const forksSrc = `#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
int child_work(int x) {
	int y = x * 2;
	return y + 1;
}
int main(void) {
	pid_t p = fork();
	if (p == 0)
		_exit(child_work(20));
	int st = 0;
	waitpid(p, &st, 0);
	printf("child said %d\n", WEXITSTATUS(st));
	return 0;
}
`

// TestE2EFollowForksSwitch: with --follow-forks all, a breakpoint in the child's code stops the
// child (the status line names its process), P shows the parent (stopped in waitpid, main's
// frame), P again the child; continuing, the child's exit does not end the run and the parent
// prints what the child returned.
func TestE2EFollowForksSwitch(t *testing.T) {
	tm := prepareTerm(t)
	if err := os.WriteFile(filepath.Join(tm.dir, "forks.c"), []byte(forksSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	mi := filepath.Join(tm.dir, "mi.log")
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(mi)
			if len(b) > 6000 {
				b = b[len(b)-6000:]
			}
			t.Logf("the end of gdb's MI traffic:\n%s", b)
		}
	})
	tm.start(120, 40, "--log-mi", mi, "--follow-forks", "all", "forks.c")
	tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
	// A breakpoint on child_work's first line: g 5 Enter, F9.
	tm.keys("g")
	tm.text("5")
	tm.keys("Enter")
	tm.keys("F9")
	tm.wait(10*time.Second, "●   5")
	tm.keys("F5")
	scr := tm.wait(30*time.Second, "child_work()", "in process ")
	m := regexp.MustCompile(`in process (\d+)`).FindStringSubmatch(scr)
	if m == nil {
		t.Fatalf("no process named:\n%s", scr)
	}
	child := m[1]
	tm.keys("P")
	// The parent, stopped under main() (in fork or waitpid, as the child's stop found it).
	scr = tm.wait(15*time.Second, "Showing process ", "main() forks.c:")
	if strings.Contains(scr, "Showing process "+child+".") {
		t.Fatalf("P showed the same process %s:\n%s", child, scr)
	}
	tm.keys("P")
	tm.wait(15*time.Second, fmt.Sprintf("Showing process %s.", child), "child_work")
	tm.keys("F5")
	tm.wait(30*time.Second, "child said 41")
	tm.wait(15*time.Second, "exited normally")
	tm.quit()
}
