// Package tmuxhide keeps sandbug's start-up from waiting on `tmux info`.
//
// lipgloss detects standard output's colour profile in a package variable, so while the
// packages are initialised, before main runs. Inside tmux that detection runs `tmux info` (to
// see whether tmux passes 24-bit colour on) and waits for it: 20-40 ms on a slow machine, paid
// by every command, `sandbug version` and `sandbug run` included, which never draw in colour.
//
// This package hides TMUX from the environment while the packages are initialised, and main
// puts it back with Restore before anything else runs. The terminal UI then detects the
// profile itself, with TMUX set, while its debug session starts (tui.Run).
//
// It works because of the order the Go specification gives package initialisation: of the
// packages whose imports are initialised, the first by import path goes next. This package
// imports only os, so it runs long before lipgloss, which waits for the terminal packages it
// imports. TestNoTmuxInfoBeforeMain (cmd/sandbug) checks it on the built binary.
package tmuxhide

import "os"

var saved string

func init() {
	if v := os.Getenv("TMUX"); v != "" {
		saved = v
		os.Unsetenv("TMUX")
	}
}

// Restore puts TMUX back as sandbug was started with it. main calls it first of all: gdb, the
// program's environment and the UI's colour detection see the environment unchanged.
func Restore() {
	if saved != "" {
		os.Setenv("TMUX", saved)
		saved = ""
	}
}
