package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/machine"
	"github.com/sandbug/sandbug/internal/testbin"
)

// The end-to-end tests drive the real sandbug binary (real gdb, wrapper, seccomp and pty) in a
// real terminal: a tmux server of its own per test (-L), keys sent with send-keys, the screen
// read with capture-pane.

// term is one tmux server running sandbug.
type term struct {
	t    *testing.T
	sock string
	dir  string // the test's own directory: sources live here
	name string // unique program name: finds leftover processes
	env  string // shell assignments before sandbug's command ("PATH=... "), if any
}

var termN atomic.Int64 // the fault suite starts terminals in parallel

// newTerm writes src to dir/<unique>.c and starts `sandbug <args> <file>` in a w x h tmux
// window. The shell prints SANDBUG-EXIT=<status> when sandbug ends.
func newTerm(t *testing.T, w, h int, src string, args ...string) *term {
	t.Helper()
	tm := prepareTerm(t)
	file := filepath.Join(tm.dir, tm.name+".c")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tm.start(w, h, append(args, file)...)
	return tm
}

// newTermArgs starts `sandbug <args>` (no source file of the test's) in a w x h tmux window.
func newTermArgs(t *testing.T, w, h int, args ...string) *term {
	t.Helper()
	tm := prepareTerm(t)
	tm.start(w, h, args...)
	return tm
}

func prepareTerm(t *testing.T) *term {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test (-short)")
	}
	testbin.NeedTool(t, "tmux")
	testbin.NeedTool(t, "gdb")
	testbin.NeedTool(t, "gcc")
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Short enough for the kernel's 15-byte comm; unique per test and per process.
	name := fmt.Sprintf("sbt%d_%d", os.Getpid()%100000, termN.Add(1))
	return &term{t: t, sock: "sandbug-" + name, dir: dir, name: name}
}

func (tm *term) start(w, h int, args ...string) {
	t := tm.t
	t.Helper()
	tmux := testbin.NeedTool(t, "tmux")
	sb := testbin.Sandbug(t)
	cmdline := fmt.Sprintf("cd %s && %s%s %s; echo SANDBUG-EXIT=$?; sleep 600", tm.dir, tm.env, sb, strings.Join(args, " "))
	cmd := exec.Command(tmux, "-L", tm.sock, "-f", "/dev/null", "new-session", "-d", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmdline)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		exec.Command(tmux, "-L", tm.sock, "kill-server").Run()
		// tmux leaves its socket file behind: remove it ($TMUX_TMPDIR or /tmp, tmux-UID/NAME).
		dir := os.Getenv("TMUX_TMPDIR")
		if dir == "" {
			dir = "/tmp"
		}
		os.Remove(filepath.Join(dir, fmt.Sprintf("tmux-%d", os.Getuid()), tm.sock))
		tm.noLeftovers()
	})
}

func (tm *term) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.sock}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends tmux key names ("F5", "Enter", "C-r", or literal text with -l).
func (tm *term) keys(keys ...string) {
	tm.t.Helper()
	tm.tmux(append([]string{"send-keys", "-t", "0"}, keys...)...)
}

func (tm *term) text(s string) {
	tm.t.Helper()
	tm.tmux("send-keys", "-t", "0", "-l", s)
}

func (tm *term) screen() string { return tm.tmux("capture-pane", "-p", "-t", "0") }

