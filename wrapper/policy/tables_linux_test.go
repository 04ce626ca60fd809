package policy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/sys/unix"

	"github.com/sandbug/sandbug/internal/testbin"
)

// TestGeneratedTablesUpToDate runs the generator and compares its output with the committed
// linux_tables.go: the tables cannot drift from go-seccomp-bpf's syscall table or x/sys/unix.
// Fix a failure with `go generate ./wrapper/policy/`.
func TestGeneratedTablesUpToDate(t *testing.T) {
	goBin := testbin.NeedTool(t, "go")
	out := filepath.Join(t.TempDir(), "linux_tables.go")
	cmd := exec.Command(goBin, "run", "./internal/gen", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./internal/gen: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("linux_tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("linux_tables.go is stale: run go generate ./wrapper/policy/")
	}
}

// TestTablesMatchSources checks the lookups against the sources directly, in both directions.
func TestTablesMatchSources(t *testing.T) {
	for name, nr := range arch.X86_64.SyscallNames {
		if got, ok := SyscallNumber(name); !ok || got != nr {
			t.Errorf("SyscallNumber(%q) = %d, %v; go-seccomp-bpf says %d", name, got, ok, nr)
		}
	}
	for nr := -1; nr < 1100; nr++ {
		if got, want := SyscallName(nr), arch.X86_64.SyscallNumbers[nr]; got != want {
			t.Errorf("SyscallName(%d) = %q, go-seccomp-bpf says %q", nr, got, want)
		}
	}
	if len(SyscallNames()) != len(arch.X86_64.SyscallNames) {
		t.Errorf("%d names, go-seccomp-bpf has %d", len(SyscallNames()), len(arch.X86_64.SyscallNames))
	}
	for n := 0; n <= maxErrno+1; n++ {
		want := ""
		if n > 0 {
			want = unix.ErrnoName(syscall.Errno(n))
		}
		if got := ErrnoName(n); got != want {
			t.Errorf("ErrnoName(%d) = %q, x/sys/unix says %q", n, got, want)
		}
	}
	for name, n := range map[string]unix.Errno{"EAGAIN": unix.EAGAIN, "EWOULDBLOCK": unix.EWOULDBLOCK,
		"EDEADLK": unix.EDEADLK, "EDEADLOCK": unix.EDEADLOCK, "ENOTSUP": unix.ENOTSUP, "EOPNOTSUPP": unix.EOPNOTSUPP} {
		if got, ok := ErrnoNumber(name); !ok || got != int(n) {
			t.Errorf("ErrnoNumber(%q) = %d, %v, want %d", name, got, ok, n)
		}
	}
	for s := 1; s < 65; s++ {
		if name := unix.SignalName(syscall.Signal(s)); name != "" {
			if v, ok := ConstantValue(name); !ok || v != uint64(s) {
				t.Errorf("ConstantValue(%q) = %d, %v, want %d", name, v, ok, s)
			}
		}
	}
	for name, want := range map[string]uint64{"PTRACE_ATTACH": unix.PTRACE_ATTACH, "PTRACE_PEEKUSER": unix.PTRACE_PEEKUSR,
		"AF_INET": unix.AF_INET, "AF_LOCAL": unix.AF_UNIX, "CLONE_NEWUSER": unix.CLONE_NEWUSER, "TIOCSTI": unix.TIOCSTI,
		"PR_SET_SECCOMP": unix.PR_SET_SECCOMP, "SECCOMP_SET_MODE_FILTER": unix.SECCOMP_SET_MODE_FILTER, "BPF_PROG_LOAD": unix.BPF_PROG_LOAD} {
		if v, ok := ConstantValue(name); !ok || v != want {
			t.Errorf("ConstantValue(%q) = %#x, %v, want %#x", name, v, ok, want)
		}
	}
}

// TestBuildsOffLinux: the policy package is pure (no syscalls, no Linux-only constants), so a
// tool on another OS can load, check and print policies.
func TestBuildsOffLinux(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiling the standard library for darwin takes a while; -short skips it")
	}
	goBin := testbin.NeedTool(t, "go")
	cmd := exec.Command(goBin, "build", "-o", os.DevNull, ".")
	cmd.Env = append(os.Environ(), "GOOS=darwin", "GOARCH=arm64", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=darwin go build ./wrapper/policy/: %v\n%s", err, b)
	}
}
