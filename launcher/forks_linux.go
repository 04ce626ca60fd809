package launcher

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sandbug/sandbug/gdbmi"
)

// procTable is the debug session's view of the processes under gdb (its inferiors), one entry
// per process, owned by the loop. gdb's =thread-group-* and =thread-created records keep it.
type procTable struct {
	list     []*Process
	threads  map[int]string // gdb thread id -> its thread group
	main     string         // the thread group of the program (its exit ends the run)
	root     int            // the first process of the run (killed with its tree at the end)
	exitedGr string         // the group of the last =thread-group-exited (names *stopped,reason="exited")
}

func (t *procTable) reset() {
	*t = procTable{threads: map[int]string{}}
}

func (t *procTable) byGroup(g string) *Process {
	for _, p := range t.list {
		if p.Group == g {
			return p
		}
	}
	return nil
}

func (t *procTable) byPid(pid int) *Process {
	for _, p := range t.list {
		if p.Pid == pid && !p.Exited {
			return p
		}
	}
	return nil
}

// threadOf returns a thread (the lowest id) of group g, 0 when gdb gave none.
func (t *procTable) threadOf(g string) int {
	best := 0
	for id, gr := range t.threads {
		if gr == g && (best == 0 || id < best) {
			best = id
		}
	}
	return best
}

// followMode is the session's Config.FollowForks, "" for gdb's default.
func (s *Session) followMode() string {
	if s.cfg.FollowForks == FollowParent {
		return ""
	}
	return s.cfg.FollowForks
}

// followForksSteps are the gdb settings of Config.FollowForks (none for the default).
func followForksSteps(mode string) [][]string {
	switch mode {
	case FollowChild:
		return [][]string{{"-gdb-set", "follow-fork-mode", "child"}}
	case FollowAll:
		return [][]string{{"-gdb-set", "detach-on-fork", "off"}, {"-gdb-set", "schedule-multiple", "on"}}
	}
	return nil
}

// procStarted records a process gdb started debugging (on the loop) and reports whether it is
// the program itself: the first of the run, or, following the child, the newest.
func (s *Session) procStarted(ev gdbmi.ThreadGroupEvent) bool {
	d := s.dbg
	t := &d.procs
	if t.threads == nil {
		t.reset()
	}
	p := t.byGroup(ev.GroupID)
	if p == nil || p.Exited {
		p = &Process{Group: ev.GroupID}
		t.list = append(t.list, p)
	}
	p.Pid = ev.PID
	p.Command = cmdline(ev.PID)
	main := t.main == "" || s.followMode() == FollowChild
	if t.root == 0 {
		t.root = ev.PID
	} else if st, ok := readStat(ev.PID); ok {
		p.Parent = st.ppid
	}
	if main {
		if old := t.byGroup(t.main); old != nil {
			old.Main = false
		}
		t.main, p.Main = ev.GroupID, true
	}
	return main
}

// onProcNotify applies the records about thread groups and threads other than
// =thread-group-started (on the loop).
func (s *Session) onProcNotify(r *gdbmi.Record) {
	d := s.dbg
	ev, ok := gdbmi.ParseThreadGroupEvent(r)
	if !ok {
		return
	}
	t := &d.procs
	if t.threads == nil {
		t.reset()
	}
	switch ev.Class {
	case "thread-created":
		t.threads[ev.ThreadID] = ev.GroupID
	case "thread-exited":
		delete(t.threads, ev.ThreadID)
	case "thread-group-exited":
		t.exitedGr = ev.GroupID
		if p := t.byGroup(ev.GroupID); p != nil && !p.Exited {
			p.Exited, p.Code, p.HasCode = true, ev.ExitCode, ev.HasExitCode
			// Where gdb did not say, the sandbox saw the exit_group's status if it was not 0.
			// Taken either way, so that a later process with the same pid cannot inherit it.
			s.mu.Lock()
			if code, ok := s.failedExits[p.Pid]; ok && !p.HasCode {
				p.Code, p.HasCode = code, true
			}
			delete(s.failedExits, p.Pid)
			s.mu.Unlock()
		}
		for id, g := range t.threads {
			if g == ev.GroupID {
				delete(t.threads, id)
			}
		}
	}
}

