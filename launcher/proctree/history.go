package proctree

// History keeps every process a program has had across snapshots, so that a child which
// exited and was reaped between two refreshes still shows in the tree, with its exit status
// when a snapshot caught it as a zombie. The zero History is ready to use; it is not safe for
// concurrent use.
type History struct {
	procs map[int]*Process
	order []int // pids in the order first seen
}

// Merge records snapshot t and returns the whole history as a tree: the processes in t as t
// has them, and every process seen before but missing from t marked Gone (exited and reaped),
// with no descriptors. Parents come before children, root first.
func (h *History) Merge(root int, t *Tree) *Tree {
	if h.procs == nil {
		h.procs = map[int]*Process{}
	}
	now := map[int]bool{}
	for _, p := range t.Procs {
		now[p.Pid] = true
		old := h.procs[p.Pid]
		if old == nil {
			h.order = append(h.order, p.Pid)
		}
		q := p
		if old != nil && len(q.Cmdline) == 0 && q.State == Zombie {
			q.Cmdline = old.Cmdline // a zombie's cmdline is empty: keep what it ran
		}
		h.procs[p.Pid] = &q
	}
	for _, pid := range h.order {
		if p := h.procs[pid]; !now[pid] && !p.Gone {
			p.Gone = true
			p.Fds = nil
		}
	}
	out := &Tree{Procs: make([]Process, 0, len(h.order))}
	for _, pid := range h.order {
		out.Procs = append(out.Procs, *h.procs[pid])
	}
	order(out.Procs, root)
	out.JoinPipes()
	return out
}

// Pids returns the pids of the processes not known to be gone, in the order first seen: the
// ones a refresh must look for even when they left the root's tree (orphans, whose parent
// exited before them, are adopted by a subreaper outside it).
func (h *History) Pids() []int {
	var out []int
	for _, pid := range h.order {
		if !h.procs[pid].Gone {
			out = append(out, pid)
		}
	}
	return out
}
