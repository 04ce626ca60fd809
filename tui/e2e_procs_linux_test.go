package tui

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/examples"
	"github.com/sandbug/sandbug/internal/testbin"
)

const e2ePipeSrc = `#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	int fd[2];
	char c;
	if (pipe(fd) != 0)
		return 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[0], 0);
		close(fd[0]);
		close(fd[1]);
		while (read(0, &c, 1) > 0)
			;
		_exit(5);
	}
	close(fd[0]);
	printf("parent %d child %d\n", getpid(), pid);
	fflush(stdout);
	sleep(3);
	close(fd[1]);
	sleep(1);
	waitpid(pid, 0, 0);
	printf("done\n");
	return 0;
}
`

// leftText is the text of the Source slot at 80x24 (the top 13 rows of the left 52 columns),
// where the Processes view is, with borders dropped and every run of blanks one space: wrapped
// descriptor lines read as one.
func leftText(scr string) string {
	var b strings.Builder
	lines := strings.Split(scr, "\n")
	for _, l := range lines[:min(len(lines), 13)] {
		r := []rune(l)
		b.WriteString(string(r[:min(len(r), 52)]))
		b.WriteByte(' ')
	}
	return strings.Join(strings.Fields(strings.NewReplacer("┃", " ", "│", " ").Replace(b.String())), " ")
}

