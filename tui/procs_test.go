package tui

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/launcher/proctree"
)

// samplePipeline is the picture of the hang demo as /proc gives it: the parent (812) still
// holds the pipe's write end (fd 4) while its child (813) reads the read end as its stdin,
// plus a zombie and an exited child.
func samplePipeline() procsPane {
	tty := func(n int) proctree.Fd {
		return proctree.Fd{Num: n, Kind: proctree.KindTerminal, Target: "/dev/pts/3", Flags: 2, Shared: 1}
	}
	t := &proctree.Tree{Procs: []proctree.Process{
		{Pid: 812, PPid: 811, State: proctree.Sleeping, Comm: "hang", Cmdline: []string{"./hang"}, WaitStatus: -1,
			Fds: []proctree.Fd{tty(0), tty(1), tty(2),
				{Num: 3, Kind: proctree.KindFile, Target: "/home/ana/out.txt", Pos: 12, Flags: 1},
				{Num: 4, Kind: proctree.KindPipe, Target: "pipe:[123456]", Inode: 123456, Flags: 1, PipeEnd: "write"}}},
		{Pid: 813, PPid: 812, State: proctree.Sleeping, Comm: "hang", Cmdline: []string{"./hang"}, WaitStatus: -1,
			Fds: []proctree.Fd{{Num: 0, Kind: proctree.KindPipe, Target: "pipe:[123456]", Inode: 123456, PipeEnd: "read"}, tty(1), tty(2)}},
		{Pid: 814, PPid: 812, State: proctree.Zombie, Comm: "hang", WaitStatus: 0},
		{Pid: 815, PPid: 812, State: proctree.Sleeping, Comm: "hang", Cmdline: []string{"./hang"}, WaitStatus: 3 << 8, Gone: true},
		{Pid: 816, PPid: 812, State: proctree.Sleeping, Comm: "hang", Cmdline: []string{"./hang"}, WaitStatus: -1, Gone: true},
		{Pid: 818, PPid: 1, State: proctree.Sleeping, Comm: "hang", Cmdline: []string{"./hang"}, WaitStatus: -1},
	}}
	t.JoinPipes()
	p := procsPane{root: 812}
	p.set(t)
	return p
}

// TestProcsPane: the tree (pid, parent, state, command, exit statuses, the zombie's parent
// named) and the selected process's descriptors with the pipe joined across processes, drawn
// in the Source slot of an 80x24 screen (50x11 inside).
func TestProcsPane(t *testing.T) {
	st := NewStyles(true, true)
	p := samplePipeline()
	body := p.view(&st, 50, 11, true)
	golden(t, "procs-80x24", strings.Join(block(body, 50, 11), "\n"))
	got := ansi.Strip(strings.Join(p.view(&st, 50, 20, true), "\n"))
	for _, want := range []string{
		"▶ 812",
		"814 812 zombie",
		"814 812 zombie (exit 0, not waited for)",
		"815 812 exited (exit 3) hang",
		"816 812 exited (status not seen) hang",
		"fd 4 → pipe 123456 write end; read end held by",
		"pid 813 fd 0",
		"fd 3 → /home/ana/out.txt (w, offset 12)",
		"fd 0-2 → /dev/pts/3 (terminal) [shared]",
	} {
		if !strings.Contains(flat(got), want) {
			t.Errorf("the view lacks %q:\n%s", want, got)
		}
	}
	// The child's table: its stdin is the read end, and the parent holds the write end.
	p.move(1)
	got = ansi.Strip(strings.Join(p.view(&st, 50, 11, true), "\n"))
	if !strings.Contains(flat(got), "fd 0 → pipe 123456 read end; write end held by pid 812 fd 4") {
		t.Errorf("the child's view lacks its stdin joined to the parent's write end:\n%s", got)
	}
	// The zombie has no descriptors; the program's own exit status comes from the launcher.
	p.move(1)
	if got = ansi.Strip(strings.Join(p.view(&st, 50, 11, true), "\n")); !strings.Contains(flat(got), "pid 814 is a zombie (exit 0): its parent, pid 812, has not called wait() for it") {
		t.Errorf("the zombie's table:\n%s", got)
	}
	// An orphan: its parent is not in the tree.
	p.move(3)
	if got = flat(ansi.Strip(strings.Join(p.view(&st, 80, 20, true), "\n"))); !strings.Contains(got, "818 1 sleeping (orphan) hang") ||
		!strings.Contains(got, "pid 818 is an orphan: its parent exited first, and pid 1 adopted it.") {
		t.Errorf("the orphan:\n%s", got)
	}
	p.rootExit = &launcher.ExitStatus{Kind: launcher.KindLimit, Limit: launcher.LimitWall, LimitValue: "3s", Signal: "SIGKILL"}
	if got = ansi.Strip(strings.Join(p.view(&st, 80, 20, true), "\n")); !strings.Contains(flat(got), "812 811 exited (stopped: wall-clock time limit of 3s reached) hang") {
		t.Errorf("after the end the program shows as exited:\n%s", got)
	}
}

