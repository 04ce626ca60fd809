package wrapper

import (
	"bytes"
	"os"
	"strconv"
)

// uidTasks counts the tasks (processes and their threads) whose real uid is uid, as the kernel
// does for RLIMIT_NPROC, from /proc/<pid>/status, leaving out the calling process: its threads
// end with the execve and the program it becomes is one of the NProcExtra. Processes that end
// during the scan are skipped. With a /proc that hides other users' processes
// (hidepid) the count is too low and the limit tighter: it then still bounds the program.
func uidTasks(uid int) int {
	d, err := os.Open("/proc")
	if err != nil {
		return 0
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	want := []byte(strconv.Itoa(uid))
	self := strconv.Itoa(os.Getpid())
	n := 0
	buf := make([]byte, 4096)
	for _, name := range names {
		if name[0] < '0' || name[0] > '9' || name == self {
			continue
		}
		f, err := os.Open("/proc/" + name + "/status")
		if err != nil {
			continue
		}
		m, _ := f.Read(buf)
		f.Close()
		uidOK, threads := false, 0
		for _, line := range bytes.Split(buf[:m], []byte("\n")) {
			if v, ok := bytes.CutPrefix(line, []byte("Uid:")); ok {
				f := bytes.Fields(v)
				uidOK = len(f) > 0 && bytes.Equal(f[0], want) // the real uid, as the kernel counts
			} else if v, ok := bytes.CutPrefix(line, []byte("Threads:")); ok {
				threads, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
			}
		}
		if uidOK {
			n += max(threads, 1)
		}
	}
	return n
}
