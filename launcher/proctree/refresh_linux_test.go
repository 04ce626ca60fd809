package proctree

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRefresherKeepsTheExited: the live reader gives the same picture as Read, and a process
// that exits and is reaped stays in its tree, marked gone, with the status it had as a zombie.
func TestRefresherKeepsTheExited(t *testing.T) {
	bin := build(t)
	cmd := exec.Command(bin)
	cmd.Dir = filepath.Dir(bin)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var parent, child, wr int
	sc := bufio.NewScanner(stdout)
	for (parent == 0 || child == 0) && sc.Scan() {
		f := strings.Fields(sc.Text())
		switch f[0] {
		case "parent":
			parent, _ = strconv.Atoi(f[1])
			wr, _ = strconv.Atoi(f[4])
		case "child":
			child, _ = strconv.Atoi(f[1])
			t.Cleanup(func() { syscallKill(child) })
		}
	}
	r := NewRefresher(parent)
	until := func(what string, ok func(*Tree) bool) *Tree {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			tr := r.Refresh(parent, true)
			if ok(tr) {
				return tr
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: never; last tree %+v", what, tr.Procs)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	tr := until("a zombie grandchild", func(tr *Tree) bool { return len(tr.Procs) == 3 && tr.Procs[2].State == Zombie })
	grand := tr.Procs[2].Pid
	var w Fd
	for _, f := range tr.Find(parent).Fds {
		if f.Num == wr {
			w = f
		}
	}
	want := "read end held by pid " + strconv.Itoa(parent)
	if d := tr.Describe(parent, w); !strings.Contains(d, want) || !strings.Contains(d, "pid "+strconv.Itoa(child)+" fd 0") {
		t.Errorf("Describe = %q, want the read ends in the parent and the child", d)
	}
	// A second refresh from the caches says the same (kcmp answers kept).
	if again := r.Refresh(parent, true); again.Describe(parent, w) != tr.Describe(parent, w) {
		t.Errorf("second refresh: %q, first %q", again.Describe(parent, w), tr.Describe(parent, w))
	}
	// Kill the child: it becomes the parent's zombie (killed by SIGKILL), and its own zombie
	// child is adopted and reaped by init, so it leaves /proc: the history keeps it.
	syscall.Kill(child, syscall.SIGKILL)
	tr = until("the child a zombie, the grandchild gone", func(tr *Tree) bool {
		c, g := tr.Find(child), tr.Find(grand)
		return c != nil && c.State == Zombie && g != nil && g.Gone
	})
	if c := tr.Find(child); c.WaitStatus != int(syscall.SIGKILL) || len(c.Cmdline) != 1 || c.Cmdline[0] != bin {
		t.Errorf("child %+v: want wait status 9 and its command line kept", c)
	}
	if g := tr.Find(grand); g.WaitStatus != 3<<8 || g.Fds != nil {
		t.Errorf("grandchild %+v: want its exit status 3 as last seen, no descriptors", g)
	}
}

// orphanC: the parent forks a middle process that forks a grandchild and exits; the parent
// never waits (the middle stays its zombie) and the grandchild, adopted by init, pauses.
const orphanC = `#include <stdio.h>
#include <unistd.h>
int main(void) {
	if (fork() == 0) {
		pid_t g = fork();
		if (g == 0) { pause(); return 0; }
		printf("grandchild %d\n", g);
		fflush(stdout);
		_exit(0);
	}
	pause();
	return 0;
}
`

// TestRefresherFollowsOrphans: a process seen in the tree is still read after its parent
// exits and it leaves the root's tree, with its new parent.
func TestRefresherFollowsOrphans(t *testing.T) {
	cc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc is not installed: skipping (CI installs it)")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "orphan.c")
	if err := os.WriteFile(src, []byte(orphanC), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "orphan")
	if out, err := exec.Command(cc, "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	r := NewRefresher(cmd.Process.Pid)
	r.Refresh(cmd.Process.Pid, true) // sees the middle process at least, maybe the grandchild
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatal("no grandchild line")
	}
	grand, _ := strconv.Atoi(strings.Fields(sc.Text())[1])
	t.Cleanup(func() { syscallKill(grand) })
	// The middle process exits at once, usually before any refresh sees the grandchild under
	// it. Record the grandchild as a refresh records it when it does (seen once in the tree),
	// then check the next refresh still follows it out of the root's tree.
	r.hist.Merge(cmd.Process.Pid, &Tree{Procs: []Process{{Pid: grand, PPid: -1, State: Sleeping, WaitStatus: -1}}})
	// Until the middle process is its parent's zombie and a refresh has read the grandchild
	// after that (one refresh reads the processes one after the other: it can read the
	// grandchild's parent before the middle process exits and the middle one after).
	var tr *Tree
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		tr = r.Refresh(cmd.Process.Pid, true)
		middle := 0
		for _, p := range tr.Procs {
			if p.PPid == cmd.Process.Pid && p.State == Zombie {
				middle = p.Pid
			}
		}
		g := tr.Find(grand)
		if middle != 0 && g != nil && g.PPid != middle || time.Now().After(deadline) {
			break
		}
	}
	g := tr.Find(grand)
	if g == nil || g.Gone || g.State == Zombie || g.PPid == cmd.Process.Pid || tr.Find(g.PPid) != nil || g.Fds == nil {
		t.Fatalf("orphan %+v: want it alive, with its adopter as parent and its fds", g)
	}
}

// TestRefresherTurns: with a budget smaller than the tables, unread tables are the last ones
// read, copied (the caller's earlier tree is never written to) and marked shared afresh.
func TestRefresherTurns(t *testing.T) {
	bin := build(t)
	cmd := exec.Command(bin)
	cmd.Dir = filepath.Dir(bin)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var parent, child, out int
	sc := bufio.NewScanner(stdout)
	for (parent == 0 || child == 0) && sc.Scan() {
		f := strings.Fields(sc.Text())
		switch f[0] {
		case "parent":
			parent, _ = strconv.Atoi(f[1])
			out, _ = strconv.Atoi(f[6])
		case "child":
			child, _ = strconv.Atoi(f[1])
			t.Cleanup(func() { syscallKill(child) })
		}
	}
	r := NewRefresher(parent)
	r.Budget = 1
	// Until the grandchild is a zombie: alive, it shares out.txt too.
	var first *Tree
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		first = r.Refresh(parent, true)
		if len(first.Procs) == 3 && first.Procs[2].State == Zombie || time.Now().After(deadline) {
			break
		}
	}
	keep := append([]Fd(nil), first.Find(child).Fds...)
	for i := 0; i < 3; i++ {
		tr := r.Refresh(parent, true)
		f := Fd{}
		for _, g := range tr.Find(parent).Fds {
			if g.Num == out {
				f = g
			}
		}
		if peers := tr.SharedWith(parent, f); len(peers) != 1 || peers[0] != (End{child, out}) {
			t.Errorf("refresh %d: out.txt shared with %v, want the child's fd %d only", i, peers, out)
		}
	}
	for i, f := range first.Find(child).Fds {
		if f != keep[i] {
			t.Errorf("the first tree's child fd %d changed under it: %+v, was %+v", f.Num, f, keep[i])
		}
	}
}
