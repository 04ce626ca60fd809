package wrapper

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Exec confines the calling process and replaces it with the program (execve, exactly once,
// never through a shell or a fork). It returns only on failure, after writing the one-line
// reason to Stderr and, when a notify socket is connected, the structured error to it; the
// caller exits with the returned code (ExitSetup, ExitNotExecutable or ExitNotFound).
//
// The caller must have called runtime.LockOSThread on this goroutine early (the command does it
// in init): the filter, no_new_privs and the execve all apply to this one thread.
func Exec(cfg ExecConfig) *ExitError {
	runtime.LockOSThread() // no-op when already locked; never unlocked: this thread execs
	// A short-lived process: the collector would only add pauses (policy compilation allocates).
	debug.SetGCPercent(-1)
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	r := runner{cfg: cfg, conn: -1, listener: -1}
	err := r.run()
	// run only returns on failure.
	if err == nil {
		err = exitErrorf(ExitSetup, "exec returned without an error")
	}
	if !r.reported {
		r.fail(err)
	}
	return err
}

type runner struct {
	cfg      ExecConfig
	conn     int    // notify socket, -1 when none
	listener int    // seccomp listener, -1 when none
	token    string // the supervisor's token from TokenEnv, "" when none
	reported bool   // the failure was already reported (a failed execve under a memory limit)
}

// fail reports err on the socket (when connected) and on stderr, and closes what is open.
func (r *runner) fail(err *ExitError) {
	r.tell(failureBytes(err, r.token))
}

// failureBytes encodes err: the MsgError line for the supervisor and the line for stderr.
func failureBytes(err *ExitError, token string) (msg, line []byte) {
	text := strings.ReplaceAll(err.Msg, "\n", " ")
	return Message{Type: MsgError, Code: err.Code, Msg: text, Token: token}.encode(),
		[]byte("sandbug-wrapper: " + text + "\n")
}

// tell sends an encoded failure (failureBytes) to the supervisor when connected, or else to
// stderr, and closes what is open. Without a listener to pass it allocates nothing, so that a
// failed execve under RLIMIT_AS can use it (execfail_linux.go).
func (r *runner) tell(msg, line []byte) {
	told := false // the supervisor has the reason: its launcher says it, once
	if r.conn >= 0 {
		if r.listener >= 0 {
			// Once the filter is on, the wrapper looks like the program to the supervisor's
			// peer check; the listener it carries shows it is not (see Supervisor).
			told = sendWithFd(r.conn, msg, r.listener) == nil
		} else {
			told = writeAll(r.conn, msg) == nil
		}
		// The supervisor closes the connection once the event is queued: only then is the
		// reason sure to reach the person, and stderr can stay quiet (no second copy).
		told = told && peerClosed(r.conn, time.Second)
		unix.Close(r.conn)
		r.conn = -1
	}
	if r.listener >= 0 {
		unix.Close(r.listener)
		r.listener = -1
	}
	if !told {
		r.cfg.Stderr.Write(line)
	}
}

func (r *runner) run() *ExitError {
	cfg := r.cfg
	env := cfg.Env
	if env == nil {
		env = os.Environ()
	}
	// The token proves to the supervisor that a message comes from the wrapper: the program
	// must never see it.
	r.token, env = takeToken(env)
	if cfg.Jail == nil {
		cfg.Jail = &JailConfig{}
	}
	notify := cfg.NotifySocket != ""
	restoreNofile()
	if notify {
		fd, err := dialUnix(cfg.NotifySocket)
		if err != nil {
			return exitErrorf(ExitSetup, "--notify %s: %v", cfg.NotifySocket, err)
		}
		r.conn = fd
	}
	if cfg.Filter == nil {
		return exitErrorf(ExitSetup, "no seccomp policy")
	}
	prog, policyName, err := cfg.Filter(notify)
	if err != nil {
		return exitErrorf(ExitSetup, "%v", err)
	}
	filter := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		filter[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}

	env = scrubEnv(env, !cfg.KeepEnv, cfg.Jail.TmpDir)
	path, xerr := resolveProgram(cfg.Program, env)
	if xerr != nil {
		return xerr
	}

	cred, drop, err := targetUser(cfg.User)
	if err != nil {
		return exitErrorf(ExitSetup, "%v", err)
	}
	if drop {
		if err := dropPrivileges(cred); err != nil {
			return exitErrorf(ExitSetup, "%v", err)
		}
	}
	// After the drop, which clears it. It follows the thread that forked the wrapper (the
	// launcher's, or gdb's): when that goes, so does the program.
	if err := setPdeathsig(); err != nil {
		return exitErrorf(ExitSetup, "%v", err)
	}
	// Check as the user the program will run as, now that the ids are final.
	if err := unix.Access(path, unix.X_OK); err != nil {
		return exitErrorf(ExitNotExecutable, "%s: not executable by uid %d: %v", path, unix.Geteuid(), err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return exitErrorf(ExitSetup, "prctl(PR_SET_NO_NEW_PRIVS): %v", err)
	}
	if drop {
		// setuid cleared the dumpable flag; execve sets it again, but the supervisor and a
		// debugger may look at /proc/<pid> before that.
		if err := unix.Prctl(unix.PR_SET_DUMPABLE, 1, 0, 0, 0); err != nil {
			return exitErrorf(ExitSetup, "prctl(PR_SET_DUMPABLE): %v", err)
		}
	}
	// Whatever the caller left open above stderr must not reach the program (a launcher's
	// socket, a terminal master, a file of the user's): mark it all close-on-exec. Done before
	// the filter goes on, so close_range needs no rule in any policy; the notify socket and the
	// listener are close-on-exec already.
	if err := cloexecFrom(3); err != nil {
		return exitErrorf(ExitSetup, "%v", err)
	}
	limits := cfg.Limits
	if limits.NProcExtra > 0 {
		// A relative process limit counts the uid's tasks now, before the jail and the filter
		// that each of its few hundred calls would otherwise go through (1.5 ms then, on a
		// machine of 70 processes).
		limits.NProc = uidTasks(unix.Getuid()) + limits.NProcExtra
		limits.NProcExtra = 0
	}
	if notify {
		if _, err := checkNotifSizes(); err != nil {
			return exitErrorf(ExitSetup, "%v", err)
		}
	}
	// Landlock before the seccomp filter (whose policy need not allow landlock_* or the
	// probes) and before the limits (RLIMIT_AS would starve its allocations).
	jail, err := applyJail(*cfg.Jail, path)
	if err != nil {
		return exitErrorf(ExitSetup, "%v", err)
	}
	hello := Message{Type: MsgHello, Pid: os.Getpid(), Program: path, Policy: policyName, Token: r.token, Jail: jail}.encode()
	// execve's arguments are built now: once RLIMIT_AS is set, a Go allocation that needs a new
	// mapping dies with "out of memory" (a Go process reserves over 1 GB of address space).
	pathp, err := syscall.BytePtrFromString(path)
	if err != nil {
		return exitErrorf(ExitNotExecutable, "%s: %v", path, err)
	}
	argvp, err := syscall.SlicePtrFromStrings(append([]string{cfg.Program}, cfg.Args...))
	if err != nil {
		return exitErrorf(ExitSetup, "arguments: %v", err)
	}
	envp, err := syscall.SlicePtrFromStrings(env)
	if err != nil {
		return exitErrorf(ExitSetup, "environment: %v", err)
	}
	// Under a debugger the wait for an answer must stay interruptible: the debugger stops a
	// thread whose call is held (SupervisorConfig.Intercept). Elsewhere make it killable only,
	// so counts stay exact under signal storms.
	killable := notify && !traced()

	// From here to execve only the calls the policies must allow happen on this thread:
	// seccomp, prlimit64, sendmsg, read, close, execve, plus the Go runtime's own (futex,
	// rt_sigreturn, rt_sigprocmask, mmap...); the collector is off since Exec started.
	r.listener, err = installFilter(filter, notify, killable)
	if err != nil {
		return exitErrorf(ExitSetup, "%v", err)
	}
	// RLIMIT_AS last of all, just before the execve: a Go process already maps more than most
	// memory limits, so once it is set any new mapping of the runtime (a thread's stack when
	// the wait for the ack blocks, a heap arena) fails with "fatal error: runtime: out of
	// memory". Measured: with mem=1G set before the hand-off, 4 of 15 demos died so.
	asLimit, err := memRlimit(limits.Mem)
	if err != nil {
		return exitErrorf(ExitSetup, "%v", err)
	}
	noMem := limits
	noMem.Mem = 0
	if err := applyLimits(noMem); err != nil {
		return exitErrorf(ExitSetup, "%v", err)
	}
	if notify {
		if err := handOff(r.conn, hello, r.listener); err != nil {
			return exitErrorf(ExitSetup, "--notify %s: %v", cfg.NotifySocket, err)
		}
		unix.Close(r.listener)
		r.listener = -1
		// r.conn stays open, close-on-exec: the execve closes it, which tells the supervisor
		// the program runs; if the execve fails, fail reports why on it (write is allowed).
	}
	var prepared *preparedFailures
	if asLimit != nil {
		prepared = prepareFailures(path, r.token) // from here on nothing may allocate (execfail_linux.go)
		// A raw prlimit64 on this process: no allocation, no runtime call between it and the execve.
		if _, _, e := unix.RawSyscall6(unix.SYS_PRLIMIT64, 0, unix.RLIMIT_AS, uintptr(unsafe.Pointer(asLimit)), 0, 0, 0); e != 0 {
			return exitErrorf(ExitSetup, "setrlimit(mem, %d): %v", asLimit.Cur, e)
		}
	}
	// Not syscall.Exec: it allocates. The Go runtime is quiet here (the collector is off, no
	// other goroutine runs), and a raw execve keeps this thread's P, so no thread starts.
	_, _, e := unix.RawSyscall(unix.SYS_EXECVE, uintptr(unsafe.Pointer(pathp)),
		uintptr(unsafe.Pointer(&argvp[0])), uintptr(unsafe.Pointer(&envp[0])))
	runtime.KeepAlive(pathp)
	runtime.KeepAlive(argvp)
	runtime.KeepAlive(envp)
	runtime.KeepAlive(asLimit)
	if prepared != nil {
		r.reported = true
		return prepared.report(r, e)
	}
	return execFailure(path, e)
}

// execFailure says why the kernel refused to start the program, in words a student can act on.
// The file was found and is executable (resolveProgram checked), so ENOENT is its interpreter.
func execFailure(path string, e unix.Errno) *ExitError {
	why := e.Error()
	code := ExitNotExecutable
	switch e {
	case unix.ENOEXEC:
		why = "not a program this machine can run (not an ELF executable, or a script without a #! line)"
	case unix.ENOENT:
		code = ExitNotFound
		why = "its interpreter is missing (the #! line of a script, or the ELF loader of a binary built for another system)"
	case unix.EACCES:
		why = "permission denied (the file, a folder on its path, or the sandbox's file rules)"
	case unix.EPERM:
		why = "refused by the sandbox's policy or the kernel (EPERM)"
	case unix.ELIBBAD:
		why = "its ELF interpreter is corrupt"
	}
	return exitErrorf(code, "cannot start %s: %s", path, why)
}

// peerClosed waits up to d for the other end of conn to close it (end of file).
func peerClosed(conn int, d time.Duration) bool {
	// Raw system calls on the stack's buffers: no allocation (tell).
	deadline := time.Now().Add(d)
	var pfd unix.PollFd
	var buf [64]byte
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		pfd = unix.PollFd{Fd: int32(conn), Events: unix.POLLIN}
		n, _, errno := unix.Syscall(unix.SYS_POLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(left.Milliseconds()+1))
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 || n == 0 {
			return false
		}
		m, _, errno := unix.Syscall(unix.SYS_READ, uintptr(conn), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		if errno == unix.EINTR || errno == unix.EAGAIN {
			continue
		}
		if errno != 0 {
			return false
		}
		if m == 0 {
			return true
		}
	}
}

// setPdeathsig asks for SIGKILL when the parent thread ends, and checks that the parent is
// not already gone (then the signal would never come).
func setPdeathsig() error {
	ppid := unix.Getppid()
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_PDEATHSIG): %w", err)
	}
	if unix.Getppid() != ppid {
		return errors.New("the launcher died before the program started")
	}
	return nil
}

