package proctree

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// Refresher reads a running program's processes again and again (a live view at 2 Hz) for
// less than a fresh Read each time costs:
//   - the tree is read whole every time (stat and children), command lines only when a
//     process's name changed (an exec) or was never read;
//   - descriptor tables: the focused process's every time, the others in turns, about
//     Budget descriptors per refresh; a table not read this time is the one read last;
//   - kcmp answers are kept until one of the two processes' tables changes.
//
// With a few processes (every teaching demo) everything is read every time. Processes that
// left the root's tree (orphans) are still followed, and exited ones kept (History).
// A Refresher is not safe for concurrent use: one refresh at a time.
type Refresher struct {
	Root   int
	Budget int // descriptors of unfocused processes read per refresh; 0 reads them all

	hist  History
	cmds  map[int]cmdCache
	fds   map[int][]Fd
	sig   map[int]string // a process's table as "num target flags;..." when last read
	kcmp  map[[4]int]bool
	turns []int // unfocused pids, the next to read first
}

type cmdCache struct {
	comm    string
	cmdline []string
}

// NewRefresher follows root and its descendants.
func NewRefresher(root int) *Refresher {
	return &Refresher{Root: root, Budget: 100, cmds: map[int]cmdCache{}, fds: map[int][]Fd{},
		sig: map[int]string{}, kcmp: map[[4]int]bool{}}
}

// Refresh takes one snapshot and returns every process seen so far (History.Merge), with the
// focused process's descriptors fresh. Without fds no descriptor is read at all.
func (r *Refresher) Refresh(focus int, fds bool) *Tree {
	t := &Tree{}
	seen := map[int]bool{}
	queue := append([]int{r.Root}, r.hist.Pids()...)
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		p, threads, ok := r.readProc(pid)
		if !ok {
			continue
		}
		t.Procs = append(t.Procs, p)
		if p.State != Zombie && p.State != Dead {
			queue = append(queue, r.children(pid, threads)...)
		}
	}
	for pid := range r.cmds {
		if !seen[pid] {
			r.forget(pid)
		}
	}
	if fds {
		r.readTables(t, focus)
		markSharedBy(t, r.same)
	}
	order(t.Procs, r.Root)
	return r.hist.Merge(r.Root, t)
}

// readProc reads one process and its number of threads.
func (r *Refresher) readProc(pid int) (Process, int, bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	var buf [1024]byte
	n, ok := readSmall(dir+"/stat", buf[:])
	if !ok {
		return Process{}, 0, false
	}
	comm, state, ppid, exit, err := parseStatFull(buf[:n])
	if err != nil {
		return Process{}, 0, false
	}
	threads := 0
	if i := bytes.LastIndexByte(buf[:n], ')'); i >= 0 {
		if f := strings.Fields(string(buf[i+1 : n])); len(f) > 17 {
			threads, _ = strconv.Atoi(f[17]) // field 20, num_threads
		}
	}
	p := Process{Pid: pid, PPid: ppid, State: state, Comm: comm, WaitStatus: exit}
	c, ok := r.cmds[pid]
	if !ok || c.comm != comm || len(c.cmdline) == 0 {
		c = cmdCache{comm: comm}
		if cl, err := os.ReadFile(dir + "/cmdline"); err == nil && len(cl) > 0 {
			c.cmdline = strings.Split(strings.TrimSuffix(string(cl), "\x00"), "\x00")
		}
		r.cmds[pid] = c
	}
	p.Cmdline = c.cmdline
	return p, threads, true
}

// children is the package's children, without listing the task folder of a process with one
// thread (its only task has its pid): two system calls instead of a directory read.
func (r *Refresher) children(pid, threads int) []int {
	if threads != 1 {
		return children(pid)
	}
	var buf [4096]byte
	n, ok := readSmall("/proc/"+strconv.Itoa(pid)+"/task/"+strconv.Itoa(pid)+"/children", buf[:])
	if !ok || n == len(buf) {
		return children(pid) // gone meanwhile (then that finds none), or too many to fit
	}
	var out []int
	for _, f := range strings.Fields(string(buf[:n])) {
		if c, err := strconv.Atoi(f); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// readTables fills the descriptor tables: the focused process's, then others in turns until
// the budget is spent; the rest keep their last tables.
func (r *Refresher) readTables(t *Tree, focus int) {
	alive := map[int]*Process{}
	for i := range t.Procs {
		p := &t.Procs[i]
		if p.State != Zombie && p.State != Dead {
			alive[p.Pid] = p
		}
	}
	read := func(p *Process) int {
		p.Fds = readFds("/proc/" + strconv.Itoa(p.Pid))
		r.fds[p.Pid] = p.Fds
		if s := signature(p.Fds); s != r.sig[p.Pid] {
			r.sig[p.Pid] = s
			r.dropKcmp(p.Pid)
		}
		return len(p.Fds)
	}
	if p := alive[focus]; p != nil {
		read(p)
	}
	// Turns: pids not read this time go first next time.
	var next []int
	inTurns := map[int]bool{}
	for _, pid := range r.turns {
		if alive[pid] != nil && pid != focus {
			next = append(next, pid)
			inTurns[pid] = true
		}
	}
	for _, p := range t.Procs {
		if alive[p.Pid] != nil && p.Pid != focus && !inTurns[p.Pid] {
			next = append(next, p.Pid)
		}
	}
	spent := 0
	var later, done []int
	for _, pid := range next {
		_, known := r.fds[pid]
		if !known || r.Budget <= 0 || spent < r.Budget {
			spent += read(alive[pid])
			done = append(done, pid)
			continue
		}
		// A copy: the last tree (now the caller's) holds the cached table, and sharing is
		// marked again below.
		old := make([]Fd, len(r.fds[pid]))
		for i, f := range r.fds[pid] {
			f.Shared = 0
			old[i] = f
		}
		alive[pid].Fds = old
		later = append(later, pid)
	}
	r.turns = append(later, done...)
}

// same is kcmpSame with its answers kept while both tables stay as they were.
func (r *Refresher) same(a, fa, b, fb int) bool {
	k := [4]int{a, fa, b, fb}
	if a > b || (a == b && fa > fb) {
		k = [4]int{b, fb, a, fa}
	}
	if v, ok := r.kcmp[k]; ok {
		return v
	}
	v := kcmpSame(a, fa, b, fb)
	r.kcmp[k] = v
	return v
}

func (r *Refresher) dropKcmp(pid int) {
	for k := range r.kcmp {
		if k[0] == pid || k[2] == pid {
			delete(r.kcmp, k)
		}
	}
}

func (r *Refresher) forget(pid int) {
	delete(r.cmds, pid)
	delete(r.fds, pid)
	delete(r.sig, pid)
	r.dropKcmp(pid)
}

// signature is what decides whether kcmp answers still hold: a descriptor closed and opened
// again changes its target or flags (a dup2 between two descriptions of one file with equal
// flags is the one change it misses until either table changes otherwise).
func signature(fds []Fd) string {
	var b strings.Builder
	for _, f := range fds {
		b.WriteString(strconv.Itoa(f.Num))
		b.WriteByte(' ')
		b.WriteString(f.Target)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(f.Flags))
		b.WriteByte(';')
	}
	return b.String()
}
