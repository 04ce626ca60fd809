package proctree

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// State is a process's scheduling state as /proc/<pid>/stat gives it.
type State byte

// States a student meets; others (tracing, parked...) keep their letter.
const (
	Running  State = 'R'
	Sleeping State = 'S' // waiting for something: input, a child, a pipe, a timer
	Disk     State = 'D'
	Stopped  State = 'T' // stopped by a signal or by the debugger ('t')
	Zombie   State = 'Z' // exited; its parent has not wait()ed for it yet
	Dead     State = 'X'
)

// String names the state in a word.
func (s State) String() string {
	switch s {
	case Running:
		return "running"
	case Sleeping, 'I':
		return "sleeping"
	case Disk:
		return "waiting (disk)"
	case Stopped, 't':
		return "stopped"
	case Zombie:
		return "zombie"
	case Dead:
		return "dead"
	}
	return string(s)
}

// Process is one process of the tree.
type Process struct {
	Pid, PPid int
	State     State
	Comm      string   // the kernel's 15-byte name
	Cmdline   []string // argv; empty for a zombie
	Fds       []Fd     // by number; nil when they could not be read (the process ended)
	// WaitStatus is a zombie's exit status as wait(2) would give it to its parent (stat field
	// 52, Linux 3.5+), -1 for a process that has not exited or when the kernel does not say.
	WaitStatus int
	// Gone marks a process of a History that has exited and been reaped: its other fields
	// are as last seen (WaitStatus too, when it was seen as a zombie).
	Gone bool
}

// FdKind says what a descriptor refers to.
type FdKind string

// The kinds of descriptors.
const (
	KindFile     FdKind = "file"
	KindDir      FdKind = "directory"
	KindPipe     FdKind = "pipe"
	KindSocket   FdKind = "socket"
	KindTerminal FdKind = "terminal"
	KindDevice   FdKind = "device" // /dev/null, /dev/zero, /dev/urandom...
	KindAnon     FdKind = "anon"   // eventfd, epoll, timerfd, signalfd, ... (Target names it)
	KindOther    FdKind = "other"
)

// Fd is one file descriptor of a process.
type Fd struct {
	Num    int    `json:"fd"`
	Kind   FdKind `json:"kind"`
	Target string `json:"target"`          // what readlink gives: "/home/a/out.txt", "pipe:[123456]", "/dev/pts/3"
	Inode  uint64 `json:"inode,omitempty"` // for pipes and sockets: the inode in the brackets
	Pos    int64  `json:"pos"`             // file offset (fdinfo pos)
	Flags  int    `json:"flags"`           // open flags (fdinfo flags, octal in the file)
	// PipeEnd is "read" or "write" for a pipe (from the access mode), "" otherwise.
	PipeEnd string `json:"pipe_end,omitempty"`
	// Shared numbers the open file description when other descriptors in the tree refer to it
	// too (after dup, dup2 or fork: one offset, one set of flags): descriptors with the same
	// Shared value share it. 0 when this descriptor is the only one.
	Shared int `json:"shared,omitempty"`
}

// Access is the descriptor's access mode: "r", "w" or "rw".
func (f Fd) Access() string {
	switch f.Flags & 3 { // O_ACCMODE
	case 0:
		return "r"
	case 1:
		return "w"
	}
	return "rw"
}

// Tree is one snapshot of a program's processes, parents before children.
type Tree struct {
	Procs []Process
	// Pipes joins each pipe (by inode) to every descriptor holding one of its ends.
	Pipes map[uint64]*Pipe
}

// Pipe is one pipe and who holds its ends.
type Pipe struct {
	Inode       uint64
	Readers     []End // descriptors holding the read end
	Writers     []End // descriptors holding the write end
	UnknownEnds []End // ends whose access mode could not be read
}

// End is one descriptor holding a pipe end.
type End struct{ Pid, Fd int }

func (e End) String() string { return fmt.Sprintf("pid %d fd %d", e.Pid, e.Fd) }

// Find returns the process pid, or nil.
func (t *Tree) Find(pid int) *Process {
	for i := range t.Procs {
		if t.Procs[i].Pid == pid {
			return &t.Procs[i]
		}
	}
	return nil
}

// JoinPipes fills t.Pipes from the processes' descriptors.
func (t *Tree) JoinPipes() {
	t.Pipes = map[uint64]*Pipe{}
	for _, p := range t.Procs {
		for _, f := range p.Fds {
			if f.Kind != KindPipe {
				continue
			}
			pp := t.Pipes[f.Inode]
			if pp == nil {
				pp = &Pipe{Inode: f.Inode}
				t.Pipes[f.Inode] = pp
			}
			e := End{Pid: p.Pid, Fd: f.Num}
			switch f.PipeEnd {
			case "read":
				pp.Readers = append(pp.Readers, e)
			case "write":
				pp.Writers = append(pp.Writers, e)
			default:
				pp.UnknownEnds = append(pp.UnknownEnds, e)
			}
		}
	}
}

