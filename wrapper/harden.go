package wrapper

// gdbHardenPython makes the gdb process itself non-dumpable: prctl(PR_SET_DUMPABLE (4), 0).
// gdb has no command for it, so it goes through its Python (ctypes on the libc gdb runs on).
const gdbHardenPython = "python import ctypes; ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)"

// GDBHardenArgs returns gdb command-line arguments that make gdb non-dumpable, as HardenSelf
// does for the calling process, before gdb reads anything else. Put them first among gdb's
// arguments (they are -iex, run before gdb loads the program).
//
// Why: execve resets the dumpable flag, so a launcher that called HardenSelf still starts a
// dumpable gdb, and a sandboxed program running as gdb's uid could open /proc/<gdb pid>/mem and
// rewrite its debugger. seccomp cannot refuse that open by path; a non-dumpable gdb makes the
// kernel refuse it (EACCES) to anyone without CAP_SYS_PTRACE. gdb still traces its inferior:
// the flag guards gdb, not the processes gdb debugs. Needs a gdb built with Python; without it
// gdb prints one error line for the command and goes on (not hardened).
func GDBHardenArgs() []string {
	return []string{"-iex", gdbHardenPython}
}
