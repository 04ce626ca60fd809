package launcher

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// How often the limit watcher looks at a running program: its peak address space (cheap, one
// small file) and its process tree (a scan of /proc).
const (
	watchVMEvery   = 50 * time.Millisecond
	watchTreeEvery = 250 * time.Millisecond
	// nprocHold is how long the tree must stay at its process ceiling to be stopped: a
	// fork bomb sits there for ever, a program that forks a fixed pool passes through.
	nprocHold = time.Second
)

// startLimitWatch watches pid until exited is closed; kill is called once if the tree is held
// at its process ceiling for nprocHold.
func startLimitWatch(pid int, ownSession bool, ceiling int, wrapperPath string, exited <-chan struct{}, kill func()) *limitWatch {
	w := newLimitWatch(pid, ownSession, ceiling, wrapperPath)
	w.readVM()
	go w.loop(exited, kill)
	return w
}

// newLimitWatch is a watch that does not sample by itself (startLimitWatch starts that).
func newLimitWatch(pid int, ownSession bool, ceiling int, wrapperPath string) *limitWatch {
	w := &limitWatch{pid: pid, ownSession: ownSession, ceiling: ceiling, wake: make(chan struct{}, 1)}
	if p, err := filepath.EvalSymlinks(wrapperPath); err == nil {
		w.wrapperExe, _ = filepath.Abs(p)
	}
	return w
}

// adopt takes the readings of e, a watch of the same process read before w started.
func (w *limitWatch) adopt(e *limitWatch) {
	if e == nil || e.pid != w.pid {
		return
	}
	if v := e.peakVM.Load(); v > w.peakVM.Load() {
		w.peakVM.Store(v)
	}
	if c := e.cpu.Load(); c > w.cpu.Load() {
		w.cpu.Store(c)
	}
}

// setRunning tells the watcher whether the program can run. Stopped under gdb (all-stop: every
// thread of every inferior stopped), its address space and process tree cannot change, so the
// watcher takes one last sample once the stop has lasted stopSettle and then waits on no timer
// until the program runs again: a session stopped at a breakpoint wakes nothing (issue 17's idle
// goal). Neither the sample nor its timer is on the way to the Stopped event: reading /proc
// there, on every step, took BenchmarkNext200 from 1.07x to 1.27x of direct MI.
func (w *limitWatch) setRunning(running bool) {
	if w == nil || w.stopped.Load() == !running {
		return
	}
	w.stopped.Store(!running)
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// stopSettle is how long a stop lasts before the watcher takes its last sample of it: steps
// in a row (a held F10, a script) stop for a millisecond each and get none.
const stopSettle = 20 * time.Millisecond

// sleepThroughStop is the watcher while the program is stopped: one sample once the stop has
// settled, then nothing until wake. It reports false when the program exited.
func (w *limitWatch) sleepThroughStop(exited <-chan struct{}) bool {
	settle := time.NewTimer(stopSettle)
	defer settle.Stop()
	select {
	case <-exited:
		return false
	case <-w.wake:
		return true // running again (or a stale wake: the loop looks at stopped again)
	case <-settle.C:
	}
	w.readVM()
	w.asleep.Store(true)
	defer w.asleep.Store(false)
	select {
	case <-exited:
		return false
	case <-w.wake:
		return true
	}
}

func (w *limitWatch) loop(exited <-chan struct{}, kill func()) {
	t := time.NewTicker(watchVMEvery)
	defer t.Stop()
	var lastTree time.Time
	var heldSince time.Time
	for {
		if w.stopped.Load() {
			t.Stop()
			if !w.sleepThroughStop(exited) {
				return
			}
			t.Reset(watchVMEvery)
			continue
		}
		select {
		case <-exited:
			return
		case <-w.wake:
			continue
		case now := <-t.C:
			w.readVM()
			if w.ceiling <= 0 || now.Sub(lastTree) < watchTreeEvery {
				continue
			}
			lastTree = now
			if countTree(w.pid, w.ownSession)+1 < w.ceiling {
				heldSince = time.Time{}
				continue
			}
			if heldSince.IsZero() {
				heldSince = now
			}
			if now.Sub(heldSince) >= nprocHold {
				w.mu.Lock()
				w.nprocHit = true
				w.mu.Unlock()
				kill()
				return
			}
		}
	}
}

// sample reads the peak now unless it was read in the last 5 ms (for the output reader).
func (w *limitWatch) sample() {
	if w == nil {
		return
	}
	if now := time.Now().UnixNano(); now-w.lastRead.Load() >= int64(5*time.Millisecond) {
		w.readVM()
	}
}

func (w *limitWatch) readVM() {
	w.lastRead.Store(time.Now().UnixNano())
	// The execve gives the program a new address space (and a new VmPeak); until then the
	// process is the wrapper.
	if exe, err := os.Readlink("/proc/" + strconv.Itoa(w.pid) + "/exe"); err != nil || exe == w.wrapperExe {
		return
	}
	if v := vmPeak(w.pid); v > w.peakVM.Load() {
		w.peakVM.Store(v)
	}
	if c := cpuTime(w.pid); c > w.cpu.Load() {
		w.cpu.Store(c)
	}
}

// cpuUsed returns the highest CPU time seen: under gdb the program is reaped by gdb, so this
// sample is what tells a CPU-limit SIGKILL from any other.
func (w *limitWatch) cpuUsed() time.Duration {
	if w == nil {
		return 0
	}
	w.readVM()
	return time.Duration(w.cpu.Load())
}

// cpuTime returns pid's user + system CPU time from /proc/<pid>/stat (fields 14 and 15, in
// clock ticks of 1/100 s on Linux), 0 when it is gone.
func cpuTime(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, err1 := strconv.ParseInt(string(f[11]), 10, 64)
	st, err2 := strconv.ParseInt(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return (ut + st) * int64(10*time.Millisecond)
}

// result returns the highest peak seen and whether the tree was stopped at its ceiling.
func (w *limitWatch) result() (peakVM int64, nprocHit bool) {
	if w == nil {
		return 0, false
	}
	w.readVM()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peakVM.Load(), w.nprocHit
}

// vmPeak returns the VmPeak of pid in bytes, 0 when it is gone or a zombie.
func vmPeak(pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	var buf [2048]byte
	n, _ := f.Read(buf[:])
	f.Close()
	i := bytes.Index(buf[:n], []byte("VmPeak:"))
	if i < 0 {
		return 0
	}
	f2 := bytes.Fields(buf[i+len("VmPeak:") : n])
	if len(f2) == 0 {
		return 0
	}
	kb, _ := strconv.ParseInt(string(f2[0]), 10, 64)
	return kb << 10
}

// limitWatch returns the current run's watcher (nil before the program started).
func (s *Session) limitWatch() *limitWatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watch
}