// wait polls the screen until every want appears, or fails after d.
func (tm *term) wait(d time.Duration, want ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(d)
	for {
		scr := tm.screen()
		ok := true
		for _, w := range want {
			if !strings.Contains(scr, w) {
				ok = false
				break
			}
		}
		if ok {
			return scr
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen lacks %q after %v:\n%s", want, d, scr)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// quit presses q (answering y when asked) and waits for sandbug to end with status 0.
func (tm *term) quit() {
	tm.t.Helper()
	tm.keys("q")
	time.Sleep(200 * time.Millisecond)
	if strings.Contains(tm.screen(), "Quit?") {
		tm.keys("y")
	}
	tm.wait(15*time.Second, "SANDBUG-EXIT=0")
	tm.noLeftovers()
}

// noLeftovers fails when a process of this test (the program, or gdb debugging it) still runs.
func (tm *term) noLeftovers() {
	tm.t.Helper()
	var left []string
	for i := 0; i < 50; i++ {
		left = processesWith(tm.name)
		if len(left) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Errorf("processes left behind:\n%s", strings.Join(left, "\n"))
}

const e2eDebugSrc = `#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>

static int add(int a, int b) {
	int s = a + b;
	return s;
}

static int twice(int x) {
	return add(x, x);
}

int main(void) {
	int a = 10;
	int b = 20;
	int c = 30;
	int d = twice(a + b + c);
	printf("d = %d\n", d);
	fflush(stdout);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		printf("ptrace failed: errno %d (%s)\n", errno, strerror(errno));
	return 3;
}
`

// TestE2EDebugSession: open a program, F9 a breakpoint, see locals change over three F10, the
// call stack in a nested call, the blocked ptrace card, continue with EPERM, the program
// printing the errno, the exit card with the right code, then quit leaving nothing behind.
func TestE2EDebugSession(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eDebugSrc)
	tm.wait(30*time.Second, "int main(void)", "stopped", ":16 in main()", "sandbox: default ✓")

	// Three F10: each assignment shows up in Locals.
	for _, want := range []string{"a = 10", "b = 20", "c = 30"} {
		tm.keys("F10")
		tm.wait(10*time.Second, want, "stepped to")
	}

	// A breakpoint on line 7 (inside add) with F9, then F5.
	tm.keys("g")
	tm.text("7")
	tm.keys("Enter", "F9")
	tm.wait(10*time.Second, "●   7")
	tm.keys("F5")
	tm.wait(10*time.Second, "stopped at breakpoint", ":7 in add()", "#0 add(a=60, b=60)", "#1 twice(x=60)", "#2 main()", "Stack (3)")
	// The locals arrive after the stop; until they do, main's values must not be shown as add()'s.
	scr := tm.wait(10*time.Second, "a = 60", "b = 60")
	if strings.Contains(scr, "c = 30  int") || strings.Contains(scr, "d = 0  int") {
		t.Errorf("locals of main() still shown in add():\n%s", scr)
	}

	// Continue into the blocked ptrace call.
	tm.keys("F5")
	tm.wait(15*time.Second, "Blocked: the program tried ptrace", "ptrace(PTRACE_TRACEME, 0, 0, 0)", ":22 in main()", "EPERM")
	tm.keys("Enter")
	tm.wait(15*time.Second, "d = 120", "ptrace failed: errno 1 (Operation not permitted)", "exited with status 3")
	tm.keys("Enter") // close the exit card
	tm.quit()
}

const e2eKeyboardSrc = `#include <stdio.h>
#include <string.h>
int main(void) {
	char line[128];
	printf("type a line: ");
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin)) return 1;
	line[strcspn(line, "\n")] = 0;
	printf("you typed: [%s]\n", line);
	return 0;
}
`

// TestE2ERunWithoutDebugging: Ctrl+R runs the program with the wrapper alone; a line typed in
// the Program pane reaches it and its echo comes back.
func TestE2ERunWithoutDebugging(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eKeyboardSrc)
	tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
	tm.keys("C-r")
	tm.wait(15*time.Second, "type a line:", "running (run)")
	tm.text("hello sandbox")
	tm.keys("Enter")
	tm.wait(15*time.Second, "you typed: [hello sandbox]", "exited normally (status 0)", "(run without debugging)")
	tm.keys("Enter")
	tm.quit()
}

const e2eFloodSrc = `#include <stdio.h>
int main(void) {
	static char line[101];
	for (int i = 0; i < 99; i++) line[i] = 'a' + i % 26;
	line[99] = '\n';
	for (long i = 0; i < 500000; i++) fwrite(line, 1, 100, stdout); /* 50 MB */
	printf("END OF OUTPUT\n");
	return 0;
}
`

// TestE2EFloodKeysRespond: while a program prints 50 MB the UI keeps answering keys, and the
// last line is on screen at the end.
func TestE2EFloodKeysRespond(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eFloodSrc)
	tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
	tm.keys("C-r")
	tm.wait(15*time.Second, "abcdefghij")
	start := time.Now()
	tm.keys("F1")
	tm.wait(5*time.Second, "Keys", "Esc closes")
	t.Logf("help card during the flood after %v", time.Since(start))
	tm.keys("Escape")
	scr := tm.wait(60*time.Second, "END OF OUTPUT", "exited normally")
	if strings.Contains(scr, "Keys") && strings.Contains(scr, "Esc closes") {
		t.Errorf("help card did not close:\n%s", scr)
	}
	tm.keys("Enter")
	tm.quit()
}

const e2eSegvSrc = `#include <stdio.h>
struct node { int value; struct node *next; };

static int sum(struct node *n) {
	int total = 0;
	while (1) {
		total += n->value;
		n = n->next;
	}
	return total;
}

int main(void) {
	struct node b = { 2, 0 }, a = { 1, &b };
	printf("sum = %d\n", sum(&a));
	return 0;
}
`

// TestE2ESegfaultCard: a segfault stops the program at the faulting line, and the exit card
// names the signal and the line.
func TestE2ESegfaultCard(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eSegvSrc)
	tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
	tm.keys("F5")
	tm.wait(15*time.Second, "SIGSEGV", ":7 in sum()")
	tm.keys("F5")
	scr := tm.wait(15*time.Second, "terminated by SIGSEGV", ":7 in sum()", "The program ended")
	if strings.Contains(scr, "013") || strings.Contains(scr, "0213") {
		t.Errorf("an octal status leaked:\n%s", scr)
	}
	tm.keys("Enter")
	tm.quit()
}

