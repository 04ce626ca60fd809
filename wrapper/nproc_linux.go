package wrapper

import (
	"bytes"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// uidTasks counts the tasks (processes and their threads) whose real uid is uid, as the kernel
// does for RLIMIT_NPROC, leaving out the calling process: its threads end with the execve and
// the program it becomes is one of the NProcExtra. Processes that end during the scan are
// skipped. With a /proc that hides other users' processes (hidepid) the count is too low and
// the limit tighter: it then still bounds the program.
//
// It runs on every start with a relative limit (the default), over every process on the
// machine, so it reads as little as it can (a laptop has a few hundred processes; reading
// each one's status, after the filter was on, took 1.5 ms here for 70):
//   - kernel threads, most of the processes of a quiet machine, are kthreadd's children,
//     one read of /proc/2/task/2/children;
//   - the owner of /proc/<pid> is the process's effective uid, or root when the process is not
//     dumpable (kernel.suid_dumpable): one stat. Another user's process is skipped on it. A
//     credential change clears the dumpable flag, so a dumpable process's effective uid is its
//     real uid unless it made itself dumpable again;
//   - a dumpable process of uid counts the entries of /proc/<pid>/task (a stat: its link
//     count is the thread count + 2);
//   - root's, and whichever processes are not dumpable, are read from /proc/<pid>/status,
//     whose Uid line has the real uid.
func uidTasks(uid int) int {
	d, err := os.Open("/proc")
	if err != nil {
		return 0
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	want := strconv.Itoa(uid)
	self := os.Getpid()
	kthreads := kernelThreads()
	buf := make([]byte, 4096)
	n := 0
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if _, k := kthreads[pid]; err != nil || k || pid == self {
			continue
		}
		var st unix.Stat_t
		if unix.Stat("/proc/"+name, &st) != nil {
			continue
		}
		switch {
		case st.Uid == 0:
			n += statusTasks("/proc/"+name+"/status", buf, want)
		case st.Uid == uint32(uid):
			if unix.Stat("/proc/"+name+"/task", &st) == nil {
				n += max(int(st.Nlink)-2, 1)
			}
		}
	}
	return n
}

// kernelThreads returns the pids of the kernel's threads: kthreadd (pid 2, when /proc/2 is
// the kernel's thread: not in a pid namespace) and its children.
func kernelThreads() map[int]struct{} {
	b := make([]byte, 512)
	if !readSmall("/proc/2/stat", b, func(stat []byte) bool {
		// pid (comm) state ppid pgrp session tty_nr tpgid flags ...
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 || !bytes.HasPrefix(stat, []byte("2 (kthreadd)")) {
			return false
		}
		f := bytes.Fields(stat[i+1:])
		if len(f) <= 6 {
			return false
		}
		const pfKthread = 0x00200000
		flags, _ := strconv.ParseUint(string(f[6]), 10, 64)
		return flags&pfKthread != 0
	}) {
		return nil
	}
	set := map[int]struct{}{2: {}}
	children := make([]byte, 8192)
	readSmall("/proc/2/task/2/children", children, func(c []byte) bool {
		for _, f := range strings.Fields(string(c)) {
			if pid, err := strconv.Atoi(f); err == nil {
				set[pid] = struct{}{}
			}
		}
		return true
	})
	return set
}

// readSmall reads the start of path into buf (one read: /proc files come whole) and gives it
// to use.
func readSmall(path string, buf []byte, use func([]byte) bool) bool {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	m, _ := unix.Read(fd, buf)
	unix.Close(fd)
	return m > 0 && use(buf[:m])
}

// statusTasks reads /proc/<pid>/status (path) into buf and returns the process's thread
// count when its real uid is want, else 0.
func statusTasks(path string, buf []byte, want string) int {
	n := 0
	readSmall(path, buf, func(status []byte) bool {
		for line := range bytes.SplitSeq(status, []byte("\n")) {
			if v, ok := bytes.CutPrefix(line, []byte("Uid:")); ok {
				f := bytes.Fields(v)
				if len(f) == 0 || string(f[0]) != want { // the real uid, as the kernel counts
					return false
				}
				n = 1
			} else if v, ok := bytes.CutPrefix(line, []byte("Threads:")); ok && n == 1 {
				t, _ := strconv.Atoi(string(bytes.TrimSpace(v)))
				n = max(t, 1)
				return true
			}
		}
		return true
	})
	return n
}
