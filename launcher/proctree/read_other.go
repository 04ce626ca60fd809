//go:build !linux

package proctree

// Read returns an empty tree: /proc is Linux's.
func Read(root int) *Tree { return &Tree{} }

// ReadTree returns an empty tree: /proc is Linux's.
func ReadTree(root int, fds bool) *Tree { return &Tree{} }

// Refresher is a live reader; without /proc it finds nothing.
type Refresher struct {
	Root   int
	Budget int
	hist   History
}

// NewRefresher follows root (nothing, without /proc).
func NewRefresher(root int) *Refresher { return &Refresher{Root: root} }

// Refresh returns the processes seen so far: none without /proc.
func (r *Refresher) Refresh(focus int, fds bool) *Tree { return r.hist.Merge(r.Root, &Tree{}) }
