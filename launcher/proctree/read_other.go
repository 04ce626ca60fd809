//go:build !linux

package proctree

// Read returns an empty tree: /proc is Linux's.
func Read(root int) *Tree { return &Tree{} }

// ReadTree returns an empty tree: /proc is Linux's.
func ReadTree(root int, fds bool) *Tree { return &Tree{} }
