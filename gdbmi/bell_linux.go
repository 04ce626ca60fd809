package gdbmi

import (
	"os"
	"syscall"
)

// newEventFD makes a call's bell: eventfd2(0, EFD_NONBLOCK|EFD_CLOEXEC), which are O_NONBLOCK
// and O_CLOEXEC, through syscall so that gdbmi (and the bench/ module) need nothing beyond the
// standard library. nil when the kernel refuses.
func newEventFD() *os.File {
	fd, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		return nil
	}
	return os.NewFile(fd, "gdbmi-call")
}
