package proctree

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// kcmpFile is KCMP_FILE (include/uapi/linux/kcmp.h): do two fds name one open file description?
const kcmpFile = 0

// Read takes a snapshot of root and every descendant of it, with their descriptors. A process
// that is gone by the time it is read is left out (root included: then the tree is empty).
func Read(root int) *Tree { return ReadTree(root, true) }

// ReadTree is Read, with the descriptors only when fds is set (the tree alone is much cheaper).
func ReadTree(root int, fds bool) *Tree {
	t := &Tree{}
	seen := map[int]bool{}
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		p, ok := readProcess(pid, fds)
		if !ok {
			continue
		}
		t.Procs = append(t.Procs, p)
		queue = append(queue, children(pid)...)
	}
	order(t.Procs, root)
	markShared(t)
	t.JoinPipes()
	return t
}

func readProcess(pid int, fds bool) (Process, bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	b, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return Process{}, false
	}
	comm, state, ppid, exit, err := parseStatFull(b)
	if err != nil {
		return Process{}, false
	}
	p := Process{Pid: pid, PPid: ppid, State: state, Comm: comm, WaitStatus: exit}
	if cl, err := os.ReadFile(dir + "/cmdline"); err == nil && len(cl) > 0 {
		p.Cmdline = strings.Split(strings.TrimSuffix(string(cl), "\x00"), "\x00")
	}
	if fds {
		p.Fds = readFds(dir)
	}
	return p, true
}

func readFds(dir string) []Fd {
	ents, err := os.ReadDir(dir + "/fd")
	if err != nil {
		return nil
	}
	fds := make([]Fd, 0, len(ents))
	// Raw calls into reused buffers: a refresh reads every descriptor of every process twice
	// a second, and os.ReadFile's file set-up cost more than the reads themselves.
	var link [4096]byte
	var info [512]byte
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ln, err := unix.Readlink(dir+"/fd/"+e.Name(), link[:])
		if err != nil {
			continue // closed meanwhile
		}
		f := Fd{Num: n, Target: string(link[:ln])}
		f.Kind, f.Inode = classify(f.Target)
		if m, ok := readSmall(dir+"/fdinfo/"+e.Name(), info[:]); ok {
			f.Pos, f.Flags, _ = parseFdinfo(info[:m])
			if f.Kind == KindPipe {
				f.PipeEnd = map[string]string{"r": "read", "w": "write", "rw": "read-write"}[f.Access()]
			}
			if f.Kind == KindFile && f.Flags&unix.O_DIRECTORY != 0 {
				f.Kind = KindDir
			}
		}
		fds = append(fds, f)
	}
	return fds
}

// readSmall reads a small /proc file into buf with raw calls; false when it is gone.
func readSmall(path string, buf []byte) (int, bool) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, false
	}
	defer unix.Close(fd)
	n, err := unix.Read(fd, buf)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// children lists the direct children of pid from /proc/<pid>/task/*/children, or, on kernels
// without that file, by scanning every process's parent.
func children(pid int) []int {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []int
	found := false
	for _, task := range tasks {
		b, err := os.ReadFile(filepath.Join(dir, task.Name(), "children"))
		if err != nil {
			continue
		}
		found = true
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	if found {
		return out
	}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if b, err := os.ReadFile("/proc/" + e.Name() + "/stat"); err == nil {
			if _, _, pp, err := parseStat(b); err == nil && pp == pid {
				out = append(out, c)
			}
		}
	}
	return out
}

// markShared asks the kernel which descriptors share an open file description. Only
// descriptors with the same target can, and sharing is an equivalence, so each descriptor is
// compared with one member of each class found so far in its group: after a fork of 50
// processes that is 49 kcmp calls per inherited descriptor, not 1,225.
func markShared(t *Tree) { markSharedBy(t, kcmpSame) }

// kcmpSame asks the kernel whether fd fa of pid a and fd fb of pid b are one open file
// description.
func kcmpSame(a, fa, b, fb int) bool {
	ret, _, e := unix.Syscall6(unix.SYS_KCMP, uintptr(a), uintptr(b), kcmpFile, uintptr(fa), uintptr(fb), 0)
	return e == 0 && ret == 0
}

// markSharedBy is markShared with the comparison given (a Refresher caches it).
func markSharedBy(t *Tree, same func(a, fa, b, fb int) bool) {
	type ref struct{ p, f int }
	groups := map[string][]ref{}
	for i, p := range t.Procs {
		for j, f := range p.Fds {
			groups[f.Target] = append(groups[f.Target], ref{i, j})
		}
	}
	next := 0
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		var classes [][]ref
		for _, r := range g {
			pr, fr := t.Procs[r.p].Pid, t.Procs[r.p].Fds[r.f].Num
			placed := false
			for c, members := range classes {
				rep := members[0]
				if same(pr, fr, t.Procs[rep.p].Pid, t.Procs[rep.p].Fds[rep.f].Num) {
					classes[c] = append(members, r)
					placed = true
					break
				}
			}
			if !placed {
				classes = append(classes, []ref{r})
			}
		}
		for _, members := range classes {
			if len(members) < 2 {
				continue
			}
			next++
			for _, m := range members {
				t.Procs[m.p].Fds[m.f].Shared = next
			}
		}
	}
}
