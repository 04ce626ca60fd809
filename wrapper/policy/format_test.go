package policy

import (
	"testing"
)

func TestFormatCall(t *testing.T) {
	a := func(v ...uint64) [6]uint64 {
		var x [6]uint64
		copy(x[:], v)
		return x
	}
	tests := []struct {
		name string
		args [6]uint64
		want string
	}{
		{"ptrace", a(0), "ptrace(PTRACE_TRACEME, 0, 0, 0)"},
		{"ptrace", a(16, 4242), "ptrace(PTRACE_ATTACH, 4242, 0, 0)"},
		{"ptrace", a(0x4206, 1, 0, 0x10), "ptrace(PTRACE_SEIZE, 1, 0, 0x10)"},
		{"ptrace", a(999), "ptrace(0x3e7, 0, 0, 0)"},
		{"socket", a(2, 1, 0), "socket(AF_INET, SOCK_STREAM, 0)"},
		{"socket", a(10, 2|0x80000|0x800, 17), "socket(AF_INET6, SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 17)"},
		{"socket", a(0x100000002, 1), "socket(0x100000002, SOCK_STREAM, 0)"},
		{"socket", a(16, 3, 0), "socket(AF_NETLINK, SOCK_RAW, 0)"},
		{"clone", a(0x10000000 | 17), "clone(CLONE_NEWUSER|SIGCHLD, 0, 0, 0, 0)"},
		{"clone", a(0x3d0f00, 0x7f0000001000), "clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, 0x7f0000001000, 0, 0, 0)"},
		{"clone", a(0), "clone(0, 0, 0, 0, 0)"},
		{"unshare", a(0x10000000 | 0x20000), "unshare(CLONE_NEWNS|CLONE_NEWUSER)"},
		{"ioctl", a(0, 0x5412, 0x7ffd1234abcd), "ioctl(0, TIOCSTI, 0x7ffd1234abcd)"},
		{"ioctl", a(3, 0x541c, 0), "ioctl(3, TIOCLINUX, 0)"},
		{"ioctl", a(0xffffffff, 0x5401, 0), "ioctl(-1, TCGETS, 0)"},
		{"personality", a(0xffffffff), "personality(0xffffffff)"},
		{"personality", a(0x400000), "personality(PER_LINUX|READ_IMPLIES_EXEC)"},
		{"personality", a(0x40008), "personality(PER_LINUX32|ADDR_NO_RANDOMIZE)"},
		{"prctl", a(22, 2, 0x7ffd0000), "prctl(PR_SET_SECCOMP, 2, 0x7ffd0000, 0, 0)"},
		{"prctl", a(15, 0x1000), "prctl(PR_SET_NAME, 0x1000, 0, 0, 0)"},
		{"seccomp", a(1, 0, 0x7ffd0000), "seccomp(SECCOMP_SET_MODE_FILTER, 0, 0x7ffd0000)"},
		{"kill", a(0xffffffffffffffff, 9), "kill(-1, SIGKILL)"},
		{"tgkill", a(10, 11, 15), "tgkill(10, 11, SIGTERM)"},
		{"bpf", a(5, 0x7ffd0000, 128), "bpf(BPF_PROG_LOAD, 0x7ffd0000, 128)"},
		{"io_uring_setup", a(8, 0x7ffd0000), "io_uring_setup(8, 0x7ffd0000)"},
		{"process_vm_writev", a(1234, 0x1000, 1, 0x2000, 1, 0), "process_vm_writev(1234, 0x1000, 1, 0x2000, 1, 0)"},
		{"getppid", a(), "getppid()"},
		{"openat", a(0xffffff9c, 0x1000, 0x241, 0644), "openat(-100, 0x1000, 0x241, 0644)"},
		{"acct", a(0x1000), "acct(0x1000, 0, 0, 0, 0, 0)"},
	}
	for _, tc := range tests {
		if got := FormatCall(mustNr(tc.name), tc.args); got != tc.want {
			t.Errorf("FormatCall(%s, %#x)\n got %s\nwant %s", tc.name, tc.args[:3], got, tc.want)
		}
	}
	if got := FormatCall(999, [6]uint64{}); got != "syscall_999(0, 0, 0, 0, 0, 0)" {
		t.Errorf("unknown number: %s", got)
	}
	if got := FormatCall(-5, [6]uint64{}); got != "syscall_-5(0, 0, 0, 0, 0, 0)" {
		t.Errorf("negative number: %s", got)
	}
}

func TestSyscallTable(t *testing.T) {
	for name, want := range map[string]int{"read": 0, "write": 1, "ptrace": 101, "clone3": 435, "openat2": 437, "getppid": 110, "personality": 135} {
		if n, ok := SyscallNumber(name); !ok || n != want {
			t.Errorf("SyscallNumber(%s) = %d, %v", name, n, ok)
		}
		if got := SyscallName(want); got != name {
			t.Errorf("SyscallName(%d) = %q", want, got)
		}
	}
	if n, ok := SyscallNumber("syscall_500"); !ok || n != 500 {
		t.Errorf("syscall_500: %d %v", n, ok)
	}
	for _, bad := range []string{"", "nope", "syscall_", "syscall_-1", "syscall_x", "syscall_1024", "syscall_1073741824"} {
		if _, ok := SyscallNumber(bad); ok {
			t.Errorf("SyscallNumber(%q) accepted", bad)
		}
	}
	if SyscallName(-1) != "" || SyscallName(100000) != "" {
		t.Error("unknown numbers have names")
	}
	// Every table name resolves (the package's init would panic otherwise, but say which).
	for g, names := range Groups {
		for _, n := range names {
			if _, ok := SyscallNumber(n); !ok {
				t.Errorf("group %s: unknown %s", g, n)
			}
		}
	}
	for _, n := range strictAllowed {
		if _, ok := SyscallNumber(n); !ok {
			t.Errorf("strict allowlist: unknown %s", n)
		}
	}
}

func TestErrnoTable(t *testing.T) {
	for name, want := range map[string]int{"EPERM": 1, "ENOENT": 2, "EACCES": 13, "ENOSYS": 38, "ERFKILL": 132, "EWOULDBLOCK": 11, "EAGAIN": 11, "ENOTSUP": 95, "EOPNOTSUPP": 95, "EHWPOISON": 133} {
		if n, ok := ErrnoNumber(name); !ok || n != want {
			t.Errorf("ErrnoNumber(%s) = %d, %v", name, n, ok)
		}
	}
	for n, want := range map[int]string{1: "EPERM", 38: "ENOSYS", 132: "ERFKILL", 0: "", -1: "", 4096: "", 4000: ""} {
		if got := ErrnoName(n); got != want {
			t.Errorf("ErrnoName(%d) = %q, want %q", n, got, want)
		}
	}
	if _, ok := ErrnoNumber("EPREM"); ok {
		t.Error("EPREM accepted")
	}
}

func TestConstantValue(t *testing.T) {
	for name, want := range map[string]uint64{"AF_UNIX": 1, "AF_LOCAL": 1, "TIOCSTI": 0x5412, "CLONE_NEWUSER": 0x10000000, "PR_SET_SECCOMP": 22, "SIGKILL": 9, "READ_IMPLIES_EXEC": 0x400000, "PTRACE_ATTACH": 16} {
		if v, ok := ConstantValue(name); !ok || v != want {
			t.Errorf("ConstantValue(%s) = %#x, %v", name, v, ok)
		}
	}
}
