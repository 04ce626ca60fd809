package machine

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// HardwareWatchpoints reports whether a data watchpoint set in a debug register triggers, as
// gdb's hardware watchpoints need. Cached after the first call.
func HardwareWatchpoints() Feature { return probes().hw }

// IA32 reports whether the kernel has the 32-bit system call entry (`int $0x80`). Cached after
// the first call.
func IA32() Feature { return probes().ia32 }

var probes = sync.OnceValue(func() (r struct{ hw, ia32 Feature }) {
	r.hw = Feature{Name: "hardware watchpoints"}
	r.ia32 = Feature{Name: "ia32 system calls"}
	if err := runProbes(&r.hw, &r.ia32); err != nil {
		if r.hw.Detail == "" {
			r.hw.Detail = err.Error()
		}
		if r.ia32.Detail == "" {
			r.ia32.Detail = err.Error()
		}
	}
	return r
})

// offsetof(struct user, u_debugreg) on x86_64 (<sys/user.h>): where PTRACE_POKEUSER reaches
// the debug registers DR0..DR7.
const debugRegOffset = 848

// DR7 for DR0 as a 4-byte write watchpoint, locally enabled: L0 (bit 0), R/W0 = 01 "break on
// data writes" (bits 16-17), LEN0 = 11 "4 bytes" (bits 18-19) (Intel SDM vol. 3, 18.2.4).
const dr7WriteWatch0 = 1 | 1<<16 | 3<<18

// The probe's machine code, poked over the traced child's entry point.
var (
	codeIA32  = []byte{0xcd, 0x80, 0xcc} // int $0x80 (eax = 20, i386 getpid); int3
	codeWatch = []byte{0x50, 0xcc}       // push %rax (writes rsp-8); int3
)

// runProbes starts a traced child stopped at its exec (none of its code has run), then runs
// each probe by poking a few instructions over its entry point and letting it go until int3.
func runProbes(hw, ia32 *Feature) error {
	// ptrace requests must come from the thread that started the tracee.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cmd := exec.Command("/proc/self/exe")
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start a traced child: %v", err)
	}
	pid := cmd.Process.Pid
	defer func() {
		_ = unix.Kill(pid, unix.SIGKILL)
		_ = cmd.Wait()
	}()
	if sig, err := waitStop(pid); err != nil || sig != unix.SIGTRAP {
		return fmt.Errorf("the traced child did not stop at exec (%v, %v)", sig, err)
	}
	var entry unix.PtraceRegs
	if err := unix.PtraceGetRegs(pid, &entry); err != nil {
		return fmt.Errorf("ptrace refused: %v", err)
	}
	saved := make([]byte, 8)
	if _, err := unix.PtracePeekText(pid, uintptr(entry.Rip), saved); err != nil {
		return fmt.Errorf("ptrace refused: %v", err)
	}

	// ia32: the i386 getpid through int $0x80 either returns the pid, or the kernel, which has
	// no such entry, raises SIGSEGV.
	regs := entry
	regs.Rax = 20
	sig, out, err := runCode(pid, &regs, codeIA32)
	switch {
	case err != nil:
		ia32.Detail = err.Error()
	case sig == unix.SIGTRAP && int(int32(out.Rax)) == pid:
		ia32.Present, ia32.Detail = true, "int $0x80 getpid returned the pid"
	case sig == unix.SIGTRAP:
		ia32.Detail = fmt.Sprintf("int $0x80 getpid returned %d", int32(out.Rax))
	default:
		ia32.Detail = fmt.Sprintf("int $0x80 raised %v: this kernel has no 32-bit entry", unix.SignalName(sig))
	}

	// Hardware watchpoint: watch the 4 bytes at rsp-8, push there. The trap comes right after
	// the push with DR6.B0 set; where debug registers are accepted but inert (a VM without
	// passthrough) the child runs on to int3 and DR6.B0 stays clear.
	if _, err := unix.PtracePokeText(pid, uintptr(entry.Rip), saved); err != nil {
		return fmt.Errorf("ptrace refused: %v", err)
	}
	if err := pokeUser(pid, debugRegOffset+0*8, entry.Rsp-8); err != nil {
		hw.Detail = fmt.Sprintf("the kernel refused a debug register: %v", err)
		return nil
	}
	if err := pokeUser(pid, debugRegOffset+7*8, dr7WriteWatch0); err != nil {
		hw.Detail = fmt.Sprintf("the kernel refused a debug register: %v", err)
		return nil
	}
	regs = entry
	sig, out, err = runCode(pid, &regs, codeWatch)
	if err != nil {
		hw.Detail = err.Error()
		return nil
	}
	dr6, err := peekUser(pid, debugRegOffset+6*8)
	switch {
	case err != nil:
		hw.Detail = fmt.Sprintf("could not read DR6: %v", err)
	case sig == unix.SIGTRAP && dr6&1 != 0 && out.Rip == entry.Rip+1:
		hw.Present, hw.Detail = true, "a write to the watched address trapped"
	case sig == unix.SIGTRAP:
		hw.Detail = "the debug registers were accepted, but a write to the watched address did not trap (a virtual machine without debug-register passthrough?)"
	default:
		hw.Detail = fmt.Sprintf("the probe stopped with %v", unix.SignalName(sig))
	}
	return nil
}

// runCode writes code at regs.Rip, resumes the child with regs and returns the signal of its
// next stop (SIGTRAP from the int3 that ends each probe, or the fault) with its registers.
func runCode(pid int, regs *unix.PtraceRegs, code []byte) (unix.Signal, unix.PtraceRegs, error) {
	var out unix.PtraceRegs
	word := make([]byte, 8)
	if _, err := unix.PtracePeekText(pid, uintptr(regs.Rip), word); err != nil {
		return 0, out, fmt.Errorf("ptrace refused: %v", err)
	}
	copy(word, code)
	if _, err := unix.PtracePokeText(pid, uintptr(regs.Rip), word); err != nil {
		return 0, out, fmt.Errorf("ptrace refused: %v", err)
	}
	if err := unix.PtraceSetRegs(pid, regs); err != nil {
		return 0, out, fmt.Errorf("ptrace refused: %v", err)
	}
	if err := unix.PtraceCont(pid, 0); err != nil {
		return 0, out, fmt.Errorf("ptrace refused: %v", err)
	}
	sig, err := waitStop(pid)
	if err != nil {
		return 0, out, err
	}
	if err := unix.PtraceGetRegs(pid, &out); err != nil {
		return 0, out, fmt.Errorf("ptrace refused: %v", err)
	}
	return sig, out, nil
}

func waitStop(pid int) (unix.Signal, error) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, err
		}
		break
	}
	if !ws.Stopped() {
		return 0, fmt.Errorf("the traced child ended (%v)", ws)
	}
	return ws.StopSignal(), nil
}

func pokeUser(pid int, off uintptr, v uint64) error {
	_, _, e := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_POKEUSR, uintptr(pid), off, uintptr(v), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

func peekUser(pid int, off uintptr) (uint64, error) {
	var v uint64
	// PTRACE_PEEKUSR through the raw syscall stores the word at the address given as data.
	_, _, e := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_PEEKUSR, uintptr(pid), off, uintptr(unsafePointer(&v)), 0, 0)
	if e != 0 {
		return 0, e
	}
	return v, nil
}
