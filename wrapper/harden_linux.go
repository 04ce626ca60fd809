package wrapper

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// HardenSelf makes the calling process non-dumpable (prctl(PR_SET_DUMPABLE, 0)): the kernel
// then refuses /proc/<pid>/mem, ptrace attach and the other /proc files that need ptrace
// access to every process without CAP_SYS_PTRACE, even one of the same uid, and writes no core
// dump. Call it first thing in any process that starts sandboxed programs as its own uid (the
// launcher and sandbug itself): otherwise such a program, which seccomp does not stop from
// opening /proc/<ppid>/mem, could rewrite its parent. The flag applies to the whole process
// and lasts until it execs; gdb needs GDBHardenArgs for the same.
//
// It does not help against a program that runs as root (--user root keeps CAP_SYS_PTRACE).
func HardenSelf() error {
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_DUMPABLE, 0): %w", err)
	}
	return nil
}
