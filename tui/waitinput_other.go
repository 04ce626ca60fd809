//go:build !linux

package tui

// waitsForInput cannot tell without Linux's /proc: the program pane takes typing as before.
func waitsForInput(int) bool { return false }
