package policy

import (
	"sort"
	"strconv"
	"strings"
)

// AuditArchX86_64 is AUDIT_ARCH_X86_64 from <linux/audit.h>: the only arch value the compiled
// filter lets through. Every other value (i386 "int $0x80" calls from a 64-bit program among
// them) is killed before the policy runs.
const AuditArchX86_64 = 0xC000003E

// AuditArchI386 is AUDIT_ARCH_I386 from <linux/audit.h>, the arch value of "int $0x80" calls.
const AuditArchI386 = 0x40000003

// X32SyscallBit is __X32_SYSCALL_BIT from <asm/unistd.h>. x32 calls arrive with the x86_64
// arch value and this bit set in the number; the filter kills every number at or above it.
const X32SyscallBit = 0x40000000

// X32Span bounds the numbers after X32SyscallBit that the filter treats as x32 calls and kills:
// the kernel's x32 table has about 550 entries (X32_NR_syscalls); a number past the span runs
// nothing in any kernel and gets ENOSYS, like syscall(-1).
const X32Span = 0x1000

//go:generate go run ./internal/gen -o linux_tables.go

// The syscall table (syscallNames, syscallsByName in linux_tables.go) is go-seccomp-bpf's
// x86_64 table (from Linux v6.15), generated into static arrays: importing go-seccomp-bpf/arch
// built the maps of every architecture at start-up (~0.2 ms of the wrapper's). Lookups by
// name are a binary search over ~380 names.

// syscallEntry is one (name, number) pair of syscallsByName.
type syscallEntry struct {
	name string
	nr   int
}

// SyscallName returns the x86_64 name of syscall nr, or "" when the number has no name.
func SyscallName(nr int) string {
	if nr < 0 || nr >= len(syscallNames) {
		return ""
	}
	return syscallNames[nr]
}

// syscallNumberOf looks name up in the generated table.
func syscallNumberOf(name string) (int, bool) {
	i := sort.Search(len(syscallsByName), func(i int) bool { return syscallsByName[i].name >= name })
	if i < len(syscallsByName) && syscallsByName[i].name == name {
		return syscallsByName[i].nr, true
	}
	return 0, false
}

// maxSyscallNr bounds the numbers "syscall_<n>" may name (x86_64 has about 470 today).
const maxSyscallNr = 1024

// SyscallNumber returns the x86_64 number of the named syscall. It also accepts
// "syscall_<n>" (n below 1024) for a number the table does not know (a syscall newer than the
// table).
func SyscallNumber(name string) (int, bool) {
	if nr, ok := syscallNumberOf(name); ok {
		return nr, true
	}
	if rest, ok := strings.CutPrefix(name, "syscall_"); ok {
		n, err := strconv.Atoi(rest)
		if err == nil && n >= 0 && n < maxSyscallNr {
			return n, true
		}
	}
	return 0, false
}

// SyscallNames returns every x86_64 syscall name the table knows, sorted.
func SyscallNames() []string {
	names := make([]string, len(syscallsByName))
	for i, e := range syscallsByName {
		names[i] = e.name
	}
	return names
}

// errnoAliases are the second names of errno values that errnoNames lists under another
// name (<asm-generic/errno-base.h>, <asm-generic/errno.h>).
var errnoAliases = map[string]int{
	"EAGAIN":      11,
	"EWOULDBLOCK": 11,
	"EDEADLK":     35,
	"EDEADLOCK":   35,
	"ENOTSUP":     95,
	"EOPNOTSUPP":  95,
}

// maxErrno is MAX_ERRNO from <linux/err.h>: the largest value a syscall can return as an error.
const maxErrno = 4095

// ErrnoNumber returns the number of the named errno ("EPERM" -> 1). A scan of ~135 names:
// cheaper for the few lookups of a policy than building a map at start-up.
func ErrnoNumber(name string) (int, bool) {
	if n, ok := errnoAliases[name]; ok {
		return n, true
	}
	if name == "" {
		return 0, false
	}
	for n, e := range errnoNames {
		if e == name {
			return n, true
		}
	}
	return 0, false
}

// ErrnoName returns the name of errno n ("EPERM" for 1), or "" when n has no name.
func ErrnoName(n int) string {
	if n <= 0 || n >= len(errnoNames) {
		return ""
	}
	return errnoNames[n]
}

// Aliases lists the syscall families that do the same thing through different numbers. A rule
// without argument conditions that names any member covers the whole family, so that denying
// "open" cannot be bypassed with openat2, nor "kill" with tgkill. Write "=name" to name one
// member only (the default profile answers "=clone3" with ENOSYS while fork keeps working).
// Rules with argument conditions must name members exactly, because the argument layouts differ.
var Aliases = [][]string{
	{"open", "openat", "openat2", "creat"},
	{"execve", "execveat"},
	{"kill", "tkill", "tgkill", "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo"},
	{"fork", "vfork", "clone", "clone3"},
	{"dup", "dup2", "dup3"},
}

