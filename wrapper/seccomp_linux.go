package wrapper

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Kernel structures of include/uapi/linux/seccomp.h that x/sys/unix does not define. The sizes
// are checked against SECCOMP_GET_NOTIF_SIZES at run time (checkNotifSizes): the kernel may grow
// them, and then buffers must be as large as the kernel's.

// seccompData is struct seccomp_data (64 bytes).
type seccompData struct {
	Nr   int32
	Arch uint32
	IP   uint64
	Args [6]uint64
}

// seccompNotif is struct seccomp_notif (80 bytes).
type seccompNotif struct {
	ID    uint64
	Pid   uint32 // thread id of the caller, in the listener's pid namespace
	Flags uint32
	Data  seccompData
}

// seccompNotifResp is struct seccomp_notif_resp (24 bytes).
type seccompNotifResp struct {
	ID    uint64
	Val   int64
	Error int32 // 0 or a negated errno
	Flags uint32
}

// seccompNotifSizes is struct seccomp_notif_sizes.
type seccompNotifSizes struct {
	Notif, NotifResp, Data uint16
}

// Compile-time size checks.
var (
	_ [64 - unsafe.Sizeof(seccompData{})]byte
	_ [unsafe.Sizeof(seccompData{}) - 64]byte
	_ [80 - unsafe.Sizeof(seccompNotif{})]byte
	_ [unsafe.Sizeof(seccompNotif{}) - 80]byte
	_ [24 - unsafe.Sizeof(seccompNotifResp{})]byte
	_ [unsafe.Sizeof(seccompNotifResp{}) - 24]byte
)

// notifSizes asks the kernel for its structure sizes.
func notifSizes() (seccompNotifSizes, error) {
	var s seccompNotifSizes
	_, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_GET_NOTIF_SIZES, 0, uintptr(unsafe.Pointer(&s)))
	if e != 0 {
		return s, fmt.Errorf("seccomp(SECCOMP_GET_NOTIF_SIZES): %w", e)
	}
	return s, nil
}

// checkNotifSizes fails when the kernel's structures are smaller than ours (an older ABI we do
// not speak); larger ones are fine as long as buffers use the kernel's size.
func checkNotifSizes() (seccompNotifSizes, error) {
	s, err := notifSizes()
	if err != nil {
		return s, err
	}
	if int(s.Notif) < int(unsafe.Sizeof(seccompNotif{})) || int(s.NotifResp) < int(unsafe.Sizeof(seccompNotifResp{})) ||
		int(s.Data) < int(unsafe.Sizeof(seccompData{})) {
		return s, fmt.Errorf("kernel seccomp notification sizes %d/%d/%d are smaller than this build's 80/24/64",
			s.Notif, s.NotifResp, s.Data)
	}
	return s, nil
}

// installFilter installs prog as a seccomp filter on the calling thread only (no TSYNC: the
// caller has locked its OS thread and is the thread that will execve). With newListener it asks
// for SECCOMP_FILTER_FLAG_NEW_LISTENER and returns the listener fd; otherwise it returns -1.
// killable adds SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV where the kernel has it (5.19+): once the
// supervisor has received a call, only a fatal signal interrupts the wait for its answer, so a
// signal cannot make the kernel drop an answer already given and restart the call (which would
// count one call twice). It uses seccomp(2) directly and reports every failure: never fail open.
func installFilter(prog []unix.SockFilter, newListener, killable bool) (int, error) {
	if len(prog) == 0 || len(prog) > 4096 {
		return -1, fmt.Errorf("seccomp filter has %d instructions (want 1..4096)", len(prog))
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	var flags uintptr
	if newListener {
		flags |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
		if killable {
			flags |= unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
		}
	}
	r, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(&fprog)))
	if e == unix.EINVAL && flags&unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV != 0 {
		// A kernel without the flag: the counts may then exceed the calls under a signal storm.
		flags &^= unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
		r, _, e = unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(&fprog)))
	}
	if e != 0 {
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER): %w", e)
	}
	if !newListener {
		return -1, nil
	}
	if int(r) < 0 {
		return -1, errors.New("seccomp(SECCOMP_SET_MODE_FILTER) returned no listener fd")
	}
	return int(r), nil
}

// traced reports whether a debugger (or strace) traces this process: /proc/self/status
// TracerPid is not 0.
func traced() bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return true // unknown: assume a debugger, the safe side for it
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "TracerPid:"); ok {
			return strings.TrimSpace(v) != "0"
		}
	}
	return true
}

func ioctlPtr(fd int, req uint, p unsafe.Pointer) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(p))
	if e != 0 {
		return e
	}
	return nil
}