// childExited handles gdb's *stopped,reason="exited" when it was not the program that ended
// but another process under the debugger (on the loop): gdb stopped everything for it; the
// run goes on as before, in the program's main thread. It reports whether that was the case.
func (s *Session) childExited() bool {
	d := s.dbg
	t := &d.procs
	if s.followMode() != FollowAll || !d.started || t.exitedGr == "" || t.exitedGr == t.main {
		return false
	}
	if p := t.byGroup(t.main); p == nil || p.Exited {
		return false
	}
	t.exitedGr = ""
	th := t.threadOf(t.main)
	if th == 0 {
		return false
	}
	d.thread, d.frame = th, 0
	d.resuming.Store(true)
	gen := d.stopGen
	go func() {
		// Not on the loop: the loop must go on reading gdb's records meanwhile.
		d.cmdMu.Lock()
		defer d.cmdMu.Unlock()
		// The program's main thread is named in the continue itself (--thread): a separate
		// -thread-select could be undone by a query of the screen's (still on the ended
		// process) before the continue. gdb can also still be busy with the ended process:
		// tried again, then from gdb's inferior 1.
		s.armRehit(th, gen) // gdb may report the thread's last breakpoint again
		var err error
		for try := 0; try < 3; try++ {
			if _, err = s.mi(s.ctx, "-exec-continue", "--thread", strconv.Itoa(th)); err == nil {
				return
			}
			if s.ctx.Err() != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		if _, err2 := s.mi(s.ctx, "-interpreter-exec", "console", "inferior 1"); err2 == nil {
			if _, err2 = s.mi(s.ctx, "-exec-continue"); err2 == nil {
				return
			}
		}
		s.emit(ErrorEvent{Err: fmt.Errorf("after a child process ended: %w", err)})
	}()
	return true
}

var execRE = lazyRE(`^process (\d+) is executing new program: (.+)$`)

// execLine notes gdb's console line about an exec (on the loop): the process stays in the list
// with its new command.
func (s *Session) execLine(line string) {
	m := execRE().FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return
	}
	pid, _ := strconv.Atoi(m[1])
	if p := s.dbg.procs.byPid(pid); p != nil {
		p.Command = m[2]
		if c := cmdline(pid); c != "" {
			p.Command = c
		}
	}
}

// stopProcess fills in which process a stop happened in (on the loop).
func (s *Session) stopProcess(stop *Stop) {
	t := &s.dbg.procs
	if s.followMode() != FollowAll || stop.Thread == 0 {
		return
	}
	if p := t.byGroup(t.threads[stop.Thread]); p != nil {
		stop.Pid, stop.OtherProcess = p.Pid, !p.Main
	}
}

// killOthers kills the processes under gdb other than the program, at the end of a run (on the
// loop): gdb forgets them, so that the next run starts with the program alone.
func (s *Session) killOthers() {
	d := s.dbg
	t := &d.procs
	if s.followMode() != FollowAll {
		return
	}
	var ns []string
	for _, p := range t.list {
		if !p.Exited && !p.Main && p.Pid > 0 {
			ns = append(ns, strings.TrimPrefix(p.Group, "i"))
			killTree(p.Pid, true)
		}
	}
	if len(ns) > 0 {
		ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
		s.mi(ctx, "-interpreter-exec", "console", "kill inferiors "+strings.Join(ns, " "))
		cancel()
	}
}

// Processes lists the processes under the debugger in this run, the program first, in the order
// they started (exited ones too, with their status). Shown marks the one whose source, stack
// and locals are shown.
func (s *Session) Processes() []Process {
	if s.dbg == nil {
		return nil
	}
	var out []Process
	s.owner(func(d *debugState) {
		shown := d.procs.threads[d.thread]
		for _, p := range d.procs.list {
			q := *p
			if !q.Exited {
				if c := cmdline(q.Pid); c != "" {
					q.Command = c // after an exec: the new command
				}
			}
			q.Shown = q.Group == shown && !q.Exited
			q.Thread = d.procs.threadOf(q.Group)
			out = append(out, q)
		}
	})
	return out
}

// SelectProcess shows the process pid (one under the debugger, stopped): its thread becomes the
// one the controls and queries act on. It returns that thread's frame 0.
func (s *Session) SelectProcess(ctx context.Context, pid int) (Frame, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return Frame{}, err
	}
	th := 0
	s.owner(func(d *debugState) {
		if p := d.procs.byPid(pid); p != nil {
			th = d.procs.threadOf(p.Group)
		}
	})
	if th == 0 {
		return Frame{}, fmt.Errorf("process %d is not under the debugger", pid)
	}
	return s.SelectThread(ctx, th)
}

// cmdline is the command line of a live process, its arguments joined by spaces ("" when gone).
func cmdline(pid int) string {
	if pid <= 0 {
		return ""
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(strings.ReplaceAll(strings.TrimRight(string(b), "\x00"), "\x00", " "))
}
