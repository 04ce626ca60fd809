// Package gdbmi speaks GDB/MI: a pure parser of MI output lines (Parse, Record, Value and typed
// views such as StopEvent and Breakpoint) and a connection that drives a real gdb (Start, Conn).
//
// Parse one line of gdb's output with Parse; read it through Record.Get and the typed views
// (ParseStop, ParseBreakpoints, ParseFrames, ParseVariables, ...). Malformed input is a
// *SyntaxError; Parse never panics.
//
// Start a gdb with Start (Options: the gdb binary, its arguments, directory, environment, a
// writer that logs the raw traffic). Exec sends a command (arguments are quoted for you) and
// returns its result record; an ^error result is also returned as an *MIError. Async and stream
// records arrive in order on Events, which applies back-pressure instead of dropping. When gdb
// dies every waiting Exec returns an *ExitedError and Events closes; Close ends gdb and waits for
// every goroutine. Exec is safe for concurrent use; Close may be called more than once and from
// any goroutine. gdbmi imports nothing else of sandbug.
//
// Design notes (the parser, the reader): docs/design/gdbmi.md.
package gdbmi
