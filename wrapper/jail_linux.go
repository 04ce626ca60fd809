package wrapper

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/landlock-lsm/go-landlock/landlock"
	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
)

// jailABI is the newest Landlock ABI whose restrictions sandbug asks for and has tested:
// files, TCP (4), device ioctls (5), signal and abstract-socket scopes (6). Older kernels get
// what they have (BestEffort), and the report says which parts are missing.
var jailABI = landlock.V7

// systemReadDirs are read and executed by every program: the loader, libraries, locale and
// configuration. /proc is readable as the kernel scopes it: other processes' mem, environ and
// fds stay closed by Landlock's ptrace scoping.
var systemReadDirs = []string{"/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin",
	"/etc", "/opt", "/proc", "/sys/devices/system/cpu"}

// systemDevices are the devices a C program may open read-write.
var systemDevices = []string{"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"}

// landlockABI returns the kernel's Landlock ABI version, 0 when it has none.
func landlockABI() int {
	v, err := ll.LandlockGetABIVersion()
	if err != nil || v < 0 {
		return 0
	}
	return v
}

// applyJail restricts the calling process (every thread) to the jail and checks each part
// with a probe that the jail must deny. program is the resolved path the wrapper will exec.
// It must run after the privilege drop (the rules are checked as the final user) and before
// the seccomp filter (whose policy need not allow Landlock's calls or the probes).
func applyJail(cfg JailConfig, program string) (*JailReport, error) {
	rep := &JailReport{ABI: landlockABI(), TmpDir: cfg.TmpDir}
	if cfg.Off {
		rep.Files, rep.TCP, rep.Signals, rep.Sockets = JailOff, JailOff, JailOff, JailOff
		return rep, nil
	}
	// What the kernel's ABI promises; the probes after Restrict confirm each part.
	rep.Files = probe(rep.ABI >= 1, true)
	rep.TCP = JailOpen
	if cfg.DenyTCP {
		rep.TCP = probe(rep.ABI >= 4, true)
	}
	rep.Signals = probe(rep.ABI >= 6, true)
	rep.Sockets = rep.Signals
	switch {
	case rep.ABI == 0:
		rep.Note = "this kernel has no Landlock (needs Linux 5.13+ with lsm=landlock)"
	case rep.ABI < 6:
		rep.Note = fmt.Sprintf("Landlock ABI %d: scopes need 6 (Linux 6.12)", rep.ABI)
		if cfg.DenyTCP && rep.ABI < 4 {
			rep.Note = fmt.Sprintf("Landlock ABI %d: tcp needs 4 (Linux 6.7), scopes 6 (Linux 6.12)", rep.ABI)
		}
	}
	if cfg.Require {
		if miss := rep.Missing(); len(miss) > 0 {
			return rep, fmt.Errorf("the jail is required but this kernel cannot enforce %s (%s); run with --no-jail to go without it",
				strings.Join(miss, ", "), rep.Note)
		}
	}
	if rep.ABI == 0 {
		return rep, nil
	}

	wd, _ := os.Getwd()
	switch {
	case wd != "" && !workDirGrantable(wd):
		rep.Note = joinNote(rep.Note, "the working folder "+wd+" is / or holds $HOME: not writable")
		wd = ""
	case wd != "" && !reachable(wd):
		// The program's user cannot reach it anyway (a root-only folder when it runs as nobody).
		wd = ""
	}
	rep.WorkDir = wd

	rules := []landlock.Rule{
		landlock.RODirs(systemReadDirs...).IgnoreIfMissing(),
		landlock.RWFiles(systemDevices...).WithIoctlDev().IgnoreIfMissing(),
	}
	if d := filepath.Dir(program); reachable(d) {
		rules = append(rules, landlock.RODirs(d))
	}
	if t := ownTerminals(); len(t) > 0 {
		rules = append(rules, landlock.RWFiles(t...).WithIoctlDev())
	}
	rw := []string{}
	if wd != "" {
		rw = append(rw, wd)
	}
	if cfg.TmpDir != "" {
		rw = append(rw, cfg.TmpDir)
	}
	rwRule := func(paths ...string) landlock.FSRule {
		r := landlock.RWDirs(paths...)
		if rep.ABI >= 2 { // renames across the program's folders; asking on ABI 1 disables everything
			r = r.WithRefer()
		}
		return r
	}
	if len(rw) > 0 {
		rules = append(rules, rwRule(rw...))
	}
	for i, paths := range [][]string{cfg.Read, cfg.Write} {
		for _, p := range paths {
			if !reachable(p) {
				// Said in the report, not fatal: the program could not reach it without the jail either.
				rep.Note = joinNote(rep.Note, fmt.Sprintf("%s not reachable by uid %d: not added", p, unix.Geteuid()))
				continue
			}
			rules = append(rules, pathRule(p, i == 1, rwRule))
		}
	}

	c := jailABI
	if !cfg.DenyTCP {
		c.HandledAccessNet = 0
	}
	// Made before the domain, so it lies outside it: the abstract-socket probe target.
	probeSock, probeName := abstractListener()
	if probeSock >= 0 {
		defer unix.Close(probeSock)
	}
	if err := restrictThread(c.BestEffort(), rules); err != nil {
		return rep, fmt.Errorf("landlock: %w", err)
	}

	// Every part is checked, not assumed: BestEffort may have dropped it silently.
	rep.Files = probe(rep.ABI >= 1, probeFiles(cfg))
	if cfg.DenyTCP {
		rep.TCP = probe(rep.ABI >= 4, probeTCP())
	}
	rep.Signals = probe(rep.ABI >= 6, probeSignal())
	rep.Sockets = probe(rep.ABI >= 6, probeAbstract(probeName))
	if cfg.Require {
		if miss := rep.Missing(); len(miss) > 0 {
			return rep, fmt.Errorf("the jail is required but %s did not hold after Landlock was applied; run with --no-jail to go without it",
				strings.Join(miss, ", "))
		}
	}
	return rep, nil
}