// restoreNofile puts back the RLIMIT_NOFILE soft limit the process started with. The Go
// runtime raises it to the hard limit at start-up and only syscall.Exec (and os/exec) put the
// original back; the value is not exported. A syscall.Exec of "" restores it, fails with
// ENOENT before anything runs, and tells package syscall the limit is restored.
func restoreNofile() {
	syscall.Exec("", nil, nil)
}

// resolveProgram finds the program like execvp(3): a name with a slash is used as is, others
// are looked up in PATH. Not found is ExitNotFound; found but not a runnable file is
// ExitNotExecutable.
func resolveProgram(name string, env []string) (string, *ExitError) {
	if name == "" {
		return "", exitErrorf(ExitNotFound, "empty program name")
	}
	if strings.Contains(name, "/") {
		return name, checkCandidate(name)
	}
	pathEnv, found := "", false
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathEnv, found = v, true
		}
	}
	if !found {
		pathEnv = "/usr/local/bin:/usr/bin:/bin"
	}
	var firstBad *ExitError
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if !strings.Contains(p, "/") {
			p = "./" + p
		}
		err := checkCandidate(p)
		if err == nil {
			return p, nil
		}
		if err.Code == ExitNotExecutable && firstBad == nil {
			firstBad = err
		}
	}
	if firstBad != nil {
		return "", firstBad
	}
	return "", exitErrorf(ExitNotFound, "%s: command not found in PATH", name)
}