// TestE2EResize: the layout follows the terminal, a too-small terminal gets a message, and the
// program's output survives the resizes.
func TestE2EResize(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eKeyboardSrc)
	tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
	tm.keys("C-r")
	tm.wait(15*time.Second, "type a line:")
	tm.tmux("resize-window", "-t", "0", "-x", "90", "-y", "30")
	scr := tm.wait(10*time.Second, "type a line:")
	for _, l := range strings.Split(strings.TrimRight(scr, "\n"), "\n") {
		if w := len([]rune(l)); w > 90 {
			t.Fatalf("a line is %d cells wide after resizing to 90:\n%s", w, scr)
		}
	}
	tm.tmux("resize-window", "-t", "0", "-x", "60", "-y", "20")
	tm.wait(10*time.Second, "at least 80x24")
	tm.tmux("resize-window", "-t", "0", "-x", "160", "-y", "48")
	tm.wait(10*time.Second, "type a line:", "Sandbox", "Console", "waiting for input")
	tm.text("still here")
	tm.keys("Enter")
	tm.wait(15*time.Second, "you typed: [still here]", "exited normally")
	tm.keys("Enter")
	tm.quit()
}

// sandbugPid finds the sandbug process of this terminal.
func (tm *term) sandbugPid() int {
	tm.t.Helper()
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(b), "\x00")
		if len(args) >= 2 && filepath.Base(args[0]) == "sandbug" && strings.Contains(args[len(args)-2]+args[len(args)-1], tm.name) {
			var pid int
			fmt.Sscan(e.Name(), &pid)
			return pid
		}
	}
	tm.t.Fatal("sandbug process not found")
	return 0
}

