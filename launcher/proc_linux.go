package launcher

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

var (
	subreaperOnce sync.Once
	livePidsMu    sync.Mutex
	livePids      = map[int]bool{} // main pids of the sessions still running in this process
)

// becomeSubreaper makes this process the reaper of orphaned descendants (PR_SET_CHILD_SUBREAPER),
// so a program's child that outlives it (even after setsid and a double fork) is re-parented to
// the launcher, which finds and kills it, instead of escaping to init.
func becomeSubreaper() {
	subreaperOnce.Do(func() { unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) })
}

func registerPid(pid int, live bool) {
	livePidsMu.Lock()
	defer livePidsMu.Unlock()
	if live {
		livePids[pid] = true
	} else {
		delete(livePids, pid)
	}
}

// procInfo is what killTree needs from /proc/<pid>/stat and status.
type procInfo struct {
	pid, ppid, pgid, sid int
	state                byte
}

func readStat(pid int) (procInfo, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procInfo{}, false
	}
	// The command name is in parentheses and may hold anything: parse after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return procInfo{}, false
	}
	f := bytes.Fields(b[i+2:])
	if len(f) < 5 {
		return procInfo{}, false
	}
	p := procInfo{pid: pid, state: f[0][0]}
	p.ppid, _ = strconv.Atoi(string(f[1]))
	p.pgid, _ = strconv.Atoi(string(f[2]))
	p.sid, _ = strconv.Atoi(string(f[3]))
	return p, true
}

func allProcs() []procInfo {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	out := make([]procInfo, 0, len(names))
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		if p, ok := readStat(pid); ok {
			out = append(out, p)
		}
	}
	return out
}

// killTree SIGKILLs the program's whole tree: its process group, its session (when it leads one),
// every descendant of root, and sandboxed orphans re-parented to this process. It repeats until a
// scan finds nothing alive (a forking program races the first pass). root itself is killed too
// unless it is already a zombie, which the caller reaps. Zombie orphans are reaped here.
func killTree(root int, ownSession bool) {
	if root <= 0 {
		return
	}
	self := os.Getpid()
	for pass := 0; pass < 20; pass++ {
		unix.Kill(-root, unix.SIGKILL) // the process group (root leads it)
		procs := allProcs()
		children := map[int][]int{}
		for _, p := range procs {
			children[p.ppid] = append(children[p.ppid], p.pid)
		}
		victims := map[int]bool{}
		var walk func(int)
		walk = func(pid int) {
			for _, c := range children[pid] {
				if !victims[c] {
					victims[c] = true
					walk(c)
				}
			}
		}
		walk(root)
		for _, p := range procs {
			if p.pid == self || p.pid == root {
				continue
			}
			if p.pgid == root || (ownSession && p.sid == root) {
				victims[p.pid] = true
				walk(p.pid)
			}
			if adopter(p.ppid, self) && isSandboxedOrphan(p.pid) {
				victims[p.pid] = true
				walk(p.pid)
			}
		}
		alive := 0
		for pid := range victims {
			p, ok := readStat(pid)
			if !ok {
				continue
			}
			if p.state == 'Z' {
				if p.ppid == self && isOrphan(pid) {
					var ws unix.WaitStatus
					unix.Wait4(pid, &ws, unix.WNOHANG, nil)
				}
				continue
			}
			alive++
			unix.Kill(pid, unix.SIGKILL)
		}
		if alive == 0 {
			return
		}
	}
}

// countTree counts the live processes killTree(root, ownSession) would kill, root excepted.
func countTree(root int, ownSession bool) int {
	self := os.Getpid()
	procs := allProcs()
	children := map[int][]int{}
	for _, p := range procs {
		children[p.ppid] = append(children[p.ppid], p.pid)
	}
	in := map[int]bool{}
	var walk func(int)
	walk = func(pid int) {
		for _, c := range children[pid] {
			if !in[c] {
				in[c] = true
				walk(c)
			}
		}
	}
	walk(root)
	for _, p := range procs {
		if p.pid == self || p.pid == root {
			continue
		}
		if p.pgid == root || (ownSession && p.sid == root) || (adopter(p.ppid, self) && isSandboxedOrphan(p.pid)) {
			in[p.pid] = true
			walk(p.pid)
		}
	}
	n := 0
	for pid := range in {
		if p, ok := readStat(pid); ok && p.state != 'Z' {
			n++
		}
	}
	return n
}

// isOrphan reports whether pid is not a session's own main process (which its exec.Cmd reaps).
func isOrphan(pid int) bool {
	livePidsMu.Lock()
	defer livePidsMu.Unlock()
	return !livePids[pid]
}

// isSandboxedOrphan reports whether pid (a child of this process) runs under a seccomp filter
// and belongs to no live session: a program's descendant re-parented to us.
func isSandboxedOrphan(pid int) bool {
	if !isOrphan(pid) {
		return false
	}
	ev := VerifyPid(pid)
	return ev.Seccomp == 2
}

// groupCommand runs cmd in its own process group; cancelling its context sends SIGTERM to the
// whole group, and SIGKILL to the leader 3 s later if it has not exited. The leader is killed
// when sandbug dies (SIGKILL included): a compiler must not outlive it.
func groupCommand(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 3 * time.Second
}

// reapGroup kills what is left of the process group pgid (its leader already waited for) and
// reaps members re-parented to this process (a subreaper), so none stays as a zombie.
func reapGroup(pgid int) {
	unix.Kill(-pgid, unix.SIGKILL)
	self := os.Getpid()
	for pass := 0; pass < 50; pass++ {
		left := 0
		for _, p := range allProcs() {
			if p.pgid != pgid || p.pid == pgid {
				continue
			}
			left++
			if p.ppid == self && p.state == 'Z' {
				var ws unix.WaitStatus
				unix.Wait4(p.pid, &ws, unix.WNOHANG, nil)
			} else {
				unix.Kill(p.pid, unix.SIGKILL)
			}
		}
		if left == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// reapOrphan kills pid and waits for it when it is this process's child: a program whose
// debugger died is re-parented to the launcher (a subreaper), and nobody else would reap it.
func reapOrphan(pid int) {
	if p, ok := readStat(pid); !ok || p.ppid != os.Getpid() {
		return
	}
	unix.Kill(pid, unix.SIGKILL)
	var ws unix.WaitStatus
	unix.Wait4(pid, &ws, 0, nil)
}

// zombieStatus reads how pid ended from /proc/<pid>/stat (exit_code, field 52) while it is a
// zombie nobody has reaped yet; false when pid is not a zombie.
func zombieStatus(pid int) (ExitStatus, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ExitStatus{}, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return ExitStatus{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 50 || f[0] != "Z" {
		return ExitStatus{}, false
	}
	code, err := strconv.Atoi(f[49])
	if err != nil {
		return ExitStatus{}, false
	}
	ws := unix.WaitStatus(code)
	switch {
	case ws.Signaled():
		name := SignalName(int(ws.Signal()))
		return ExitStatus{Kind: KindSignaled, Signal: name, SignalDesc: SignalMeaning(name), Core: ws.CoreDump()}, true
	case ws.Exited():
		return ExitStatus{Kind: KindExited, Code: ws.ExitStatus()}, true
	}
	return ExitStatus{}, false
}