func checkCandidate(p string) *ExitError {
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return exitErrorf(ExitNotFound, "%s: no such file", p)
	case err != nil:
		return exitErrorf(ExitNotExecutable, "%s: %v", p, err)
	case st.IsDir():
		return exitErrorf(ExitNotExecutable, "%s: is a directory", p)
	case st.Mode()&0o111 == 0:
		return exitErrorf(ExitNotExecutable, "%s: permission denied (not executable)", p)
	}
	return nil
}

// targetUser decides who the program runs as, and whether ids must change.
func targetUser(spec string) (Credential, bool, error) {
	euid := unix.Geteuid()
	if spec == "" {
		if euid == 0 {
			return Nobody, true, nil
		}
		return Credential{Uid: euid, Gid: unix.Getegid()}, false, nil
	}
	c, err := LookupUser(spec)
	if err != nil {
		return c, false, err
	}
	if c.Uid == euid && (euid == 0 || c.Uid == unix.Getuid()) {
		return c, false, nil // already that user (--user root keeps root)
	}
	if euid != 0 {
		return c, false, fmt.Errorf("--user %s: switching users needs root (running as uid %d)", spec, euid)
	}
	return c, true, nil
}

// dropPrivileges switches the calling thread, the one that will execve, to c with no
// supplementary groups, and checks that it took. It deliberately uses the raw per-thread system
// calls rather than package syscall's, which stop the world and signal every thread of the Go
// runtime (1-3 ms here): execve replaces the whole process with the calling thread, so the
// other threads' credentials end with them, and they run no code but the runtime's until then.
func dropPrivileges(c Credential) error {
	if _, _, e := unix.RawSyscall(unix.SYS_SETGROUPS, 0, 0, 0); e != 0 {
		return fmt.Errorf("setgroups([]): %w", e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(c.Gid), uintptr(c.Gid), uintptr(c.Gid)); e != 0 {
		return fmt.Errorf("setresgid(%d): %w", c.Gid, e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(c.Uid), uintptr(c.Uid), uintptr(c.Uid)); e != 0 {
		return fmt.Errorf("setresuid(%d): %w", c.Uid, e)
	}
	ru, eu, su := unix.Getresuid()
	rg, eg, sg := unix.Getresgid()
	if ru != c.Uid || eu != c.Uid || su != c.Uid || rg != c.Gid || eg != c.Gid || sg != c.Gid {
		return fmt.Errorf("privilege drop to %d:%d did not take (uids %d/%d/%d gids %d/%d/%d)",
			c.Uid, c.Gid, ru, eu, su, rg, eg, sg)
	}
	if groups, err := unix.Getgroups(); err != nil || len(groups) != 0 {
		return fmt.Errorf("privilege drop: supplementary groups %v remain (%v)", groups, err)
	}
	return nil
}

// applyLimits sets the rlimits. It goes through package syscall so that syscall.Exec does not
// put back the RLIMIT_NOFILE soft limit the Go runtime raised at start-up.
func applyLimits(l Limits) error {
	set := func(name string, res int, soft, hard uint64) error {
		var cur syscall.Rlimit
		if err := syscall.Getrlimit(res, &cur); err != nil {
			return fmt.Errorf("getrlimit(%s): %w", name, err)
		}
		// Never try to raise a hard limit: an unprivileged user cannot, and the lower one wins.
		hard = min(hard, cur.Max)
		soft = min(soft, hard)
		if err := syscall.Setrlimit(res, &syscall.Rlimit{Cur: soft, Max: hard}); err != nil {
			return fmt.Errorf("setrlimit(%s, %d): %w", name, soft, err)
		}
		return nil
	}
	if l.CPU > 0 {
		secs := uint64((l.CPU + 999_999_999) / 1_000_000_000)
		// The hard limit a second later, so the program gets SIGXCPU before SIGKILL.
		if err := set("cpu", unix.RLIMIT_CPU, secs, secs+1); err != nil {
			return err
		}
	}
	if l.Mem > 0 {
		if err := set("mem", unix.RLIMIT_AS, uint64(l.Mem), uint64(l.Mem)); err != nil {
			return err
		}
	}
	if l.FSize > 0 {
		if err := set("fsize", unix.RLIMIT_FSIZE, uint64(l.FSize), uint64(l.FSize)); err != nil {
			return err
		}
	}
	if l.NoFile > 0 {
		if err := set("nofile", unix.RLIMIT_NOFILE, uint64(l.NoFile), uint64(l.NoFile)); err != nil {
			return err
		}
	}
	if l.NProc > 0 { // a relative limit (NProcExtra) is counted by the caller
		if err := set("nproc", unix.RLIMIT_NPROC, uint64(l.NProc), uint64(l.NProc)); err != nil {
			return err
		}
	}
	if l.Core != nil {
		if err := set("core", unix.RLIMIT_CORE, uint64(*l.Core), uint64(*l.Core)); err != nil {
			return err
		}
	}
	return nil
}

// memRlimit prepares the RLIMIT_AS value for mem bytes (nil when mem is 0), never above the
// current hard limit, which an unprivileged process cannot raise.
func memRlimit(mem int64) (*unix.Rlimit, error) {
	if mem <= 0 {
		return nil, nil
	}
	var cur unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_AS, &cur); err != nil {
		return nil, fmt.Errorf("getrlimit(mem): %w", err)
	}
	hard := min(uint64(mem), cur.Max)
	return &unix.Rlimit{Cur: hard, Max: hard}, nil
}

func dialUnix(path string) (int, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("connect: %w", err)
	}
	return fd, nil
}

