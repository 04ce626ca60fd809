package launcher

import (
	"os"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Run mode reads a crash without gdb: the launcher seizes the wrapper (PTRACE_SEIZE, no
// options) right after starting it. The wrapper execs the program from its main thread, the one
// seized, so the program stays traced; Landlock's ptrace scoping lets a tracer outside the
// domain in. With no options set, the only stops are signal-delivery stops and group stops: a
// program that takes no signal never stops, so a program that does not crash pays nothing
// (BENCHMARKS.md). At a fatal signal's stop the launcher reads the siginfo, the registers, the
// memory map and the stack, then delivers the signal unchanged.

// crashSignal reports whether a signal is one whose default action is to end the program
// because of what its code did (the ones a crash card explains).
func crashSignal(sig int) bool {
	switch unix.Signal(sig) {
	case unix.SIGSEGV, unix.SIGBUS, unix.SIGFPE, unix.SIGILL, unix.SIGABRT, unix.SIGTRAP:
		return true
	}
	return false
}

// procMem reads the memory of pid through /proc/<pid>/mem.
func procMem(pid int) (readMem, func()) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/mem")
	if err != nil {
		return func(uint64, int) ([]byte, error) { return nil, err }, func() {}
	}
	return func(addr uint64, n int) ([]byte, error) {
		buf := make([]byte, n)
		m, err := f.ReadAt(buf, int64(addr))
		if m > 0 {
			return buf[:m], nil
		}
		return nil, err
	}, func() { f.Close() }
}

// readCrash explains the fatal signal signo of pid, stopped at it: si_code code, fault address
// addr, registers pc, sp and bp (0: the caller names the NULL pointer itself). It reads the memory map, the program's own binary (through
// /proc/<pid>/exe), glibc's abort message and the stack.
func readCrash(pid, signo, code int, addr, pc, sp, bp uint64) *Crash {
	mapsText, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/maps")
	maps := parseMaps(string(mapsText))
	mem, closeMem := procMem(pid)
	defer closeMem()
	facts := faultFacts{Signo: signo, Code: code, Addr: addr, SP: sp, Maps: maps}
	if signo == int(unix.SIGABRT) {
		facts.AbortMsg = abortMessage(maps, mem)
	}
	c := classifyCrash(facts)
	var stack *memMap
	for i := range maps {
		if maps[i].Path == "[stack]" {
			stack = &maps[i]
		}
	}
	if exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe"); err == nil {
		if img, err := openImage(exe, maps); err == nil {
			locateCrash(&c, img, mem, pc, sp, stack)
			if bp != 0 {
				nameNull(&c, img, mem, pc, bp)
			}
			img.Close()
		}
	}
	return &c
}

// Child status codes of waitid (si_code), from include/uapi/asm-generic/siginfo.h.
const (
	cldTrapped     = 4
	ptraceEventTop = 128 // PTRACE_EVENT_STOP: a group stop of a seized tracee
)

// waitStatus is the waitid view of unix.Siginfo (x86_64 layout: si_pid, si_uid, si_status).
type waitStatus struct {
	Signo, Errno, Code int32
	_                  int32
	Pid, UID, Status   int32
}

// seizeForCrash attaches to pid for signal stops only; false when the kernel refuses (no
// ptrace permission here): the run goes on without a crash card's location.
func seizeForCrash(pid int) bool { return unix.PtraceSeize(pid) == nil }

// releaseTracee reaps pid's exit as its tracer (on the thread that seized it): the zombie is
// then its parent's to reap (the keeper's), and stays until then.
func releaseTracee(pid int) {
	var si unix.Siginfo
	for unix.Waitid(unix.P_PID, pid, &si, unix.WEXITED, nil) == unix.EINTR {
	}
}

// waitTraced waits until pid has exited, without reaping it (its zombie keeps the pid and its
// process group), passing every signal on. It must run on the thread that seized pid. It
// returns the reading of the last crash signal the program received (nil when none).
func waitTraced(pid int, traced bool) *Crash {
	var last *Crash
	for {
		var si unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &si, unix.WEXITED|unix.WNOWAIT, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return last
		}
		ws := (*waitStatus)(unsafe.Pointer(&si))
		if !traced || ws.Code != cldTrapped {
			return last // exited (the zombie waits for the caller)
		}
		// Consume the stop (WSTOPPED without WEXITED never reaps an exit).
		unix.Waitid(unix.P_PID, pid, &si, unix.WSTOPPED|unix.WNOHANG, nil)
		if ws.Status>>8 == ptraceEventTop {
			if unix.Signal(ws.Status&0xff) == unix.SIGTRAP {
				// The group stop ended (SIGCONT): the tracee waits to be resumed.
				unix.PtraceCont(pid, 0)
				continue
			}
			// A group stop (SIGSTOP, Ctrl-Z): stay stopped as without a tracer, yet see the
			// next signal (SIGCONT, SIGKILL).
			unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_LISTEN, uintptr(pid), 0, 0, 0, 0)
			continue
		}
		sig := int(ws.Status & 0xff)
		if crashSignal(sig) {
			if c := crashAtStop(pid, sig); c != nil {
				last = c
			}
		}
		unix.PtraceCont(pid, sig)
	}
}

// sigfault is the start of a siginfo_t for a memory fault (x86_64).
type sigfault struct {
	Signo, Errno, Code int32
	_                  int32
	Addr               uint64
}

// crashAtStop reads a crash at pid's signal-delivery stop for sig.
func crashAtStop(pid, sig int) *Crash {
	var raw [128]byte
	if _, _, e := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_GETSIGINFO, uintptr(pid), 0,
		uintptr(unsafe.Pointer(&raw[0])), 0, 0); e != 0 {
		return nil
	}
	sf := (*sigfault)(unsafe.Pointer(&raw[0]))
	var regs unix.PtraceRegs
	if err := unix.PtraceGetRegs(pid, &regs); err != nil {
		return nil
	}
	return readCrash(pid, sig, int(sf.Code), sf.Addr, regs.Rip, regs.Rsp, regs.Rbp)
}