// Groups are the "@name" sets a rule can name instead of listing syscalls one by one.
var Groups = map[string][]string{
	"@debug":      {"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp"},
	"@mount":      {"mount", "umount2", "pivot_root", "chroot", "fsopen", "fsmount", "move_mount", "open_tree", "open_tree_attr", "fsconfig", "fspick", "mount_setattr"},
	"@namespaces": {"unshare", "setns"},
	"@modules":    {"init_module", "finit_module", "delete_module", "create_module", "query_module", "get_kernel_syms"},
	"@reboot":     {"reboot", "kexec_load", "kexec_file_load"},
	"@keyring":    {"keyctl", "add_key", "request_key"},
	"@io_uring":   {"io_uring_setup", "io_uring_enter", "io_uring_register"},
	"@bpf":        {"bpf"},
	"@perf":       {"perf_event_open"},
	"@userfault":  {"userfaultfd"},
	"@seccomp":    {"seccomp"},
	"@admin": {"swapon", "swapoff", "iopl", "ioperm", "acct", "quotactl", "quotactl_fd", "syslog", "vhangup",
		"settimeofday", "clock_settime", "sethostname", "setdomainname", "open_by_handle_at", "lookup_dcookie",
		"nfsservctl", "uselib", "_sysctl"},
	"@network": {"socket", "socketpair", "connect", "accept", "accept4", "bind", "listen", "sendto", "recvfrom",
		"sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown", "getsockname", "getpeername", "setsockopt", "getsockopt"},
	"@process": {"fork", "vfork", "clone", "clone3", "execve", "execveat", "wait4", "waitid", "exit", "exit_group"},
	"@signal":  {"kill", "tkill", "tgkill", "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend", "rt_sigpending", "rt_sigtimedwait", "sigaltstack", "signalfd", "signalfd4"},
}

// HotSyscalls are always allowed, unconditionally and without looking at arguments, so the
// kernel's action cache (Linux 5.11+) skips the filter for them. A rule may name them only with
// action allow and no argument conditions; the compiler rejects anything else.
var HotSyscalls = []string{
	"read", "write", "readv", "writev", "pread64", "pwrite64",
	"mmap", "munmap", "mprotect", "mremap", "brk", "madvise",
	"futex", "close", "fstat", "newfstatat", "lseek",
	"getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	"rt_sigreturn", "rt_sigprocmask", "sigaltstack",
	"clock_gettime", "clock_getres", "gettimeofday", "time", "clock_nanosleep", "nanosleep",
	"exit", "exit_group", "sched_yield", "getrandom", "restart_syscall",
}

var (
	aliasOf = func() map[int][]int {
		m := map[int][]int{}
		for _, fam := range Aliases {
			nrs := mustNumbers(fam)
			for _, nr := range nrs {
				m[nr] = nrs
			}
		}
		return m
	}()
	hotSet = func() map[int]bool {
		m := map[int]bool{}
		for _, nr := range mustNumbers(HotSyscalls) {
			m[nr] = true
		}
		return m
	}()
	groupNrs = func() map[string][]int {
		m := map[string][]int{}
		for g, names := range Groups {
			m[g] = mustNumbers(names)
		}
		return m
	}()
)

// mustNumbers resolves names of the package's own tables; an unknown name is a bug in them.
func mustNumbers(names []string) []int {
	out := make([]int, 0, len(names))
	for _, n := range names {
		nr, ok := SyscallNumber(n)
		if !ok {
			panic("policy: table names unknown syscall " + n)
		}
		out = append(out, nr)
	}
	return out
}

// IsHot reports whether nr is one of HotSyscalls.
func IsHot(nr int) bool { return hotSet[nr] }

// expandName returns the numbers one entry of Rule.Syscalls stands for: a group, "=name"
// (exactly that syscall), or a name with its alias family. exact reports whether aliases were
// left out on purpose.
func expandName(entry string, withAliases bool) ([]int, bool) {
	if strings.HasPrefix(entry, "@") {
		nrs, ok := groupNrs[entry]
		return nrs, ok
	}
	if name, ok := strings.CutPrefix(entry, "="); ok {
		nr, ok := SyscallNumber(name)
		return []int{nr}, ok
	}
	nr, ok := SyscallNumber(entry)
	if !ok {
		return nil, false
	}
	if fam, ok := aliasOf[nr]; ok && withAliases {
		return fam, true
	}
	return []int{nr}, true
}
