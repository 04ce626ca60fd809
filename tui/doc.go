// Package tui is sandbug's terminal user interface: one Bubble Tea model whose panes show the
// program's source, its own terminal, locals, the call stack, breakpoints, watches, the sandbox's
// events and a gdb console, driven by a launcher session.
package tui
