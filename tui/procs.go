package tui

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/launcher/proctree"
)

// procsPane is the Processes view: the program's process tree (every process it has had, the
// exited ones with their status) and the selected process's descriptor table, pipes joined to
// their other ends and shared open file descriptions marked (launcher/proctree).
type procsPane struct {
	tree     *proctree.Tree
	root     int                  // the program's own pid
	rootExit *launcher.ExitStatus // how the program ended, from the launcher
	sel      int                  // selected pid (0: the root)
	top      int                  // first process row shown
	fdTop    int                  // first descriptor line shown
	h        int                  // rows of the descriptor part last drawn (its page)
}

// reset starts the view over for a new program.
func (p *procsPane) reset(root int) {
	*p = procsPane{root: root}
}

// set shows a new snapshot, keeping the selection on the same pid while it is listed.
func (p *procsPane) set(t *proctree.Tree) {
	p.tree = t
	if p.sel != 0 && t.Find(p.sel) == nil {
		p.sel = 0
	}
}

// selectedPid is the pid whose descriptors are shown: the selection, else the root.
func (p *procsPane) selectedPid() int {
	if p.sel != 0 {
		return p.sel
	}
	return p.root
}

func (p *procsPane) index() int {
	if p.tree == nil {
		return 0
	}
	for i, q := range p.tree.Procs {
		if q.Pid == p.selectedPid() {
			return i
		}
	}
	return 0
}

// move moves the selection by d processes; the descriptor list starts again at its top.
func (p *procsPane) move(d int) {
	if p.tree == nil || len(p.tree.Procs) == 0 {
		return
	}
	i := min(max(p.index()+d, 0), len(p.tree.Procs)-1)
	if p.tree.Procs[i].Pid != p.selectedPid() {
		p.fdTop = 0
	}
	p.sel = p.tree.Procs[i].Pid
}

// scrollFds scrolls the descriptor list by d lines.
func (p *procsPane) scrollFds(d int) { p.fdTop = max(p.fdTop+d, 0) }

// exitText says how a process ended: from the launcher for the program itself, from the
// wait status a snapshot saw for the others.
func (p *procsPane) exitText(q proctree.Process) string {
	if q.Pid == p.root && p.rootExit != nil {
		return p.rootExit.Summary()
	}
	return waitText(q.WaitStatus)
}

// waitText decodes a wait(2) status; "" when it is unknown (-1).
func waitText(ws int) string {
	switch {
	case ws < 0:
		return ""
	case ws&0x7f == 0:
		return fmt.Sprintf("exit %d", ws>>8&0xff)
	}
	name := launcher.SignalName(ws & 0x7f)
	if name == "" {
		name = fmt.Sprintf("signal %d", ws&0x7f)
	}
	return "killed by " + name
}

// stateText is the STATE column: the kernel's state, or exited for a process that is gone.
func stateText(q proctree.Process, rootExited bool) string {
	if q.Gone || rootExited {
		return "exited"
	}
	return q.State.String()
}

// shortNote follows the command line in the tree: how an exited process ended, and that a
// zombie's parent has not waited for it (note says it in full under the tree).
func (p *procsPane) shortNote(q proctree.Process) string {
	switch {
	case q.Gone || (q.Pid == p.root && p.rootExit != nil):
		if s := p.exitText(q); s != "" {
			return s
		}
		return "status not seen"
	case q.State == proctree.Zombie:
		if s := p.exitText(q); s != "" {
			return s + ", not waited for"
		}
		return "not waited for"
	case p.orphan(q):
		return "orphan"
	}
	return ""
}

// orphan: a process of the program whose parent is not (its parent exited and a subreaper,
// sandbug or init, adopted it).
func (p *procsPane) orphan(q proctree.Process) bool {
	return q.Pid != p.root && p.tree.Find(q.PPid) == nil
}

// note is the selected process's line under the tree: the exit status of an exited process,
// and for a zombie who failed to wait for it.
func (p *procsPane) note(q proctree.Process) string {
	rootExited := q.Pid == p.root && p.rootExit != nil
	switch {
	case q.Gone || rootExited:
		if s := p.exitText(q); s != "" {
			return fmt.Sprintf("pid %d exited: %s", q.Pid, s)
		}
		return fmt.Sprintf("pid %d exited; its status was not seen (reaped between two looks)", q.Pid)
	case q.State == proctree.Zombie:
		s := fmt.Sprintf("pid %d is a zombie", q.Pid)
		if e := p.exitText(q); e != "" {
			s += " (" + e + ")"
		}
		if parent := p.tree.Find(q.PPid); parent != nil && !parent.Gone {
			return s + fmt.Sprintf(": its parent, pid %d, has not called wait() for it", q.PPid)
		}
		return s + ": its parent exited without calling wait() for it"
	case p.orphan(q):
		return fmt.Sprintf("pid %d is an orphan: its parent exited first, and pid %d adopted it.", q.Pid, q.PPid)
	}
	return ""
}

// command is q's command line, the program by its base name (the full path of a compiled
// program is a long temporary folder); a zombie's, whose command line is gone, is its name.
func (p *procsPane) command(q proctree.Process) string {
	if len(q.Cmdline) == 0 {
		return "[" + q.Comm + "]"
	}
	args := append([]string{filepath.Base(q.Cmdline[0])}, q.Cmdline[1:]...)
	return strings.Join(args, " ")
}

