package launcher

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/wrapper/keeper"
)

// keeperConn is sandbug's side of a sandbug-keeper (package wrapper/keeper): the child
// subreaper between sandbug and what it starts, which kills everything left below it when sandbug
// closes the control socket or dies. Its pid is registered so that killTree counts the
// sandboxed processes re-parented to it as the program's.
type keeperConn struct {
	cmd *exec.Cmd
	ctl *os.File
	r   *bufio.Reader
	// direct: the wrapper did not answer as a keeper (not sandbug's wrapper, or an old one):
	// what it started is sandbug's own child, followed as before, and the kernel's verification
	// says whether it is sandboxed.
	direct bool
}

// keeperHello bounds the wait for the keeper's first line.
const keeperHello = 3 * time.Second

// keeperCommand returns the command that runs argv under a keeper in session mode (one of
// keeper.Setsid, ...), and the keeper's handle; start it with keeper.start. The keeper is in a
// process group of its own: a terminal's Ctrl-C or a kill of sandbug's group does not reach it.
func keeperCommand(wrapperPath, session string, argv []string) (*exec.Cmd, *keeperConn, error) {
	ours, theirs, err := keeperSocket()
	if err != nil {
		return nil, nil, err
	}
	prefix := keeperPrefix(wrapperPath, session)
	cmd := exec.Command(prefix[0], append(prefix[1:], argv...)...)
	cmd.ExtraFiles = []*os.File{theirs}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd, &keeperConn{cmd: cmd, ctl: ours, r: bufio.NewReader(ours)}, nil
}

// keeperPrefix is the command line that runs a command under a keeper in session mode, up to
// and including "--": sandbug-keeper beside the wrapper (a small binary, quick to start), or
// the wrapper's own --keeper where it is missing.
func keeperPrefix(wrapperPath, session string, extra ...string) []string {
	var p []string
	if k := filepath.Join(filepath.Dir(wrapperPath), "sandbug-keeper"); unix.Access(k, unix.X_OK) == nil {
		p = []string{k}
	} else {
		p = []string{wrapperPath, "--keeper"}
	}
	p = append(p, "--session", session)
	p = append(p, extra...)
	return append(p, "--")
}

// keeperSocket makes the control socket: sandbug's end (close-on-exec, pollable so that reads
// take a deadline) and the keeper's (ExtraFiles[0], its fd 3).
func keeperSocket() (ours, theirs *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("keeper socket: %w", err)
	}
	unix.SetNonblock(fds[0], true)
	return os.NewFile(uintptr(fds[0]), "keeper-control"), os.NewFile(uintptr(fds[1]), "keeper-control"), nil
}

// keptPid reads the keeper's first line on ctl, the pid of the command it started, or
// returns fallback (the keeper's own pid) when it does not come.
func keptPid(ctl *os.File, fallback int) int {
	if l, _ := keeperLine(ctl, bufio.NewReader(ctl)); strings.HasPrefix(l, "pid ") {
		if pid, err := strconv.Atoi(strings.TrimPrefix(l, "pid ")); err == nil && pid > 0 {
			return pid
		}
	}
	return fallback
}

// keeperLine reads the keeper's first line from r (ctl's reader), waiting at most keeperHello.
func keeperLine(ctl *os.File, r *bufio.Reader) (string, error) {
	ctl.SetReadDeadline(time.Now().Add(keeperHello))
	defer ctl.SetReadDeadline(time.Time{})
	l, err := r.ReadString('\n')
	return strings.TrimSpace(l), err
}

// started closes the keeper's end in this process (after cmd.Start) and returns the pid of the
// command the keeper started; when the wrapper does not answer as a keeper, its own pid (direct).
func (k *keeperConn) started() (int, error) {
	for _, f := range k.cmd.ExtraFiles {
		f.Close()
	}
	l, err := keeperLine(k.ctl, k.r)
	switch {
	case strings.HasPrefix(l, "pid "):
		registerKeeper(k.cmd.Process.Pid, true)
		return strconv.Atoi(strings.TrimPrefix(l, "pid "))
	case strings.HasPrefix(l, "error "):
		return 0, fmt.Errorf("%s", strings.TrimPrefix(l, "error "))
	case err != nil:
		k.direct = true
		return k.cmd.Process.Pid, nil
	}
	return 0, fmt.Errorf("the keeper said %q", l)
}

// exitStatus waits for the keeper's word that its command ended and returns its wait status.
func (k *keeperConn) exitStatus() (syscall.WaitStatus, bool) {
	if k.direct {
		return 0, false
	}
	for {
		l, err := k.r.ReadString('\n')
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "exit "); ok {
			n, perr := strconv.Atoi(v)
			return syscall.WaitStatus(n), perr == nil && n >= 0
		}
		if err != nil {
			return 0, false
		}
	}
}

// release tells the keeper sandbug is done: it kills what is left below it and ends.
func (k *keeperConn) release() {
	k.ctl.Close()
}

// done unregisters the keeper once it has been waited for.
func (k *keeperConn) done() {
	if !k.direct {
		registerKeeper(k.cmd.Process.Pid, false)
	}
}

var liveKeepers = map[int]bool{} // guarded by livePidsMu

func registerKeeper(pid int, live bool) {
	livePidsMu.Lock()
	defer livePidsMu.Unlock()
	if live {
		liveKeepers[pid] = true
	} else {
		delete(liveKeepers, pid)
	}
}

// adopter reports whether ppid is this process or one of its keepers: the parents a sandboxed
// orphan is re-parented to.
func adopter(ppid, self int) bool {
	if ppid == self {
		return true
	}
	livePidsMu.Lock()
	defer livePidsMu.Unlock()
	return liveKeepers[ppid]
}

// leftovers lists the live processes below the keeper other than main (the program's zombie):
// what the program left running.
func (k *keeperConn) leftovers(main int) []int {
	var out []int
	for _, p := range keeper.Descendants(k.cmd.Process.Pid) {
		if st, ok := readStat(p); ok && p != main && st.state != 'Z' {
			out = append(out, p)
		}
	}
	return out
}

// killLeftovers SIGKILLs what the program left, in passes until none is alive (a forking
// program races each one); without a keeper, killTree's scan of /proc.
func (k *keeperConn) killLeftovers(main int, ownSession bool) {
	if k.direct {
		killTree(main, ownSession)
		return
	}
	for pass := 0; pass < 20; pass++ {
		left := k.leftovers(main)
		if len(left) == 0 {
			return
		}
		for _, p := range left {
			unix.Kill(p, unix.SIGKILL)
		}
	}
}
