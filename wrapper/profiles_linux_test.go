package wrapper

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/wrapper/policy"
)

// wrapperCalls are the system calls the wrapper thread may make between installing the filter
// and execve: its own (prlimit64 for limits and the NOFILE restore, sendmsg/read/close for the
// hand-off, write for a failure line, execve, exit_group) and the Go runtime's on a locked
// thread (scheduling, memory, signals for preemption, thread start-up). Arguments are typical.
var wrapperCalls = []struct {
	name string
	args [6]uint64
}{
	{"prlimit64", [6]uint64{0, unix.RLIMIT_NOFILE}},
	{"sendmsg", [6]uint64{3, 0, unix.MSG_NOSIGNAL}},
	{"read", [6]uint64{3, 0, 1}},
	{"write", [6]uint64{2, 0, 80}},
	{"close", [6]uint64{3}},
	{"execve", [6]uint64{}},
	{"exit_group", [6]uint64{125}},
	{"exit", [6]uint64{0}},
	{"futex", [6]uint64{0, 0x80}},
	{"mmap", [6]uint64{0, 1 << 20, unix.PROT_READ | unix.PROT_WRITE, unix.MAP_PRIVATE | unix.MAP_ANONYMOUS}},
	{"munmap", [6]uint64{}},
	{"madvise", [6]uint64{0, 4096, unix.MADV_DONTNEED}},
	{"mprotect", [6]uint64{}},
	{"rt_sigprocmask", [6]uint64{}},
	{"rt_sigaction", [6]uint64{uint64(unix.SIGURG)}},
	{"rt_sigreturn", [6]uint64{}},
	{"sigaltstack", [6]uint64{}},
	{"tgkill", [6]uint64{1, 1, uint64(unix.SIGURG)}},
	{"gettid", [6]uint64{}},
	{"getpid", [6]uint64{}},
	{"sched_yield", [6]uint64{}},
	{"nanosleep", [6]uint64{}},
	{"clock_gettime", [6]uint64{}},
	{"epoll_pwait", [6]uint64{}},
	{"fcntl", [6]uint64{3, unix.F_GETFL}},
	{"getrlimit", [6]uint64{unix.RLIMIT_NOFILE}},
	// runtime.newosproc: CLONE_VM|FS|FILES|SIGHAND|SYSVSEM|THREAD.
	{"clone", [6]uint64{unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES | unix.CLONE_SIGHAND | unix.CLONE_SYSVSEM | unix.CLONE_THREAD}},
}

// TestProfilesAllowWrapperCalls checks, for every built-in profile, that the policy lets the
// wrapper and the Go runtime do what they do between installing the filter and execve. (The
// real-kernel TestWrapperReachesExecUnderEachProfile shows the path taken on this machine;
// this covers the runtime's rarer ones.)
func TestProfilesAllowWrapperCalls(t *testing.T) {
	for _, name := range policy.ProfileNames() {
		p, err := policy.Profile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range wrapperCalls {
			nr, ok := policy.SyscallNumber(c.name)
			if !ok {
				t.Fatalf("unknown syscall %s", c.name)
			}
			m := p.Match(policy.AuditArchX86_64, nr, c.args)
			if k := m.Action.Kind; k != policy.Allow && k != policy.Log {
				t.Errorf("profile %s: %s(%#x...) -> %s (rule %d): the wrapper cannot reach exec", name, c.name, c.args[0], m.Action, m.RuleIndex)
			}
		}
	}
}