// Describe says in one line what descriptor f of process pid is, with pipes joined to their
// other ends: "fd 4 → pipe 123456 write end; read end held by pid 812 fd 3".
func (t *Tree) Describe(pid int, f Fd) string {
	var b strings.Builder
	fmt.Fprintf(&b, "fd %d → ", f.Num)
	switch f.Kind {
	case KindPipe:
		fmt.Fprintf(&b, "pipe %d %s end", f.Inode, f.PipeEnd)
		if pp := t.Pipes[f.Inode]; pp != nil {
			other, name := pp.Readers, "read"
			if f.PipeEnd == "read" {
				other, name = pp.Writers, "write"
			}
			var held []string
			for _, e := range other {
				held = append(held, e.String())
			}
			if len(held) == 0 {
				fmt.Fprintf(&b, "; no process holds the %s end", name)
			} else {
				fmt.Fprintf(&b, "; %s end held by %s", name, strings.Join(held, " and by "))
			}
		}
	case KindFile:
		fmt.Fprintf(&b, "%s (%s, offset %d)", f.Target, f.Access(), f.Pos)
	default:
		fmt.Fprintf(&b, "%s (%s)", f.Target, f.Kind)
	}
	if peers := t.SharedWith(pid, f); len(peers) > 0 {
		var l []string
		for _, e := range peers {
			l = append(l, e.String())
		}
		fmt.Fprintf(&b, " [shared with %s]", strings.Join(l, ", "))
	}
	return b.String()
}

// SharedWith lists the other descriptors in the tree that share f's open file description.
func (t *Tree) SharedWith(pid int, f Fd) []End {
	if f.Shared == 0 {
		return nil
	}
	var out []End
	for _, p := range t.Procs {
		for _, g := range p.Fds {
			if g.Shared == f.Shared && (p.Pid != pid || g.Num != f.Num) {
				out = append(out, End{Pid: p.Pid, Fd: g.Num})
			}
		}
	}
	return out
}

// parseStat decodes /proc/<pid>/stat: the command name is in parentheses and may itself
// contain spaces and parentheses, so fields are counted after the last ')'.
func parseStat(b []byte) (comm string, state State, ppid int, err error) {
	comm, state, ppid, _, err = parseStatFull(b)
	return
}

// parseStatFull is parseStat plus the exit code field (52), -1 when absent.
func parseStatFull(b []byte) (comm string, state State, ppid int, exit int, err error) {
	exit = -1
	open := bytes.IndexByte(b, '(')
	close := bytes.LastIndexByte(b, ')')
	if open < 0 || close < open {
		return "", 0, 0, -1, fmt.Errorf("stat: no command name in %q", b)
	}
	comm = string(b[open+1 : close])
	rest := strings.Fields(string(b[close+1:]))
	if len(rest) < 2 || len(rest[0]) != 1 {
		return "", 0, 0, -1, fmt.Errorf("stat: short line %q", b)
	}
	ppid, err = strconv.Atoi(rest[1])
	if err != nil {
		return "", 0, 0, -1, fmt.Errorf("stat: ppid %q", rest[1])
	}
	state = State(rest[0][0])
	if len(rest) >= 50 && state == Zombie {
		if v, err := strconv.Atoi(rest[49]); err == nil {
			exit = v
		}
	}
	return comm, state, ppid, exit, nil
}

// parseFdinfo decodes the pos and flags lines of /proc/<pid>/fdinfo/<fd>.
func parseFdinfo(b []byte) (pos int64, flags int, err error) {
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "pos":
			if pos, err = strconv.ParseInt(v, 10, 64); err != nil {
				return 0, 0, fmt.Errorf("fdinfo pos %q", v)
			}
		case "flags":
			f, err := strconv.ParseInt(v, 8, 64)
			if err != nil {
				return 0, 0, fmt.Errorf("fdinfo flags %q", v)
			}
			flags = int(f)
		}
	}
	return pos, flags, nil
}

// classify says what a descriptor's link target is.
func classify(target string) (FdKind, uint64) {
	inode := func(prefix string) uint64 {
		n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(target, prefix), "]"), 10, 64)
		return n
	}
	switch {
	case strings.HasPrefix(target, "pipe:["):
		return KindPipe, inode("pipe:[")
	case strings.HasPrefix(target, "socket:["):
		return KindSocket, inode("socket:[")
	case strings.HasPrefix(target, "anon_inode:"):
		return KindAnon, 0
	case strings.HasPrefix(target, "/dev/pts/") || target == "/dev/tty" || strings.HasPrefix(target, "/dev/tty"):
		return KindTerminal, 0
	case strings.HasPrefix(target, "/dev/"):
		return KindDevice, 0
	case strings.HasPrefix(target, "/"):
		return KindFile, 0
	}
	return KindOther, 0
}

// order sorts processes parents first (by depth from the root), then by pid.
func order(procs []Process, root int) {
	depth := map[int]int{root: 0}
	parent := map[int]int{}
	for _, p := range procs {
		parent[p.Pid] = p.PPid
	}
	var d func(pid, n int) int
	d = func(pid, n int) int {
		if v, ok := depth[pid]; ok {
			return v
		}
		pp, ok := parent[pid]
		if !ok || n > len(procs) {
			return 0
		}
		v := d(pp, n+1) + 1
		depth[pid] = v
		return v
	}
	sort.SliceStable(procs, func(i, j int) bool {
		di, dj := d(procs[i].Pid, 0), d(procs[j].Pid, 0)
		if di != dj {
			return di < dj
		}
		return procs[i].Pid < procs[j].Pid
	})
}