// restrictThread enforces the ruleset on the calling thread only: the one that execs, whose
// domain the program inherits, like the seccomp filter (installed without TSYNC). The other
// threads of the wrapper run only the Go runtime until execve ends them. go-landlock's
// Restrict would apply it to every thread through psx, which stops them all: 0.8 ms here,
// more than the rest of the jail. The ruleset itself (ABI downgrade, rules) is go-landlock's.
func restrictThread(c landlock.Config, rules []landlock.Rule) error {
	fd, flags, err := c.NewRulesetFD(rules...)
	if err != nil {
		return err
	}
	if fd < 0 {
		return nil // nothing this kernel can restrict: the probes report it
	}
	defer unix.Close(fd)
	// no_new_privs is set on this thread already (Exec, before the jail).
	if err := ll.LandlockRestrictSelf(fd, flags); err != nil {
		return fmt.Errorf("landlock_restrict_self: %w", err)
	}
	return nil
}

// reachable reports whether this user can reach path at all (Landlock's rules must open it).
func reachable(path string) bool {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}

// probe turns a probe's verdict into a state: denied means enforced.
func probe(supported bool, denied bool) JailState {
	if supported && denied {
		return JailEnforced
	}
	return JailUnsupported
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// workDirGrantable says whether the working folder may be made read-write: never "/", and never
// a folder that holds the user's home (that would open ~/.ssh and ~/.bashrc).
func workDirGrantable(wd string) bool {
	if wd == "/" {
		return false
	}
	home := os.Getenv("HOME")
	if home == "" || home == "/" {
		return true
	}
	home = filepath.Clean(home)
	return !(home == wd || strings.HasPrefix(home, wd+"/"))
}

// pathRule grants p (a folder, or a single file) for reading or writing.
func pathRule(p string, write bool, rwDirs func(...string) landlock.FSRule) landlock.Rule {
	st, err := os.Stat(p)
	isDir := err != nil || st.IsDir() // a missing path fails in Restrict with its name
	switch {
	case isDir && write:
		return rwDirs(p)
	case isDir:
		return landlock.RODirs(p)
	case write:
		return landlock.RWFiles(p)
	}
	return landlock.ROFiles(p)
}

// ownTerminals returns the terminal devices behind fds 0-2 (the program's pty), which it may
// reopen (isatty(3) checks and curses do).
func ownTerminals() []string {
	var out []string
	for fd := 0; fd <= 2; fd++ {
		p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
		if err != nil || !strings.HasPrefix(p, "/dev/pts/") && !strings.HasPrefix(p, "/dev/tty") {
			continue
		}
		dup := false
		for _, q := range out {
			dup = dup || q == p
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// probeFiles reports whether listing "/" is denied. "/" is never granted by sandbug; a user who
// grants it (--allow-read /) gets no file jail, and the report says so.
func probeFiles(cfg JailConfig) bool {
	for _, p := range append(append([]string{}, cfg.Read...), cfg.Write...) {
		if filepath.Clean(p) == "/" {
			return false
		}
	}
	fd, err := unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err == nil {
		unix.Close(fd)
		return false
	}
	return errors.Is(err, unix.EACCES)
}

// probeTCP reports whether a TCP connect to 127.0.0.1:9 is refused by Landlock (EACCES), not
// by the network (ECONNREFUSED) or let through (EINPROGRESS on this non-blocking socket).
func probeTCP() bool {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	err = unix.Connect(fd, &unix.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}})
	return errors.Is(err, unix.EACCES)
}

// probeSignal reports whether signal 0 to the parent (gdb, the launcher or a shell: always
// outside the new domain) is refused.
func probeSignal() bool {
	err := unix.Kill(unix.Getppid(), 0)
	return errors.Is(err, unix.EPERM)
}

// abstractListener makes a listening abstract UNIX socket for probeAbstract.
func abstractListener() (int, string) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, ""
	}
	name := fmt.Sprintf("@sandbug-jail-probe-%d", os.Getpid())
	if unix.Bind(fd, &unix.SockaddrUnix{Name: name}) != nil || unix.Listen(fd, 1) != nil {
		unix.Close(fd)
		return -1, ""
	}
	return fd, name
}

// probeAbstract reports whether connecting to the listener made outside the domain is refused.
func probeAbstract(name string) bool {
	if name == "" {
		return false
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	err = unix.Connect(fd, &unix.SockaddrUnix{Name: name})
	return errors.Is(err, unix.EPERM)
}
