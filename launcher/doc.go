// Package launcher joins gdb (package gdbmi), the seccomp exec-wrapper and its supervisor
// (package wrapper) and the program's own terminal into one session model.
//
// A Session runs a program inside the sandbox either under gdb (StartDebug) or with the wrapper
// alone (StartRun). Both modes yield the same ordered stream of plain-data events (Events):
// program output bytes, state changes, blocked system calls, the sandbox verification, compile
// results, gdb console text and finally one ExitEvent whose ExitStatus says in plain words how the
// program ended. The same program produces the same ExitStatus and the same blocked-call list in
// both modes.
//
// The event channel never drops anything: when the consumer lags, consecutive program output is
// coalesced into bigger chunks (bytes are never lost or reordered); every other event is kept.
// Past 8 MiB of unread output the program waits in write, as on a slow terminal: the output
// policy every layer up to the TUI follows (docs/ARCHITECTURE.md, "Program output").
package launcher
