// Package keeper is sandbug's keeper: a child subreaper between sandbug and what it starts (the
// wrapper in run mode, gdb in debug mode), which kills every process left below it when sandbug
// is done or dies. It is its own small binary (cmd/sandbug-keeper), so that it starts quickly;
// `sandbug-wrapper --keeper` runs the same code.
package keeper

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The keeper (sandbug-keeper, or `sandbug-wrapper --keeper`) stands between sandbug and what it starts (the wrapper
// in run mode, gdb in debug mode) so that nothing the program started outlives sandbug, even
// when sandbug is SIGKILLed (an autograder's own timeout, the OOM killer). It is a child
// subreaper: every process the program leaves behind (setsid and a double fork included) is
// re-parented to it, not to init. It starts CMD, tells sandbug CMD's pid, and when sandbug closes
// its end of the control socket (it is done, or the kernel closed it because sandbug died), it
// SIGKILLs every process below it, reaps them and exits with CMD's status.
//
// The control socket is fd 3. The keeper writes, one per line:
//
//	pid N          CMD started as N
//	exit W         CMD ended with the raw wait status W (its zombie is kept until the end)
//	error TEXT     CMD could not be started (the keeper then exits 127)
//
// Sandbug reads them and closes its end when it has looked at CMD's zombie.

// The values of --session: how CMD is placed among sessions and groups.
const (
	Setsid     = "setsid"     // a new session with fd 0 (a terminal) as its controlling terminal
	Pgid       = "pgid"       // a new process group
	Foreground = "foreground" // a new process group made the foreground job of fd 0 (a terminal)
	Inherit    = "inherit"    // the keeper's own group and session (gdb: a kill of the keeper's group ends both)
)

// The keeper's own failures, as the wrapper's (wrapper.ExitSetup, wrapper.ExitNotFound).
const (
	exitSetup    = 125
	exitNotFound = 127
)

const keeperUsage = "usage: sandbug-keeper [--session setsid|pgid|foreground|inherit] [--exit-with-child] -- CMD [ARGS...]"

// keeperCtlFd is where the control socket is (ExtraFiles[0]).
const keeperCtlFd = 3

// Run runs the keeper with its arguments after --keeper: [--session MODE]
// [--exit-with-child] -- CMD [ARGS...]. With --exit-with-child (gdb in a debug session) the end
// of CMD is the end: the keeper kills what is left below it and exits at once, without waiting
// to be released.
func Run(args []string, stderr io.Writer) int {
	session := Pgid
	withChild := false
	for len(args) > 0 && args[0] != "--" {
		switch {
		case args[0] == "--exit-with-child":
			withChild, args = true, args[1:]
		case args[0] == "--session" && len(args) > 1:
			session, args = args[1], args[2:]
		case strings.HasPrefix(args[0], "--session="):
			session, args = strings.TrimPrefix(args[0], "--session="), args[1:]
		default:
			fmt.Fprintf(stderr, "sandbug-keeper: unknown argument %q (%s)\n", args[0], keeperUsage)
			return exitSetup
		}
	}
	if len(args) < 2 {
		fmt.Fprintf(stderr, "sandbug-keeper: no command (%s)\n", keeperUsage)
		return exitSetup
	}
	ctl := os.NewFile(keeperCtlFd, "keeper-control")
	if _, err := unix.FcntlInt(keeperCtlFd, unix.F_GETFD, 0); err != nil {
		fmt.Fprintln(stderr, "sandbug-keeper: no control socket on fd 3 (it is started by sandbug)")
		return exitSetup
	}
	unix.CloseOnExec(keeperCtlFd)
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintf(ctl, "error PR_SET_CHILD_SUBREAPER: %v\n", err)
		return exitSetup
	}
	// Interrupts are sandbug's to send to CMD; the keeper outlives them to clean up. Caught, not
	// ignored: an ignored signal would stay ignored in CMD across the exec.
	interrupts := make(chan os.Signal, 4)
	signal.Notify(interrupts, unix.SIGINT, unix.SIGQUIT, unix.SIGHUP, unix.SIGTERM)
	go func() {
		for range interrupts {
		}
	}()

	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	attr := &syscall.SysProcAttr{}
	switch session {
	case Setsid:
		attr.Setsid, attr.Setctty, attr.Ctty = true, true, 0
	case Foreground:
		attr.Setpgid, attr.Foreground, attr.Ctty = true, true, 0
	case Pgid:
		attr.Setpgid = true
	case Inherit:
	default:
		fmt.Fprintf(ctl, "error unknown --session %q\n", session)
		return exitSetup
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(ctl, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		return exitNotFound
	}
	pid := cmd.Process.Pid
	fmt.Fprintf(ctl, "pid %d\n", pid)
	// The keeper holds none of CMD's streams: their readers see the end when CMD's tree closes them.
	if null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0); err == nil {
		for fd := 0; fd <= 2; fd++ {
			unix.Dup2(int(null.Fd()), fd)
		}
		null.Close()
	}

	released := make(chan struct{})
	go func() {
		io.Copy(io.Discard, bufio.NewReader(ctl))
		close(released)
	}()
	exited := make(chan int, 1)
	go func() { exited <- waitNoReap(pid) }()
	orphans := make(chan os.Signal, 1)
	signal.Notify(orphans, unix.SIGCHLD)

	status := -1
	for done := false; !done; {
		select {
		case status = <-exited:
			fmt.Fprintf(ctl, "exit %d\n", status)
			exited = nil
			done = withChild
		case <-orphans:
			reapOrphans(pid)
		case <-released:
			done = true
		}
	}
	final := killBelow(pid)
	if status < 0 {
		status = final
	}
	return mirrorStatus(status)
}

