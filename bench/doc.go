// Package bench compares sandbug's gdbmi with github.com/cyrus-and/gdb on the same recorded gdb
// output, side by side in one run. It is a module of its own so that the main go.mod never
// depends on cyrus-and/gdb; `go test ./...` at the repository root does not enter it.
//
// Two pairs time the parsers alone on the same lines (cyrus-and/gdb's unexported parseRecord is
// reached with go:linkname); two more time the whole client through its public API: each is
// given a fake gdb (a shell script that cats the corpus to its stdout) and the clock runs until
// every record has been parsed and delivered. The cyrus side is behind
// the `cyrus` build tag because the module is fetched at benchmark time (see
// scripts/bench-gdbmi.sh); without the tag only the sandbug side runs.
package bench
