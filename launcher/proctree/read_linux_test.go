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

// family.c: three generations. The parent opens out.txt and a pipe and forks; the child makes
// the pipe's read end its stdin (dup2) and forks a grandchild that exits at once and is never
// waited for (a zombie); the parent keeps the write end *and* the read end open: the classic
// "reader never sees EOF" picture.
const familyC = `#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
	int p[2];
	if (pipe(p) != 0) return 1;
	int out = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0 || write(out, "hello", 5) != 5) return 2;
	pid_t child = fork();
	if (child == 0) {
		close(p[1]);
		dup2(p[0], 0);
		if (fork() == 0) _exit(3);
		printf("child %d\n", getpid());
		fflush(stdout);
		pause();
		return 0;
	}
	printf("parent %d pipe %d %d out %d\n", getpid(), p[0], p[1], out);
	fflush(stdout);
	pause();
	return 0;
}
`

func build(t *testing.T) string {
	cc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc is not installed: skipping (CI installs it)")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "family.c")
	if err := os.WriteFile(src, []byte(familyC), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "family")
	if out, err := exec.Command(cc, "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

func TestReadFamily(t *testing.T) {
	bin := build(t)
	cmd := exec.Command(bin)
	cmd.Dir = filepath.Dir(bin)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The whole family: the child's pid is read below.
		cmd.Process.Kill()
		cmd.Wait()
	})
	var parent, child, rd, wr, out int
	sc := bufio.NewScanner(stdout)
	for (parent == 0 || child == 0) && sc.Scan() {
		f := strings.Fields(sc.Text())
		switch f[0] {
		case "parent":
			parent, _ = strconv.Atoi(f[1])
			rd, _ = strconv.Atoi(f[3])
			wr, _ = strconv.Atoi(f[4])
			out, _ = strconv.Atoi(f[6])
		case "child":
			child, _ = strconv.Atoi(f[1])
			t.Cleanup(func() { syscallKill(child) })
		}
	}
	// The grandchild exits at once; wait until it shows as a zombie and the two others sleep
	// in pause() (on a loaded machine a process can still be running just after its printf).
	var tr *Tree
	deadline := time.Now().Add(5 * time.Second)
	for {
		tr = Read(parent)
		settled := len(tr.Procs) == 3 && tr.Procs[2].State == Zombie && tr.Procs[0].State == Sleeping && tr.Procs[1].State == Sleeping
		if settled || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(tr.Procs) != 3 || tr.Procs[0].Pid != parent || tr.Procs[1].Pid != child || tr.Procs[2].PPid != child {
		t.Fatalf("tree %+v", tr.Procs)
	}
	if z := tr.Procs[2]; z.State != Zombie || z.State.String() != "zombie" || len(z.Cmdline) != 0 || z.WaitStatus != 3<<8 {
		t.Errorf("grandchild %+v: want a zombie with no command line", z)
	}
	if p := tr.Procs[0]; p.State != Sleeping || len(p.Cmdline) != 1 || p.Cmdline[0] != bin || p.WaitStatus != -1 {
		t.Errorf("parent %+v", p)
	}
	fd := func(pid, n int) Fd {
		for _, f := range tr.Find(pid).Fds {
			if f.Num == n {
				return f
			}
		}
		t.Fatalf("pid %d has no fd %d", pid, n)
		return Fd{}
	}
	// The file: written 5 bytes, write-only, shared with the child by fork.
	f := fd(parent, out)
	if f.Kind != KindFile || filepath.Base(f.Target) != "out.txt" || f.Pos != 5 || f.Access() != "w" {
		t.Errorf("out.txt %+v", f)
	}
	if peers := tr.SharedWith(parent, f); len(peers) != 1 || peers[0] != (End{child, out}) {
		t.Errorf("out.txt is shared with the child after fork: %v", peers)
	}
	// The pipe: the parent kept both ends; the child's stdin is the read end (dup2 shares it
	// with the child's own p[0]).
	w := fd(parent, wr)
	if w.Kind != KindPipe || w.PipeEnd != "write" || fd(parent, rd).PipeEnd != "read" {
		t.Errorf("parent's pipe ends %+v %+v", w, fd(parent, rd))
	}
	in := fd(child, 0)
	if in.Kind != KindPipe || in.Inode != w.Inode || in.PipeEnd != "read" || in.Shared == 0 || in.Shared != fd(child, rd).Shared || in.Shared != fd(parent, rd).Shared {
		t.Errorf("child's stdin %+v: one open file description with its own fd %d and the parent's (dup2, fork)", in, rd)
	}
	if fd(parent, wr).Shared != 0 {
		t.Errorf("the parent's write end is its alone: %+v", fd(parent, wr))
	}
	desc := tr.Describe(parent, w)
	for _, want := range []string{"write end", "read end held by", "pid " + strconv.Itoa(child) + " fd 0", "pid " + strconv.Itoa(parent) + " fd " + strconv.Itoa(rd)} {
		if !strings.Contains(desc, want) {
			t.Errorf("Describe = %q, lacks %q", desc, want)
		}
	}
	pp := tr.Pipes[w.Inode]
	if len(pp.Writers) != 1 || len(pp.Readers) != 3 {
		t.Errorf("pipe ends: writers %v readers %v", pp.Writers, pp.Readers)
	}
}

// TestReadGone: a pid that does not exist gives an empty tree, not an error.
func TestReadGone(t *testing.T) {
	c := exec.Command("true")
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	if tr := Read(c.Process.Pid); len(tr.Procs) != 0 {
		t.Errorf("tree of a gone process: %+v", tr.Procs)
	}
}

func syscallKill(pid int) { syscall.Kill(pid, syscall.SIGKILL) }

func groupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }
