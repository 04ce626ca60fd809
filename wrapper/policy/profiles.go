package policy

import (
	"fmt"
	"slices"
)

// Argument values used by the profiles.
const (
	// nsCloneFlags are the CLONE_NEW* bits clone(2) accepts: NEWNS, NEWCGROUP, NEWUTS, NEWIPC,
	// NEWUSER, NEWPID, NEWNET. (CLONE_NEWTIME, 0x80, only works through clone3.)
	nsCloneFlags     = 0x7e020000
	personaQuery     = 0xffffffff
	prSetSeccomp     = 22
	tiocsti          = 0x5412
	tioclinux        = 0x541c
	afUnix           = 1
	killEveryPid     = 0xffffffff // kill(-1, sig): pid -1 in the low 32 bits
	prioProcess      = 0          // PRIO_PROCESS (include/uapi/linux/resource.h)
	ioprioWhoProcess = 1          // IOPRIO_WHO_PROCESS (include/uapi/linux/ioprio.h)
	errnoEPERM       = "EPERM"
	errnoENOSYS      = "ENOSYS"
	profileDefault   = "default"
)

func boolp(b bool) *bool { return &b }

// dangerousRules are the rules every profile shares, with the action given: the calls a
// teaching sandbox must never let run (default, strict) or must at least report (permissive).
func dangerousRules(a Action) []Rule {
	return []Rule{
		{
			Name:     "debugging other programs",
			Explain:  "Reading or changing another program's memory is how debuggers work, and a sandboxed program could use it to escape through the debugger that watches it.",
			Syscalls: []string{"@debug"},
			Action:   a,
		},
		{
			Name:     "new namespaces",
			Explain:  "Creating new namespaces gives a program a private view of the system with extra powers, the first step of many sandbox escapes.",
			Syscalls: []string{"=clone"},
			Args:     []ArgCond{{Index: 0, Op: OpAnySet, Value: nsCloneFlags}},
			Action:   a,
		},
		{
			Name:     "namespaces",
			Explain:  "Entering or leaving namespaces changes what the program can see and do, which the sandbox must keep fixed.",
			Syscalls: []string{"@namespaces"},
			Action:   a,
		},
		{
			Name:     "mounting file systems",
			Explain:  "Mounting changes which files everybody sees; only the administrator may do it.",
			Syscalls: []string{"@mount"},
			Action:   a,
		},
		{
			Name:     "kernel modules",
			Explain:  "Loading code into the kernel would give the program full control of the machine.",
			Syscalls: []string{"@modules"},
			Action:   a,
		},
		{
			Name:     "rebooting",
			Explain:  "Rebooting or replacing the running kernel affects every user of the machine.",
			Syscalls: []string{"@reboot"},
			Action:   a,
		},
		{
			Name:     "kernel keyrings",
			Explain:  "Kernel keyrings hold secrets shared with other programs and are not isolated between sandboxes.",
			Syscalls: []string{"@keyring"},
			Action:   a,
		},
		{
			Name:     "io_uring",
			Explain:  "io_uring runs operations inside the kernel where the sandbox's filter cannot see them.",
			Syscalls: []string{"@io_uring"},
			Action:   a,
		},
		{
			Name:     "BPF programs",
			Explain:  "BPF loads programs into the kernel itself, a large attack surface that ordinary programs never need.",
			Syscalls: []string{"@bpf"},
			Action:   a,
		},
		{
			Name:     "performance monitoring",
			Explain:  "Performance counters can spy on other programs and have a long history of kernel bugs.",
			Syscalls: []string{"@perf"},
			Action:   a,
		},
		{
			Name:     "userfaultfd",
			Explain:  "userfaultfd lets a program pause the kernel in the middle of its work, a favourite tool for exploiting kernel races.",
			Syscalls: []string{"@userfault"},
			Action:   a,
		},
		{
			Name:     "installing seccomp filters",
			Explain:  "A program may not install its own system-call filters: they could hide its calls from the sandbox's supervisor.",
			Syscalls: []string{"@seccomp"},
			Action:   a,
		},
		{
			Name:     "installing seccomp filters (prctl)",
			Explain:  "A program may not install its own system-call filters: they could hide its calls from the sandbox's supervisor.",
			Syscalls: []string{"prctl"},
			Args:     []ArgCond{{Index: 0, Op: OpEqual, Value: prSetSeccomp}},
			Action:   a,
		},
		{
			Name:     "personality query",
			Explain:  "Asking for the current personality changes nothing, so it is allowed.",
			Syscalls: []string{"personality"},
			Args:     []ArgCond{{Index: 0, Op: OpEqual, Value: personaQuery}},
			Action:   Action{Kind: Allow},
		},
		{
			Name:     "personality",
			Explain:  "Changing the personality can turn off memory protections such as address randomisation or non-executable data.",
			Syscalls: []string{"personality"},
			Action:   a,
		},
		{
			Name:     "typing into the terminal",
			Explain:  "TIOCSTI and TIOCLINUX push keystrokes into the terminal, so a program could type commands into the debugger or your shell.",
			Syscalls: []string{"ioctl"},
			Args:     []ArgCond{{Index: 1, Op: OpEqual, Value: tiocsti}},
			Action:   a,
		},
		{
			Name:     "typing into the terminal (TIOCLINUX)",
			Explain:  "TIOCSTI and TIOCLINUX push keystrokes into the terminal, so a program could type commands into the debugger or your shell.",
			Syscalls: []string{"ioctl"},
			Args:     []ArgCond{{Index: 1, Op: OpEqual, Value: tioclinux}},
			Action:   a,
		},
		{
			Name:     "signalling every process",
			Explain:  "kill(-1, ...) sends a signal to every process the program may signal, including other users' sandboxes.",
			Syscalls: []string{"=kill"},
			Args:     []ArgCond{{Index: 0, Op: OpEqual, Value: killEveryPid}},
			Action:   a,
		},
		{
			Name:     "other processes' limits and scheduling",
			Explain:  "Changing the limits, CPU placement, scheduling or memory placement of another process (pid other than 0) could cripple the debugger or sandbug itself; a program may change only its own.",
			Syscalls: []string{"=prlimit64", "=sched_setaffinity", "=sched_setscheduler", "=sched_setparam", "=sched_setattr", "=migrate_pages", "=move_pages"},
			Args:     []ArgCond{{Index: 0, Op: OpNotEqual, Value: 0}},
			Action:   a,
		},
		{
			Name:     "other processes' priority",
			Explain:  "setpriority and ioprio_set may change only the calling process (PRIO_PROCESS or IOPRIO_WHO_PROCESS, who 0), never a process group, a user's processes or another pid.",
			Syscalls: []string{"=setpriority"},
			Args:     []ArgCond{{Index: 0, Op: OpNotEqual, Value: prioProcess}},
			Action:   a,
		},
		{
			Name:     "other processes' priority (who)",
			Explain:  "setpriority and ioprio_set may change only the calling process (PRIO_PROCESS or IOPRIO_WHO_PROCESS, who 0), never a process group, a user's processes or another pid.",
			Syscalls: []string{"=setpriority", "=ioprio_set"},
			Args:     []ArgCond{{Index: 1, Op: OpNotEqual, Value: 0}},
			Action:   a,
		},
		{
			Name:     "other processes' I/O priority",
			Explain:  "setpriority and ioprio_set may change only the calling process (PRIO_PROCESS or IOPRIO_WHO_PROCESS, who 0), never a process group, a user's processes or another pid.",
			Syscalls: []string{"=ioprio_set"},
			Args:     []ArgCond{{Index: 0, Op: OpNotEqual, Value: ioprioWhoProcess}},
			Action:   a,
		},
		{
			Name:     "system administration",
			Explain:  "These calls change the whole machine (clock, swap, hostname, hardware ports, kernel log) and belong to the administrator.",
			Syscalls: []string{"@admin"},
			Action:   a,
		},
	}
}

// clone3Rule answers clone3 with ENOSYS: its flags sit in a struct the filter cannot read, and
// glibc falls back to clone(2), whose flags it can. EPERM would break pthread_create.
func clone3Rule() Rule {
	return Rule{
		Name:     "clone3 falls back to clone",
		Explain:  "clone3 hides its flags in memory the filter cannot read, so it answers \"not implemented\" and the C library falls back to clone, which the filter can check.",
		Syscalls: []string{"=clone3"},
		Action:   Action{Kind: Errno, Errno: errnoENOSYS},
		Report:   boolp(false),
	}
}

func defaultProfile() *Policy {
	deny := Action{Kind: Errno, Errno: errnoEPERM}
	return &Policy{
		Name:        profileDefault,
		Description: "Teaching profile: ordinary C programs (files, fork, pipes, threads, signals, exec) work; calls that could escape the sandbox or harm the machine fail with EPERM and are reported.",
		Default:     Action{Kind: Allow},
		Rules:       append([]Rule{clone3Rule()}, dangerousRules(deny)...),
	}
}

func permissiveProfile() *Policy {
	return &Policy{
		Name:        "permissive",
		Description: "Everything is allowed; the calls the default profile denies are reported (logged) instead of blocked.",
		Default:     Action{Kind: Allow},
		Rules:       dangerousRules(Action{Kind: Log}),
	}
}

// strictAllowed is the allowlist of the strict profile: Docker's default seccomp profile
// (moby/profiles/seccomp/default.json) for x86_64, minus the calls that need special care
// (socket, clone, clone3, personality, prctl, ioctl, kill, seccomp), which get rules of their own.
var strictAllowed = []string{
	"accept", "accept4", "access", "adjtimex", "alarm", "arch_prctl", "bind", "brk", "cachestat",
	"capget", "capset", "chdir", "chmod", "chown", "clock_adjtime", "clock_getres", "clock_gettime",
	"clock_nanosleep", "close", "close_range", "connect", "copy_file_range", "creat", "dup", "dup2",
	"dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2",
	"epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group",
	"faccessat", "faccessat2", "fadvise64", "fallocate", "fanotify_mark", "fchdir", "fchmod",
	"fchmodat", "fchmodat2", "fchown", "fchownat", "fcntl", "fdatasync", "fgetxattr", "flistxattr",
	"flock", "fork", "fremovexattr", "fsetxattr", "fstat", "fstatfs", "fsync", "ftruncate", "futex",
	"futex_requeue", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd",
	"getdents", "getdents64", "getegid", "geteuid", "getgid", "getgroups", "getitimer", "getpeername",
	"getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid", "getresuid",
	"getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt",
	"get_thread_area", "gettid", "gettimeofday", "getuid", "getxattr", "getxattrat",
	"inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel",
	"io_destroy", "io_getevents", "io_pgetevents", "ioprio_get", "ioprio_set", "io_setup",
	"io_submit", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown",
	"lgetxattr", "link", "linkat", "listen", "listmount", "listxattr", "listxattrat", "llistxattr",
	"lremovexattr", "lseek", "lsetxattr", "lstat", "madvise", "map_shadow_stack", "membarrier",
	"memfd_create", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall",
	"mmap", "mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedsend",
	"mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock",
	"munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "open", "openat",
	"openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free",
	"pkey_mprotect", "poll", "ppoll", "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease",
	"pselect6", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat",
	"readv", "recvfrom", "recvmmsg", "recvmsg", "remap_file_pages", "removexattr", "removexattrat",
	"rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction",
	"rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
	"rt_sigtimedwait", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam",
	"sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
	"sched_rr_get_interval", "sched_setaffinity", "sched_setattr", "sched_setparam",
	"sched_setscheduler", "sched_yield", "select", "semctl", "semget", "semop", "semtimedop",
	"sendfile", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsuid", "setgid", "setgroups",
	"setitimer", "setpgid", "setpriority", "setregid", "setresgid", "setresuid", "setreuid",
	"setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address",
	"setuid", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt", "shmget", "shutdown",
	"sigaltstack", "signalfd", "signalfd4", "socketpair", "splice", "stat", "statfs", "statx",
	"symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time",
	"timer_create", "timer_delete", "timer_getoverrun", "timer_gettime", "timer_settime",
	"timerfd_create", "timerfd_gettime", "timerfd_settime", "times", "tkill", "truncate", "umask",
	"uname", "unlink", "unlinkat", "uretprobe", "utime", "utimensat", "utimes", "vfork", "vmsplice",
	"wait4", "waitid", "write", "writev", "kill",
}

func strictProfile() *Policy {
	deny := Action{Kind: Errno, Errno: errnoEPERM}
	// The dangerous set is denied by the default anyway; the explicit rules keep their names
	// and explanations in the report, and must come before the allowlist (first match wins).
	rules := []Rule{clone3Rule()}
	rules = append(rules, dangerousRules(deny)...)
	rules = append(rules,
		Rule{
			Name:     "local sockets",
			Explain:  "Only local (AF_UNIX) sockets are allowed: this profile keeps programs off the network.",
			Syscalls: []string{"socket"},
			Args:     []ArgCond{{Index: 0, Op: OpEqual, Value: afUnix}},
			Action:   Action{Kind: Allow},
		},
		Rule{
			Name:     "threads, prctl and ioctl",
			Explain:  "Once the checks above have passed, clone (without namespace flags), prctl and ioctl are ordinary calls.",
			Syscalls: []string{"=clone", "prctl", "ioctl"},
			Action:   Action{Kind: Allow},
		},
		Rule{
			Name:     "allowed",
			Explain:  "The calls ordinary programs make, after Docker's default profile.",
			Syscalls: slices.Clone(strictAllowed),
			Action:   Action{Kind: Allow},
		},
	)
	return &Policy{
		Name:        "strict",
		Description: "Allowlist after Docker's default profile, without network sockets (AF_UNIX only); anything else fails with EPERM and is reported.",
		Default:     deny,
		Rules:       rules,
		// No TCP at all, and no run without the whole jail: strict fails closed on old kernels.
		Jail: Jail{DenyTCP: true, Require: true},
	}
}

var profiles = map[string]func() *Policy{
	profileDefault: defaultProfile,
	"strict":       strictProfile,
	"permissive":   permissiveProfile,
}

// ProfileNames returns the names of the built-in profiles: default, strict, permissive.
func ProfileNames() []string { return []string{profileDefault, "strict", "permissive"} }

// Profile returns a fresh copy of a built-in profile, which the caller may change.
func Profile(name string) (*Policy, error) {
	f, ok := profiles[name]
	if !ok {
		return nil, fmt.Errorf("unknown profile %q%s: choose one of default, strict, permissive, or give a policy file", name, suggest(name, ProfileNames()))
	}
	return f(), nil
}