// TestE2ESignalsLeaveNothing: SIGTERM, and SIGHUP when the terminal goes away, end sandbug with
// the program and gdb gone too.
func TestE2ESignalsLeaveNothing(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eKeyboardSrc)
	tm.wait(30*time.Second, "in main()", "sandbox: default ✓")
	if err := syscall.Kill(tm.sandbugPid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	tm.wait(15*time.Second, "SANDBUG-EXIT=")
	tm.noLeftovers()

	tm2 := newTerm(t, 120, 40, e2eKeyboardSrc)
	tm2.wait(30*time.Second, "in main()", "sandbox: default ✓")
	pid := tm2.sandbugPid()
	tm2.tmux("kill-server") // the terminal goes away: SIGHUP
	deadline := time.Now().Add(15 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("sandbug (pid %d) still runs after SIGHUP", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm2.noLeftovers()
}

// TestE2EQuitWhileGDBStarts: the first debug session starts before the UI does (run.go's
// preStart), so quitting while gdb is still starting, with q or SIGTERM, must end it too:
// sandbug exits at once and no gdb, keeper or program is left. gdb is slowed by a stand-in
// ahead of it in PATH that waits 3 s first (its arguments name the program, so noLeftovers
// sees it).
func TestE2EQuitWhileGDBStarts(t *testing.T) {
	for _, how := range []string{"q", "SIGTERM"} {
		t.Run(how, func(t *testing.T) {
			tm := prepareTerm(t)
			realGDB := testbin.NeedTool(t, "gdb")
			slow := filepath.Join(tm.dir, "slowbin")
			if err := os.Mkdir(slow, 0o755); err != nil {
				t.Fatal(err)
			}
			marker := filepath.Join(tm.dir, "gdb-started")
			script := "#!/bin/sh\ntouch " + marker + "\nsleep 3\nexec " + realGDB + " \"$@\"\n"
			if err := os.WriteFile(filepath.Join(slow, "gdb"), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(tm.dir, tm.name+".c")
			if err := os.WriteFile(file, []byte(e2eKeyboardSrc), 0o644); err != nil {
				t.Fatal(err)
			}
			tm.env = "PATH=" + slow + ":$PATH "
			tm.start(120, 40, file)
			tm.wait(20*time.Second, "starting (debug")
			for i := 0; ; i++ { // gdb's stand-in is waiting now
				if _, err := os.Stat(marker); err == nil {
					break
				}
				if i == 400 {
					t.Fatal("sandbug did not start the gdb ahead in PATH")
				}
				time.Sleep(25 * time.Millisecond)
			}
			t0 := time.Now()
			if how == "q" {
				tm.keys("q")
				time.Sleep(200 * time.Millisecond)
				if strings.Contains(tm.screen(), "Quit?") {
					tm.keys("y")
				}
			} else if err := syscall.Kill(tm.sandbugPid(), syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			tm.wait(15*time.Second, "SANDBUG-EXIT=")
			if d := time.Since(t0); d > 2*time.Second {
				t.Errorf("sandbug took %v to end while gdb started (gdb's stand-in waits 3 s)", d)
			}
			tm.noLeftovers()
			// gdb's stand-in does not name the program (gdb is given it later, over MI): look
			// for it by its own path.
			deadline := time.Now().Add(time.Second)
			for {
				left := processesWith(slow)
				if len(left) == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("gdb (its stand-in) left running 1 s after sandbug ended:\n%s", strings.Join(left, "\n"))
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

// processesWith lists the processes whose command line contains s, but the test's tmux server
// and its shell.
func processesWith(s string) []string {
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		cl := strings.ReplaceAll(string(b), "\x00", " ")
		if strings.Contains(cl, s) && !strings.Contains(cl, "tmux") && !strings.Contains(cl, "SANDBUG-EXIT") {
			out = append(out, e.Name()+": "+cl)
		}
	}
	return out
}

const e2eHelperH = `static int helper(int x) {
	int y = x * 21;
	return y;
}
`

// TestE2EOpenAnotherFile: "o" lists the program's source files from gdb's debug information,
// including one the program has not been in yet (a header with code), and Enter opens it.
func TestE2EOpenAnotherFile(t *testing.T) {
	hdr := filepath.Join(t.TempDir(), "helper.h")
	if err := os.WriteFile(hdr, []byte(e2eHelperH), 0o644); err != nil {
		t.Fatal(err)
	}
	src := fmt.Sprintf("#include <stdio.h>\n#include %q\nint main(void) {\n\tprintf(\"%%d\\n\", helper(2));\n\treturn 0;\n}\n", hdr)
	tm := newTerm(t, 120, 40, src)
	tm.wait(30*time.Second, "int main(void)", "stopped")
	tm.keys("o")
	// The card's line, not the #include line of the source ("│ " starts a line of the card).
	tm.wait(10*time.Second, "Open a source file", "│ "+hdr)
	tm.keys("Down", "Enter")
	tm.wait(10*time.Second, "Source: helper.h", "int y = x * 21;")
	tm.quit()
}

// TestE2EDemoNoteForMissingFeature: `sandbug demo int80` opens its lesson with a note when this
// kernel has no 32-bit entry (what happens here instead), and without one where it has it.
func TestE2EDemoNoteForMissingFeature(t *testing.T) {
	ia32 := machine.IA32()
	t.Logf("%v", ia32)
	tm := newTermArgs(t, 160, 45, "demo", "int80")
	scr := tm.wait(30*time.Second, "32-bit back door")
	if note := strings.Contains(scr, "On this machine"); note == ia32.Present {
		t.Fatalf("lesson note shown=%v with %v:\n%s", note, ia32, scr)
	}
	if !ia32.Present && !(strings.Contains(scr, "no 32-bit system call") && strings.Contains(scr, "SIGSEGV")) {
		t.Fatalf("the note does not say what is missing:\n%s", scr)
	}
	tm.quit()
}

// TestE2ENoStopAtBlocked: with --no-stop-at-blocked the blocked ptrace fails with EPERM as in
// run mode: no blocked-call card, the program prints the errno and exits with its own status.
func TestE2ENoStopAtBlocked(t *testing.T) {
	tm := newTerm(t, 120, 40, e2eDebugSrc, "--no-stop-at-blocked")
	tm.wait(30*time.Second, "int main(void)", ":16 in main()", "sandbox: default ✓")
	tm.keys("F5")
	scr := tm.wait(15*time.Second, "ptrace failed: errno 1 (Operation not permitted)", "exited with status 3")
	if strings.Contains(scr, "Blocked: the program tried") {
		t.Errorf("the program stopped at the blocked call despite --no-stop-at-blocked:\n%s", scr)
	}
	tm.keys("Enter")
	tm.quit()
}
