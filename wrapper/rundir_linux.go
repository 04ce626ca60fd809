package wrapper

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// RunDirLock is the file in a run's temporary folder that its owner holds locked (flock) for
// its whole life. The lock dies with the process, whatever killed it, and is seen the same
// from every pid namespace: a later sandbug removes a folder only when it can take the lock.
const RunDirLock = ".owner.lock"

var heldLocks struct {
	sync.Mutex
	fds map[string]int
}

// LockRunDir creates dir/RunDirLock and holds an exclusive lock on it until UnlockRunDir or the
// process ends. The descriptor is close-on-exec: no child (the program, gdb) inherits it.
//
// The file is locked under another name and then renamed into place, so that it is never seen
// unlocked: a sweep that opened it between its creation and the flock would take the lock, call
// the live folder abandoned and remove it (TestRunDirNeverAbandonedWhileLocking).
func LockRunDir(dir string) error {
	tmp := filepath.Join(dir, RunDirLock+".new")
	fd, err := unix.Open(tmp, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		unix.Close(fd)
		unix.Unlink(tmp)
		return err
	}
	if err := unix.Rename(tmp, filepath.Join(dir, RunDirLock)); err != nil {
		unix.Close(fd)
		unix.Unlink(tmp)
		return err
	}
	heldLocks.Lock()
	if heldLocks.fds == nil {
		heldLocks.fds = map[string]int{}
	}
	heldLocks.fds[dir] = fd
	heldLocks.Unlock()
	return nil
}

// UnlockRunDir releases the lock LockRunDir took on dir (call it as the folder is removed).
func UnlockRunDir(dir string) {
	heldLocks.Lock()
	defer heldLocks.Unlock()
	if fd, ok := heldLocks.fds[dir]; ok {
		unix.Close(fd)
		delete(heldLocks.fds, dir)
	}
}

// RunDirAbandoned reports whether dir's owner is gone: its lock file can be locked (the owner
// died, or left without removing it). A folder with no lock file is abandoned only when it has
// not changed for a minute (an owner between creating it and locking it is younger).
func RunDirAbandoned(dir string) bool {
	fd, err := unix.Open(filepath.Join(dir, RunDirLock), unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		st, serr := os.Lstat(dir)
		return os.IsNotExist(err) && serr == nil && time.Since(st.ModTime()) > time.Minute
	}
	defer unix.Close(fd)
	return unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) == nil
}