// TestProcsKey: p shows the Processes view from any pane but the running program's own, and
// p again goes back to the source; help lists the key.
func TestProcsKey(t *testing.T) {
	hs := started(t, 80, 24, Options{})
	hs.m.procs = samplePipeline()
	hs.key("p")
	if hs.m.focus != paneProcs {
		t.Fatalf("p: focus %s, want Processes", hs.m.focus)
	}
	if s := hs.screen(); !strings.Contains(s, "[Processes]") || !strings.Contains(s, "fd 4 → pipe 123456 write end") {
		t.Errorf("p: the screen does not show the Processes view:\n%s", s)
	}
	hs.key("down")
	if hs.m.procs.selectedPid() != 813 {
		t.Errorf("down selects %d, want 813", hs.m.procs.selectedPid())
	}
	hs.key("p")
	if hs.m.focus != paneSource {
		t.Errorf("p again: focus %s, want Source", hs.m.focus)
	}
	hs.key("]") // the tab beside the source
	if hs.m.focus != paneProcs {
		t.Errorf("] from Source: focus %s, want Processes", hs.m.focus)
	}
	hs.key("?")
	for i := 0; !strings.Contains(flat(hs.screen()), "processes and fil"); i++ {
		if i == 60 {
			t.Fatalf("help lacks the p key:\n%s", hs.screen())
		}
		hs.key("down") // the list scrolls where the screen is short
	}
}

// flat is the view's text with every run of spaces and line breaks made one space: wrapped
// descriptor lines read as one.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestREADMEListsProcessesKey: the README's key table has the Processes view's key.
func TestREADMEListsProcessesKey(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "## The key map")
	if i < 0 {
		t.Fatal("README has no key map section")
	}
	if !strings.Contains(s[i:], "| `p` | the Processes view (again: back to the source) |") {
		t.Error("README's key map lacks p (the Processes view)")
	}
	if h := DefaultKeyMap().Processes.Help(); h.Key != "p" {
		t.Errorf("the Processes key is %q, the README says p", h.Key)
	}
}

// TestProcsPageFds: PgDn and PgUp scroll a long descriptor table; Home goes back to its top.
func TestProcsPageFds(t *testing.T) {
	hs := started(t, 80, 24, Options{})
	var fds []proctree.Fd
	for i := 0; i < 40; i++ {
		fds = append(fds, proctree.Fd{Num: i, Kind: proctree.KindFile, Target: fmt.Sprintf("/data/f%02d", i), Flags: 0})
	}
	tr := &proctree.Tree{Procs: []proctree.Process{{Pid: 900, PPid: 1, State: proctree.Sleeping, Comm: "many", Cmdline: []string{"./many"}, WaitStatus: -1, Fds: fds}}}
	tr.JoinPipes()
	hs.m.procs = procsPane{root: 900}
	hs.m.procs.set(tr)
	hs.key("p")
	if s := hs.screen(); !strings.Contains(s, "/data/f00") || strings.Contains(s, "/data/f20") {
		t.Fatalf("first page:\n%s", s)
	}
	hs.key("pgdown")
	if s := hs.screen(); strings.Contains(s, "/data/f00") || !strings.Contains(s, "/data/f10") {
		t.Errorf("after PgDn:\n%s", s)
	}
	hs.key("pgup")
	if s := hs.screen(); !strings.Contains(s, "/data/f00") {
		t.Errorf("after PgUp:\n%s", s)
	}
	hs.key("pgdown")
	hs.key("home")
	if s := hs.screen(); !strings.Contains(s, "/data/f00") {
		t.Errorf("after Home:\n%s", s)
	}
}