// waitNoReap waits until pid has ended, leaving its zombie, and returns its raw wait status.
func waitNoReap(pid int) int {
	for {
		var si unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &si, unix.WEXITED|unix.WNOWAIT, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1
		}
		return siginfoStatus(&si)
	}
}

// childSiginfo is the start of x86_64's siginfo_t for SIGCHLD (what waitid fills).
type childSiginfo struct {
	Signo, Errno, Code int32
	_                  int32
	Pid, UID, Status   int32
}

// siginfoStatus turns waitid's siginfo (si_code, si_status) into a raw wait status.
func siginfoStatus(si *unix.Siginfo) int {
	c := (*childSiginfo)(unsafe.Pointer(si))
	switch c.Code {
	case 1: // CLD_EXITED
		return int(c.Status&0xff) << 8
	case 2: // CLD_KILLED
		return int(c.Status & 0x7f)
	case 3: // CLD_DUMPED
		return int(c.Status&0x7f) | 0x80
	}
	return -1
}

// reapOrphans reaps the children that have ended, except main (kept for sandbug to look at).
func reapOrphans(main int) {
	for _, c := range childrenOf(os.Getpid()) {
		if c != main && processState(c) == 'Z' {
			var ws unix.WaitStatus
			unix.Wait4(c, &ws, unix.WNOHANG, nil)
		}
	}
}

// killBelow SIGKILLs every process below the keeper, repeatedly (a forking program races each
// pass; its children come to the keeper as they are orphaned), reaps them all and returns
// main's raw wait status (-1 when not seen).
func killBelow(main int) int {
	status := -1
	self := os.Getpid()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, p := range Descendants(self) {
			unix.Kill(p, unix.SIGKILL)
		}
		for {
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG|unix.WALL, nil)
			if err == unix.EINTR {
				continue
			}
			if err == unix.ECHILD {
				return status
			}
			if err != nil || pid == 0 {
				break
			}
			if pid == main {
				status = int(ws)
			}
		}
		time.Sleep(time.Millisecond)
	}
	return status
}

// mirrorStatus ends the keeper the way CMD ended: its exit code, or the same signal (no core).
func mirrorStatus(raw int) int {
	if raw < 0 {
		return exitSetup
	}
	ws := unix.WaitStatus(raw)
	if ws.Exited() {
		return ws.ExitStatus()
	}
	if ws.Signaled() {
		sig := ws.Signal()
		unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
		signal.Reset(sig)
		unix.Kill(os.Getpid(), sig)
		time.Sleep(100 * time.Millisecond)
		return 128 + int(sig)
	}
	return exitSetup
}

// childrenOf lists the pids whose parent is pid (from /proc/<pid>/task/*/children).
func childrenOf(pid int) []int {
	tasks, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// Descendants lists every process below pid, children first (the launcher counts a keeper's
// leftovers with it).
func Descendants(pid int) []int {
	var out []int
	seen := map[int]bool{}
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range childrenOf(p) {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
				queue = append(queue, c)
			}
		}
	}
	return out
}

// processState is the state letter of /proc/<pid>/stat, 0 when gone.
func processState(pid int) byte {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 || i+2 >= len(b) {
		return 0
	}
	return b[i+2]
}