// waitLeft polls the left of the screen until every want appears in leftText, or fails.
func waitLeft(tm *term, d time.Duration, want ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(d)
	for {
		txt := leftText(tm.screen())
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(txt, w)
		}
		if ok {
			return txt
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the left of the screen lacks %q after %v:\n%s", want, d, tm.screen())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

var pidsRe = regexp.MustCompile(`parent (\d+) child (\d+)`)

// waitPids waits for the program's "parent P child C" line with pids other than the ones in
// not (a previous run's), and returns them.
func waitPids(tm *term, not string) (string, string) {
	tm.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, m := range pidsRe.FindAllStringSubmatch(tm.screen(), -1) {
			if m[1] != not {
				return m[1], m[2]
			}
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("no new \"parent P child C\" line:\n%s", tm.screen())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// TestE2EProcessesView: on a real forked program at 80x24, the Processes view (p) lists the
// parent and its child and joins the pipe across them: in the debugger at a stop (the parent
// stopped by gdb, the child blocked reading), and while the program runs without the debugger,
// where the child's exit then shows with its status.
func TestE2EProcessesView(t *testing.T) {
	tm := newTerm(t, 80, 24, e2ePipeSrc)
	tm.wait(30*time.Second, "stopped", "in main()", "sandbox: default ✓")
	line := strings.Count(e2ePipeSrc[:strings.Index(e2ePipeSrc, "sleep(3)")], "\n") + 1
	tm.keys("g")
	tm.text(fmt.Sprint(line))
	tm.keys("Enter", "F9")
	tm.wait(10*time.Second, fmt.Sprintf("● %3d", line))
	tm.keys("F5")
	tm.wait(15*time.Second, "stopped at breakpoint")
	parent, child := waitPids(tm, "")

	tm.keys("p")
	// The parent stopped by the debugger holds the write end; the child, sleeping in read(),
	// holds the read end as its fd 0.
	waitLeft(tm, 10*time.Second, "[Processes]", "▶ "+parent+" ", child+" "+parent+" sleeping",
		"fds of pid "+parent, "write end; read end held by pid "+child+" fd 0")
	if txt := leftText(tm.screen()); !regexp.MustCompile(`▶ ` + parent + ` \d+ stopped`).MatchString(txt) {
		t.Errorf("the parent is not shown stopped:\n%s", tm.screen())
	}
	// The child's side of the same pipe.
	tm.keys("Down")
	waitLeft(tm, 10*time.Second, "fds of pid "+child, "read end; write end held by pid "+parent+" fd 4")

	// Run without the debugger: the view follows the new program while it runs (no stop),
	// and keeps the child after it exits, with its status.
	tm.keys("S-F5")
	tm.wait(15*time.Second, "stopped by you", "Ctrl+R run again")
	tm.keys("C-r")
	tm.wait(15*time.Second, "running (run)")
	parent2, child2 := waitPids(tm, parent)
	// The view stays on its tab (p would go to the running program, which has the focus).
	txt := waitLeft(tm, 10*time.Second, "[Processes]", "fds of pid "+parent2, "read end held by pid "+child2+" fd 0")
	if strings.Contains(txt, " "+parent+" ") {
		t.Errorf("the new run's view still lists the debugged program's pid %s:\n%s", parent, tm.screen())
	}
	// The child reads end of file when the parent closes its write end, and is a zombie for
	// the second before the parent's waitpid: seen with its status while the program runs.
	waitLeft(tm, 20*time.Second, child2+" "+parent2+" zombie (exit 5, not waited")
	tm.wait(20*time.Second, "exited normally (status 0)")
	tm.keys("Enter") // close the exit card
	waitLeft(tm, 10*time.Second, child2+" "+parent2+" exited (exit 5)")
	tm.quit()
}

// TestE2EHangLesson walks the hang demo's lesson in the real TUI at 80x24: F5, the parent's
// line, Ctrl+C (so that the 3 s wall clock, which counts running time only, cannot end the
// program while a busy machine draws the screen), p, and the Processes view shows the
// parent's own write end joined to the child's stdin; c, the wall clock ends the program, and
// the view keeps both processes as exited.
func TestE2EHangLesson(t *testing.T) {
	tm := newTermArgs(t, 80, 24, "demo", "hang")
	tm.wait(30*time.Second, "stopped", "in main()", "sandbox: default ✓")
	tm.keys("F5")
	tm.wait(15*time.Second, "parent: sent two lines")
	tm.keys("C-c")
	tm.wait(15*time.Second, "stopped")
	tm.keys("p")
	re := regexp.MustCompile(`▶ (\d+) \d+ stopped hang (\d+) (\d+) sleeping hang ── fds of pid (\d+) \(hang\) ─+…? fd 0-2 → \S+ \(terminal\) \[shared\] fd 4 → pipe \d+ write end; read end held by pid (\d+) fd 0`)
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; time.Sleep(40 * time.Millisecond) {
		m = re.FindStringSubmatch(leftText(tm.screen()))
		if m == nil && time.Now().After(deadline) {
			t.Fatalf("no parent holding the write end joined to its child's fd 0:\n%s", tm.screen())
		}
	}
	parent, child := m[1], m[2]
	if m[3] != parent || m[4] != parent || m[5] != child {
		t.Errorf("rows and table disagree: %q", m)
	}
	tm.keys("c")
	tm.wait(15*time.Second, "wall-clock")
	tm.keys("Enter") // close the exit card
	waitLeft(tm, 10*time.Second, parent+" ", " exited (stopped: wall-clock", child+" "+parent+" exited")
	tm.quit()
}

// TestE2EOrphanLesson walks the orphan demo's lesson at 80x24: at the breakpoint after main
// reaped the middle process, the view lists the middle process as exited and the grandchild
// as an orphan outside the tree, and selecting it names its adopter and joins its pipe's read
// end to main's write end.
func TestE2EOrphanLesson(t *testing.T) {
	ex, err := examples.Get("orphan")
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Count(ex.Source[:strings.Index(ex.Source, "sleep(1); /* the orphan lives on")], "\n") + 1
	tm := newTermArgs(t, 80, 24, "demo", "orphan")
	tm.wait(30*time.Second, "stopped", "in main()", "sandbox: default ✓")
	tm.keys("g")
	tm.text(fmt.Sprint(line))
	tm.keys("Enter", "F9")
	tm.wait(10*time.Second, fmt.Sprintf("● %3d", line))
	tm.keys("F5")
	tm.wait(15*time.Second, "stopped at breakpoint")
	tm.keys("p")
	// The middle process exits 0 and main reaps it: its status is seen when a refresh fell
	// while it was a zombie, and not otherwise.
	re := regexp.MustCompile(`▶ (\d+) \d+ stopped orphan (\d+) (\d+) exited \((?:status not seen|exit 0)\) orphan (\d+) (\d+) sleeping \(orphan\) orphan`)
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; time.Sleep(40 * time.Millisecond) {
		m = re.FindStringSubmatch(leftText(tm.screen()))
		if m == nil && time.Now().After(deadline) {
			t.Fatalf("no orphan and exited middle process in the view:\n%s", tm.screen())
		}
	}
	main, middle, grand, adopter := m[1], m[2], m[4], m[5]
	if m[3] != main || adopter == middle || adopter == main {
		t.Errorf("parents: %q", m)
	}
	tm.keys("Down", "Down")
	waitLeft(tm, 10*time.Second, "pid "+grand+" is an orphan: its parent exited first, and pid "+adopter+" adopted it.",
		"fd 3 → pipe", "read end; write end held by pid "+main+" fd 4")
	tm.keys("c")
	tm.wait(15*time.Second, "exited normally (status 0)")
	tm.keys("Enter")
	tm.quit()
}

// TestE2ERedirectLesson walks the redirect demo's lesson at 80x24: at the breakpoint after
// dup2, fd 1 is out.txt (write-only, offset 0) and fd 4 the terminal; after the printf and
// the fflush its offset is 26, the bytes written. Each key waits for the step before it to stop.
func TestE2ERedirectLesson(t *testing.T) {
	ex, err := examples.Get("redirect")
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Count(ex.Source[:strings.Index(ex.Source, `printf("this line goes to out.txt\n");`)], "\n") + 1
	tm := prepareTerm(t)
	tm.dir = testbin.WorldDir(t) // the working folder, written as nobody when the tests run as root
	tm.start(80, 24, "demo", "redirect")
	tm.wait(30*time.Second, "stopped", "in main()", "sandbox: default ✓")
	tm.keys("g")
	tm.text(fmt.Sprint(line))
	tm.keys("Enter", "F9")
	tm.wait(10*time.Second, fmt.Sprintf("● %3d", line))
	tm.keys("F5")
	tm.wait(15*time.Second, "stopped at breakpoint")
	tm.keys("p")
	out := filepath.Join(tm.dir, "out.txt")
	waitLeft(tm, 10*time.Second, "fd 0 → /dev/pts/", "fd 1 → "+out+" (w, offset 0)", "fd 2 → /dev/pts/", "fd 4 → /dev/pts/")
	tm.keys("F10")
	tm.wait(10*time.Second, "stepped to")
	tm.keys("F10")
	// The view refreshes while the program runs, so offset 26 can show before the step over
	// the fflush has stopped: c pressed then would be refused as "needs a stopped program".
	tm.wait(10*time.Second, fmt.Sprintf("stepped to redirect.c:%d", line+2))
	waitLeft(tm, 10*time.Second, "fd 1 → "+out+" (w, offset 26)")
	tm.keys("c")
	tm.wait(15*time.Second, "exited normally (status 0)")
	tm.keys("Enter")
	tm.quit()
}
