package policy

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel tests re-run this test binary as a child (os/exec's pattern) which installs a
// compiled profile on its locked thread with seccomp(2), then makes raw syscalls on that thread
// and prints what they returned. The filter never touches the test process itself.

const childEnv = "SANDBUG_POLICY_CHILD"

// kernelCalls are harmless even unfiltered: bad fds, signal 0, NULL pointers.
var kernelCalls = []struct {
	name string
	args [6]uint64
}{
	{"getppid", [6]uint64{}},
	{"ptrace", [6]uint64{16 /* PTRACE_ATTACH */, 1}},
	{"clone3", [6]uint64{0, 0}},
	{"personality", [6]uint64{0xffffffff}},
	{"personality", [6]uint64{0xffffffffffffffff}},
	{"personality", [6]uint64{0x400000}},
	{"ioctl", [6]uint64{0xffffffff, 0x5412, 0}},                 // TIOCSTI on a bad fd: EBADF when allowed
	{"ioctl", [6]uint64{0xffffffff, 0x100005412, 0}},            // upper half set
	{"ioctl", [6]uint64{0xffffffff, 0x5401, 0}},                 // TCGETS: EBADF
	{"prctl", [6]uint64{0x100000016, 99}},                       // PR_SET_SECCOMP with upper half, bad mode
	{"kill", [6]uint64{0xffffffffffffffff, 0}},                  // kill(-1, 0): a permission probe
	{"socket", [6]uint64{0x100000002, 1, 0}},                    // AF_INET with the upper-half trick
	{"socket", [6]uint64{2, 1, 0}},                              // AF_INET
	{"socket", [6]uint64{0x100000001, 1, 0}},                    // the kernel reads AF_UNIX
	{"bpf", [6]uint64{0xffff, 0, 0}},                            // bad command
	{"io_uring_setup", [6]uint64{0, 0}},                         // EINVAL/EFAULT when allowed
	{"userfaultfd", [6]uint64{0xffffffff}},                      // bad flags
	{"syslog", [6]uint64{0xffffffff}},                           // bad type; not in strict's allowlist
	{"seccomp", [6]uint64{unix.SECCOMP_GET_ACTION_AVAIL, 0, 0}}, // NULL pointer: EFAULT when allowed
}

func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		os.Exit(policyChild(v))
	}
	os.Exit(m.Run())
}

// policyChild installs profile (or profile:x32) and reports each call as "i errno".
func policyChild(spec string) int {
	name, mode, _ := strings.Cut(spec, ":")
	p, err := Profile(name)
	if err != nil {
		fmt.Println("error", err)
		return 3
	}
	raw, err := p.Compile(CompileOptions{})
	if err != nil {
		fmt.Println("error", err)
		return 3
	}
	runtime.LockOSThread()
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		fmt.Println("error", err)
		return 3
	}
	prog := unix.SockFprog{Len: uint16(len(raw)), Filter: (*unix.SockFilter)(unsafe.Pointer(&raw[0]))}
	if _, _, e := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&prog))); e != 0 {
		fmt.Println("error seccomp:", e)
		return 3
	}
	if mode == "nosuch" {
		// Numbers no kernel table has: ENOSYS, like the kernel without a filter.
		for _, n := range []uintptr{^uintptr(0), 0xffffffff, X32SyscallBit | 0x80000000, X32SyscallBit + X32Span} {
			_, _, e := unix.RawSyscall(n, 0, 0, 0)
			fmt.Printf("%#x %d\n", n, int(e))
		}
		return 0
	}
	if mode == "x32" {
		// getpid through the x32 ABI: the filter must kill the process here.
		unix.RawSyscall(X32SyscallBit|unix.SYS_GETPID, 0, 0, 0)
		fmt.Println("survived")
		return 0
	}
	out := bufio.NewWriter(os.Stdout)
	for i, c := range kernelCalls {
		n, _ := SyscallNumber(c.name)
		a := c.args
		_, _, e := unix.RawSyscall6(uintptr(n), uintptr(a[0]), uintptr(a[1]), uintptr(a[2]), uintptr(a[3]), uintptr(a[4]), uintptr(a[5]))
		fmt.Fprintf(out, "%d %d\n", i, int(e))
	}
	out.Flush()
	return 0
}

func runChild(t *testing.T, spec string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+spec)
	out, err := cmd.Output()
	return string(out), err
}

// TestKernelAgreesWithMatch loads each profile into the real kernel and checks every call's
// errno against Match: denied calls get exactly the rule's errno, allowed calls never do.
func TestKernelAgreesWithMatch(t *testing.T) {
	for _, name := range ProfileNames() {
		p, _ := Profile(name)
		out, err := runChild(t, name)
		if err != nil {
			t.Fatalf("%s: child: %v\n%s", name, err, out)
		}
		got := map[int]int{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Fields(line)
			if len(f) != 2 || f[0] == "error" {
				t.Fatalf("%s: child said %q", name, line)
			}
			i, _ := strconv.Atoi(f[0])
			e, _ := strconv.Atoi(f[1])
			got[i] = e
		}
		for i, c := range kernelCalls {
			e, ok := got[i]
			if !ok {
				t.Errorf("%s: no result for %s", name, FormatCall(mustNr(c.name), c.args))
				continue
			}
			m := p.Match(AuditArchX86_64, mustNr(c.name), c.args)
			call := FormatCall(mustNr(c.name), c.args)
			switch m.Action.Kind {
			case Errno:
				if e != m.Action.ErrnoValue() {
					t.Errorf("%s: %s: kernel errno %d (%s), Match says %s", name, call, e, ErrnoName(e), m.Action)
				}
			case Allow, Log:
				// The call ran: whatever it returned, it was not our rule's EPERM... unless the
				// kernel itself says EPERM (kill(-1, 0) as a non-root user), so only check the
				// calls whose unfiltered result differs from EPERM.
				if e == int(unix.EPERM) && c.name != "kill" && c.name != "ptrace" {
					t.Errorf("%s: %s: kernel returned EPERM for an allowed call", name, call)
				}
			default:
				t.Errorf("%s: %s: unexpected action %s in a kernel test", name, call, m.Action)
			}
			t.Logf("%s: %-45s -> errno %-3d %-7s (%s)", name, call, e, ErrnoName(e), m.Action)
		}
	}
}

// TestKernelKillsX32 checks that an x32 syscall kills the process with SIGSYS.
func TestKernelKillsX32(t *testing.T) {
	for _, name := range ProfileNames() {
		out, err := runChild(t, name+":x32")
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("%s: x32 getpid: child exited normally: %v %q", name, err, out)
		}
		ws := ee.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != syscall.SIGSYS {
			t.Errorf("%s: x32 getpid: child ended with %v, want SIGSYS", name, ws)
		}
	}
}

// TestKernelNoSuchCallIsENOSYS: syscall(-1) and numbers past the x32 range get ENOSYS from the
// filter in the real kernel, not a kill (the kernel itself answers them so).
func TestKernelNoSuchCallIsENOSYS(t *testing.T) {
	for _, name := range ProfileNames() {
		out, err := runChild(t, name+":nosuch")
		if err != nil {
			t.Fatalf("%s: child: %v %q", name, err, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 {
			t.Fatalf("%s: child said %q", name, out)
		}
		for _, l := range lines {
			if !strings.HasSuffix(l, " 38") {
				t.Errorf("%s: %s: want errno 38 (ENOSYS)", name, l)
			}
		}
	}
}
