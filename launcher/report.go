package launcher

import (
	"sort"
	"time"
)

// BlockedSummary aggregates the blocked calls of one (syscall, rule, action, errno).
type BlockedSummary struct {
	Syscall   string    `json:"syscall"`
	Nr        int       `json:"nr"`
	Count     int       `json:"count"`
	Action    Action    `json:"action"`
	Errno     string    `json:"errno,omitempty"`    // errno name ("EPERM") for action errno
	ErrnoNr   int       `json:"errno_nr,omitempty"` // its number
	Rule      string    `json:"rule"`
	Pids      []int     `json:"pids"`
	Args      [6]uint64 `json:"args"` // arguments of the first call
	Call      string    `json:"call"` // the first call, decoded
	Where     string    `json:"where,omitempty"`
	FirstSeen time.Time `json:"-"`
}

// BlockedList folds BlockedEvents into a summary: one entry per (syscall, rule, action, errno),
// in the order first seen. It is not safe for concurrent use.
type BlockedList struct {
	items []*BlockedSummary
	index map[string]*BlockedSummary
}

// Add folds one blocked call (of b.Count calls) in.
func (l *BlockedList) Add(b Blocked) {
	if l.index == nil {
		l.index = map[string]*BlockedSummary{}
	}
	key := b.Syscall + "\x00" + b.Rule + "\x00" + string(b.Action) + "\x00" + b.ErrnoName
	s := l.index[key]
	if s == nil {
		s = &BlockedSummary{Syscall: b.Syscall, Nr: b.Nr, Action: b.Action, Rule: b.Rule,
			Args: b.Args, Call: b.Call, FirstSeen: b.Time, Pids: []int{}}
		if b.Action == ActionErrno {
			s.Errno, s.ErrnoNr = b.ErrnoName, b.Errno
		}
		if b.Where.File != "" {
			s.Where = b.Where.Where()
		}
		l.index[key] = s
		l.items = append(l.items, s)
	}
	n := b.Count
	if n < 1 {
		n = 1
	}
	s.Count += n
	i := sort.SearchInts(s.Pids, b.Pid)
	if i == len(s.Pids) || s.Pids[i] != b.Pid {
		s.Pids = append(s.Pids, 0)
		copy(s.Pids[i+1:], s.Pids[i:])
		s.Pids[i] = b.Pid
	}
}

// List returns the summaries in first-seen order.
func (l *BlockedList) List() []BlockedSummary {
	out := make([]BlockedSummary, len(l.items))
	for i, s := range l.items {
		out[i] = *s
		out[i].Pids = append([]int{}, s.Pids...)
	}
	return out
}

// Total returns the number of blocked calls folded in.
func (l *BlockedList) Total() int {
	n := 0
	for _, s := range l.items {
		n += s.Count
	}
	return n
}
