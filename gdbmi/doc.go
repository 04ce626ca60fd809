// Package gdbmi speaks GDB/MI: a pure parser of MI output lines (Parse, Record, Value and typed
// views such as StopEvent and Breakpoint) and a connection that drives a real gdb (Start, Conn).
//
// The parser is a hand-written recursive descent over []byte. It accepts the whole MI output
// grammar plus the invalid forms gdb really emits (MI2/MI3 `script={"a","b"}`, the extra
// `{...}` locations after an MI2 `bkpt={...}`), keeps tuples ordered with duplicate keys, decodes C
// strings to bytes (octal escapes are bytes, `\e` and `\a` included; invalid UTF-8 is kept), takes
// lines of any length and never panics: malformed input is a *SyntaxError naming the column.
//
// Conn starts gdb with `-nx -q --interpreter=mi4` (mi3 on a gdb without mi4), LC_ALL=C.UTF-8 and
// SHELL=/bin/sh. Exec sends a command with a fresh token and waits for the result record with
// that token; async and stream records arrive in order on Events, which applies back-pressure
// instead of dropping. When gdb dies every waiting Exec returns an *ExitedError at once and
// Events closes; Close ends gdb with -gdb-exit, kills it after a timeout and waits for every
// goroutine. One Exec at a time reads gdb's output itself until its own result (a reading
// baton shared with the reader goroutine, taken once the command is written: baton.go), which
// saves a wake-up per command; the others park on an eventfd of their own (reused, closed by
// Close), not on a channel, which saves a thread wake-up: see bell.go and docs/bench/gdbmi.md. Exec
// is safe for concurrent use; Close may be called more than once and from any goroutine. The
// raw traffic can be logged with timestamps (Options.Log). gdbmi imports nothing else of sandbug.
package gdbmi