func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// sendWithFd sends msg with fd attached (SCM_RIGHTS) to its first byte.
func sendWithFd(conn int, msg []byte, fd int) error {
	for {
		n, err := unix.SendmsgN(conn, msg, unix.UnixRights(fd), nil, unix.MSG_NOSIGNAL)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("sending the listener: %w", err)
		}
		if err := writeAll(conn, msg[n:]); err != nil {
			return fmt.Errorf("sending the message: %w", err)
		}
		return nil
	}
}

// handOff sends the hello line with the listener fd and waits for the supervisor's ack.
func handOff(conn int, hello []byte, listener int) error {
	if err := sendWithFd(conn, hello, listener); err != nil {
		return err
	}
	var ack [1]byte
	for {
		n, err := unix.Read(conn, ack[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("waiting for the supervisor's ack: %w", err)
		}
		if n == 0 {
			return errors.New("the supervisor closed the connection without an ack")
		}
		if ack[0] != AckByte {
			return fmt.Errorf("the supervisor answered %q instead of an ack", ack[0])
		}
		return nil
	}
}

// cloexecFrom marks every descriptor >= lowfd close-on-exec: close_range(2) with
// CLOSE_RANGE_CLOEXEC (Linux 5.11), else a walk of /proc/self/fd.
func cloexecFrom(lowfd int) error {
	_, _, e := unix.RawSyscall(unix.SYS_CLOSE_RANGE, uintptr(lowfd), ^uintptr(0)>>32, unix.CLOSE_RANGE_CLOEXEC)
	if e == 0 {
		return nil
	}
	if e != unix.ENOSYS && e != unix.EINVAL {
		return fmt.Errorf("close_range(%d, ~0, CLOSE_RANGE_CLOEXEC): %w", lowfd, e)
	}
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return fmt.Errorf("marking descriptors close-on-exec: %w", err)
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return fmt.Errorf("marking descriptors close-on-exec: %w", err)
	}
	for _, n := range names {
		fd, err := strconv.Atoi(n)
		if err != nil || fd < lowfd {
			continue
		}
		// The directory's own fd is closed by now: EBADF is expected for it.
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC); err != nil && err != unix.EBADF {
			return fmt.Errorf("fcntl(%d, F_SETFD, FD_CLOEXEC): %w", fd, err)
		}
	}
	return nil
}
