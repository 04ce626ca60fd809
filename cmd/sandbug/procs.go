package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/launcher/proctree"
)

// procSample is how often a run samples the program's process tree: often enough to see
// most children and their exits, cheap for the tree alone (no fd tables unless --fds).
const procSample = 100 * time.Millisecond

// procWatch samples the program's process tree while it runs and remembers every process it
// saw: the tree a grader or a student reads after the run (issue: a child killed by a signal
// is easy to miss).
type procWatch struct {
	s       *launcher.Session
	fds     bool
	wrapper string // the wrapper's executable: a process still running it has not exec'd the program yet
	stop    chan struct{}
	done    chan struct{}

	mu      sync.Mutex
	seen    map[int]*procReport
	mainPid int // the program's own pid, once known
}

// procReport is one process of the --json "processes" list.
type procReport struct {
	Pid       int           `json:"pid"`
	PPid      int           `json:"ppid"`
	Command   []string      `json:"command"`
	Name      string        `json:"name"`
	LastState string        `json:"last_state"`
	Exit      *procExit     `json:"exit"`
	Blocked   []string      `json:"blocked"` // the syscalls blocked for this process
	Fds       []proctree.Fd `json:"fds,omitempty"`
	order     int           // first seen
	waitSt    int           // raw wait status when seen as a zombie, else -1
}

// procExit is a process's ending: the program's own from the launcher, a child's from its
// zombie state (stat field 52) when it was sampled before its parent reaped it.
type procExit struct {
	Kind    string `json:"kind"` // exited | signaled (launcher kinds for the main program)
	Code    int    `json:"code"`
	Signal  string `json:"signal,omitempty"`
	Summary string `json:"summary"`
}

func watchProcs(s *launcher.Session, fds bool) *procWatch {
	w := &procWatch{s: s, fds: fds, wrapper: s.WrapperPath(), stop: make(chan struct{}), done: make(chan struct{}), seen: map[int]*procReport{}}
	go w.loop()
	return w
}

func (w *procWatch) loop() {
	defer close(w.done)
	t := time.NewTicker(procSample)
	defer t.Stop()
	for {
		if pid := w.s.Pid(); pid > 0 {
			w.mu.Lock()
			w.mainPid = pid
			w.mu.Unlock()
			w.merge(proctree.ReadTree(pid, w.fds))
		}
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
	}
}

func (w *procWatch) merge(tr *proctree.Tree) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range tr.Procs {
		if w.wrapper != "" && len(p.Cmdline) > 0 && p.Cmdline[0] == w.wrapper {
			// Sampled between fork and exec: the wrapper's own command line (temporary paths,
			// sandbox flags) is not the program's. The next sample, or finish, names it.
			continue
		}
		r := w.seen[p.Pid]
		if r == nil {
			r = &procReport{Pid: p.Pid, order: len(w.seen), waitSt: -1}
			w.seen[p.Pid] = r
		}
		r.PPid, r.Name, r.LastState = p.PPid, p.Comm, p.State.String()
		if len(p.Cmdline) > 0 {
			r.Command = p.Cmdline // exec in a child shows its new command
		}
		if p.WaitStatus >= 0 {
			r.waitSt = p.WaitStatus
		}
		// A zombie has no descriptors left: keep the table as it was last seen alive.
		if w.fds && p.Fds != nil && p.State != proctree.Zombie && p.State != proctree.Dead {
			r.Fds = p.Fds
		}
	}
}

// finish stops sampling and returns every process seen, parents first, with the main
// program's exit from st and the blocked calls per pid.
func (w *procWatch) finish(st launcher.ExitStatus, blocked []launcher.BlockedSummary) (procs []*procReport, mainPid int) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	mainPid = w.mainPid
	if mainPid == 0 {
		mainPid = w.s.LastPid() // ended before the first sample
	}
	if r := w.seen[mainPid]; mainPid > 0 && w.s.Binary() != "" && (r == nil || len(r.Command) == 0) {
		// The program ended before a sample saw it after its exec, or was first seen as a
		// zombie (whose command line the kernel no longer shows): the launcher knows it.
		cmd := append([]string{w.s.Binary()}, w.s.Config().Args...)
		if r == nil {
			r = &procReport{Pid: mainPid, PPid: os.Getpid(), order: -1, waitSt: -1, LastState: "exited"}
			w.seen[mainPid] = r
		}
		r.Command, r.Name = cmd, comm(cmd[0])
	}
	for _, b := range blocked {
		for _, pid := range b.Pids {
			r := w.seen[pid]
			if r == nil { // a process that lived between two samples but made a blocked call
				r = &procReport{Pid: pid, order: len(w.seen), waitSt: -1, LastState: "not seen"}
				w.seen[pid] = r
			}
			r.Blocked = append(r.Blocked, b.Syscall)
		}
	}
	out := make([]*procReport, 0, len(w.seen))
	for _, r := range w.seen {
		switch {
		case r.Pid == mainPid && (st.Kind == launcher.KindExited || st.Kind == launcher.KindSignaled || st.Kind == launcher.KindSandboxKilled || st.Kind == launcher.KindLimit):
			r.Exit = &procExit{Kind: st.Kind, Code: st.Code, Signal: st.Signal, Summary: st.Summary()}
			r.LastState = "exited"
		case r.waitSt >= 0:
			r.Exit = decodeWait(r.waitSt)
		}
		if r.Command == nil {
			r.Command = []string{}
		}
		if r.Blocked == nil {
			r.Blocked = []string{}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out, mainPid
}

// decodeWait turns a raw wait status into words.
func decodeWait(ws int) *procExit {
	if sig := ws & 0x7f; sig != 0 {
		name := launcher.SignalName(sig)
		st := launcher.ExitStatus{Kind: launcher.KindSignaled, Signal: name, SignalDesc: launcher.SignalMeaning(name), Core: ws&0x80 != 0}
		return &procExit{Kind: st.Kind, Signal: name, Summary: st.Summary()}
	}
	st := launcher.ExitStatus{Kind: launcher.KindExited, Code: (ws >> 8) & 0xff}
	return &procExit{Kind: st.Kind, Code: st.Code, Summary: st.Summary()}
}

// writeProcSummary prints one line per process other than the main one that did not end
// with status 0 (a child killed by a signal is easy to miss).
func writeProcSummary(w io.Writer, procs []*procReport, mainPid int) {
	for _, p := range procs {
		if p.Pid == mainPid || p.Exit == nil || (p.Exit.Kind == launcher.KindExited && p.Exit.Code == 0) {
			continue
		}
		fmt.Fprintf(w, "sandbug: process %d (%s, child of %d) %s\n", p.Pid, p.Name, p.PPid, p.Exit.Summary)
	}
}

// comm is the kernel's name of a process running path: its base name cut to 15 bytes.
func comm(path string) string {
	b := filepath.Base(path)
	if len(b) > 15 {
		b = b[:15]
	}
	return b
}