// depth is how many of q's ancestors are in the tree (indentation).
func (p *procsPane) depth(q proctree.Process) int {
	d := 0
	for seen := 0; seen < len(p.tree.Procs); seen++ {
		parent := p.tree.Find(q.PPid)
		if parent == nil || parent.Pid == q.Pid {
			break
		}
		d++
		q = *parent
	}
	return d
}

// view draws the tree in the upper part (at most half the rows while the table needs them)
// and the selected process's descriptors below.
func (p *procsPane) view(st *Styles, w, h int, focused bool) []string {
	if p.tree == nil || len(p.tree.Procs) == 0 {
		note := "The program's processes appear here while it runs (F5 or Ctrl+R)."
		if p.root > 0 {
			note = "Reading the program's processes..."
		}
		return wrapNote(st, note, w)
	}
	procs := p.tree.Procs
	treeH := min(len(procs), max(h/2-1, 2))
	var out []string
	out = append(out, st.Dim.Render(fit("  PID    PPID  STATE    COMMAND", w)))
	p.top = scrollTo(p.top, p.index(), treeH, len(procs))
	for i := p.top; i < len(procs) && i < p.top+treeH; i++ {
		q := procs[i]
		mark := "  "
		if q.Pid == p.selectedPid() {
			mark = "▶ "
		}
		pid := strings.Repeat(" ", 2*p.depth(q)) + fmt.Sprint(q.Pid)
		line := fmt.Sprintf("%s%-6s %5d  %-8s ", mark, pid, q.PPid, stateText(q, q.Pid == p.root && p.rootExit != nil))
		if n := p.shortNote(q); n != "" {
			line += "(" + clean(n) + ") " // before the command line, which may be cut
		}
		line += clean(p.command(q))
		switch {
		case q.Pid == p.selectedPid() && focused:
			line = st.Selected.Render(fit(line, w))
		case q.Pid == p.selectedPid():
			line = st.SelectedBlur.Render(fit(line, w))
		case q.Gone:
			line = st.Dim.Render(fit(line, w))
		case q.State == proctree.Zombie:
			line = st.Warn.Render(fit(line, w))
		}
		out = append(out, fit(line, w))
	}
	// The descriptors of the selected process, each wrapped under its number.
	q := procs[p.index()]
	rule := fmt.Sprintf("── fds of pid %d (%s) ", q.Pid, clean(q.Comm))
	out = append(out, st.Dim.Render(fit(rule+strings.Repeat("─", max(w-width(rule), 0)), w)))
	var fds []string
	switch n := p.note(q); {
	case p.orphan(q) && !q.Gone:
		fds = wrap(n, w)
	case n != "":
		fds = wrap(clean(n)+"; the kernel closed its descriptors when it exited.", w)
	}
	switch {
	case q.Gone || (q.Pid == p.root && p.rootExit != nil) || q.State == proctree.Zombie:
	case q.Fds == nil:
		fds = append(fds, wrap("Its descriptors could not be read (it is ending).", w)...)
	case len(q.Fds) == 0:
		fds = append(fds, wrap("It has no open descriptors.", w)...)
	}
	for _, line := range p.fdLines(q) {
		for i, l := range wrap(clean(line), max(w-4, 10)) {
			if i > 0 {
				l = "    " + l
			}
			fds = append(fds, l)
		}
	}
	p.h = max(h-len(out), 1)
	p.fdTop = min(p.fdTop, max(len(fds)-p.h, 0))
	for i := p.fdTop; i < len(fds) && len(out) < h; i++ {
		out = append(out, fit(fds[i], w))
	}
	return out
}

// fdLines describes q's descriptors one per line; a run of descriptors on one terminal or
// device (0, 1 and 2 on the program's terminal) takes one line: "fd 0-2 → /dev/pts/3".
func (p *procsPane) fdLines(q proctree.Process) []string {
	var out []string
	fds := q.Fds
	for i := 0; i < len(fds); {
		f := fds[i]
		j := i + 1
		if f.Kind == proctree.KindTerminal || f.Kind == proctree.KindDevice {
			for j < len(fds) && fds[j].Num == fds[j-1].Num+1 && fds[j].Kind == f.Kind && fds[j].Target == f.Target {
				j++
			}
		}
		if j-i == 1 {
			out = append(out, p.describe(q.Pid, f))
			i = j
			continue
		}
		line := fmt.Sprintf("fd %d-%d → %s (%s)", f.Num, fds[j-1].Num, f.Target, f.Kind)
		for _, g := range fds[i:j] {
			if g.Shared != 0 {
				line += " [shared]"
				break
			}
		}
		out = append(out, line)
		i = j
	}
	return out
}

// describe is Tree.Describe with a long list of sharers cut short: after a fork every inherited
// descriptor is shared, and the pipe ends matter more than the full list.
func (p *procsPane) describe(pid int, f proctree.Fd) string {
	d := p.tree.Describe(pid, f)
	peers := p.tree.SharedWith(pid, f)
	if len(peers) <= 2 {
		return d
	}
	if i := strings.Index(d, " [shared with "); i >= 0 {
		d = d[:i] + fmt.Sprintf(" [shared with %s and %d more]", peers[0], len(peers)-1)
	}
	return d
}

func wrapNote(st *Styles, s string, w int) []string {
	var out []string
	for _, l := range wrap(s, max(w-1, 1)) {
		out = append(out, st.Note.Render(fit(" "+l, w)))
	}
	return out
}
