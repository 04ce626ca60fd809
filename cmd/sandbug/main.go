// Command sandbug runs and debugs C programs inside a seccomp sandbox.
//
//	sandbug [flags] PROGRAM|FILE.c... [-- ARGS...]        debug in the terminal UI (same as `debug`)
//	sandbug debug [flags] PROGRAM|FILE.c... [-- ARGS...]
//	sandbug run [flags] PROGRAM|FILE.c... [-- ARGS...]    run without the debugger, print an exit card
//	sandbug [run] [flags] --make [TARGET] [-- ARGS...]    build with the Makefile first
//	sandbug demo [NAME [--run]]                         list the teaching demos, or open one
//	sandbug version
//
// Exit status of `sandbug run`: the program's own (its exit code, or 128+signal number); 125
// when sandbug or the sandbox failed (bad flags, compile error, setup error), 126 when the
// program cannot be executed, 127 when it is not found, like env(1).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/sandbug/sandbug/internal/tmuxhide"
	"github.com/sandbug/sandbug/wrapper"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

// Exit statuses of sandbug's own failures, as env(1) uses them.
const (
	exitFailure  = 125
	exitNotExec  = 126
	exitNotFound = 127
)

func main() {
	tmuxhide.Restore() // first: TMUX was hidden while the packages were initialised
	// A sandboxed program running as our uid must not be able to open /proc/<sandbug>/mem.
	if err := wrapper.HardenSelf(); err != nil {
		fmt.Fprintf(os.Stderr, "sandbug: cannot make this process non-dumpable: %v\n", err)
		os.Exit(exitFailure)
	}
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if len(args) == 0 {
		fmt.Fprint(stderr, usageTop)
		return exitFailure
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "debug":
		return cmdDebug(ctx, args[1:], stdout, stderr)
	case "demo", "demos":
		return cmdDemo(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version", "-V":
		fmt.Fprintln(stdout, "sandbug", versionString())
		return 0
	case "help", "--help", "-help", "-h":
		if len(args) > 1 {
			return realMain([]string{args[1], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usageTop)
		return 0
	}
	return cmdDebug(ctx, args, stdout, stderr)
}

func versionString() string {
	if version != "" {
		return version
	}
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	return v
}

// usageError is a bad command line: one line on stderr and exit status 125.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// reportUsage prints err as sandbug's one-line complaint and returns the exit status.
func reportUsage(stderr io.Writer, err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "sandbug: %s (see sandbug --help)\n", ue.msg)
		return exitFailure
	}
	fmt.Fprintf(stderr, "sandbug: %v\n", err)
	return exitFailure
}

const usageTop = `sandbug runs and debugs C programs inside a seccomp sandbox.

Usage:
  sandbug [flags] PROGRAM|FILE.c... [-- ARGS...]       debug in the terminal UI
  sandbug debug [flags] PROGRAM|FILE.c... [-- ARGS...] the same
  sandbug run [flags] PROGRAM|FILE.c... [-- ARGS...]   run in the sandbox, then print how it ended
  sandbug [run] [flags] --make [TARGET] [-- ARGS...]   build with the Makefile here, then debug (or run)
  sandbug demo                                       list the teaching demos
  sandbug demo NAME [--run]                          open a demo in the UI (or just run it)
  sandbug version

Examples:
  sandbug hello.c                       compile with cc -g -O0 -Wall, stop before main
  sandbug main.c list.c                 several sources make one program (also: sandbug *.c)
  sandbug --make                        make -B with the Makefile's CFLAGS plus -g -O0, debug its program
  sandbug run ./a.out -- input.txt      run ./a.out input.txt in the default sandbox
  sandbug run --limit cpu=2s,mem=256M --timeout 10s prog.c
  sandbug run --json --output out.txt prog.c > report.json
  sandbug run --profile strict --user nobody ./server
  sandbug demo ptrace

Run "sandbug run --help" for the flags.
`
