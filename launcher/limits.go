package launcher

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandbug/sandbug/wrapper"
)

// Default limits of the profiles, applied by DefaultLimits where the person set none. They are
// chosen so every demo and ordinary student programs pass (a few hundred MiB, a few threads, a
// few seconds of CPU) while a fork bomb, a memory hog, a runaway writer or a spin loop is
// stopped and named. The process limit is relative: the program may have that many processes
// and threads beyond what its uid already runs (RLIMIT_NPROC counts them all), so a user with a
// browser and many terminals open is not punished.
var (
	defaultLimits = wrapper.Limits{CPU: 30 * time.Second, Mem: 1 << 30, FSize: 256 << 20, NProcExtra: 64}
	strictLimits  = wrapper.Limits{CPU: 10 * time.Second, Mem: 512 << 20, FSize: 64 << 20, NProcExtra: 32}
)

// Default wall-clock limits (--timeout) of the profiles. Under the debugger the clock only runs
// while the program does.
const (
	defaultWall = 5 * time.Minute
	strictWall  = time.Minute
)

// DefaultLimits returns the limits and the wall-clock limit of a profile: "" and a policy file
// count as "default"; "permissive" has none.
func DefaultLimits(profile string) (wrapper.Limits, time.Duration) {
	switch profile {
	case "", DefaultProfile:
		return defaultLimits, defaultWall
	case "strict":
		return strictLimits, strictWall
	}
	return wrapper.Limits{}, 0
}

// memHeadroom is how close to the memory limit (RLIMIT_AS) the program's peak must have come
// for a failure to be put down to it: an eighth of the limit, at least 4 MiB. An allocation
// that fails under RLIMIT_AS is one the rest of the address space had no room for; programs
// that grow in steps (malloc in a loop, a growing array) fail within one step of the limit.
func memHeadroom(limit int64) int64 {
	return max(limit/8, 4<<20)
}

// nearMemLimit reports whether a peak (bytes of address space or resident memory) came close
// enough to the limit for a failure to be the limit's doing.
func nearMemLimit(peak, limit int64) bool {
	return limit > 0 && peak > 0 && peak >= limit-memHeadroom(limit)
}

// nprocCeiling is the number of live processes of the program's tree at which it counts as
// held by its process limit: the relative allowance, or the absolute limit (which the tree
// reaches only when the uid runs nothing else: otherwise the wall clock stops a bomb), less an
// eighth for processes of the user that start meanwhile. 0 means no process limit.
func nprocCeiling(l wrapper.Limits) int {
	n := l.NProcExtra
	if n == 0 {
		n = l.NProc
	}
	return n - n/8
}

// limitWatch follows a running program for the limits whose hitting the kernel does not report:
// an allocation refused under RLIMIT_AS is only an ENOMEM (or a NULL from malloc) inside the
// program, and a fork refused under RLIMIT_NPROC only an EAGAIN. The kernel keeps the peak
// address space (VmPeak) only while the process lives: a zombie's /proc status has no Vm lines
// (measured), so the peak is sampled while it runs, every watchVMEvery and whenever it writes
// output (a program usually reports the failure before it exits), and combined at the end with
// the peak resident size from wait4.
type limitWatch struct {
	pid        int
	ownSession bool
	ceiling    int    // processes; 0: no process watch
	wrapperExe string // the wrapper's binary: its (Go, > 1 GiB) peak before the execve is not the program's

	peakVM   atomic.Int64  // bytes, the highest VmPeak read
	cpu      atomic.Int64  // nanoseconds, the program's highest CPU time read (user + system)
	lastRead atomic.Int64  // unix nanoseconds of the last VmPeak read (throttles sample)
	stopped  atomic.Bool   // the program is stopped under gdb: no sampling (setRunning)
	asleep   atomic.Bool   // the watcher took its last sample of a stop and waits for wake
	wake     chan struct{} // capacity 1: stopped changed
	mu       sync.Mutex
	nprocHit bool
}
