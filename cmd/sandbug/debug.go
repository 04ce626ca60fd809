package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/sandbug/sandbug/launcher"
)

const debugUsage = `Usage: sandbug [debug] [flags] PROGRAM|FILE.c... [-- ARGS...]
       sandbug [debug] [flags] --make [TARGET] [-- ARGS...]

Opens the terminal UI on a debug session: gdb runs the program inside the sandbox and stops
before main, with its source shown. Blocked system calls stop the program (--no-stop-at-blocked
lets them fail as in a run). When the program forks, gdb follows the parent; --follow-forks
child follows the child instead, and --follow-forks all keeps every process under the
debugger (breakpoints apply to all; a stop in any process shows it).

Examples:
  sandbug hello.c
  sandbug main.c list.c              (several sources make one program; also sandbug *.c)
  sandbug --make                     (build with the Makefile here, with -g -O0 added)
  sandbug debug --profile strict ./a.out -- arg1 arg2
  sandbug --log-mi mi.log --timeout 30s prog.c
  sandbug --follow-forks all pipeline.c

Flags:
`

func cmdDebug(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	fs := newFlagSet("debug", &o, stderr, false, false)
	if code, ok := parseCommand(fs, args, &o, true, debugUsage, stdout, stderr); !ok {
		return code
	}
	if code, ok := o.discoverMake(ctx, stderr); !ok {
		return code
	}
	return openTUI(ctx, o.config(), "", o.theme, stderr)
}

// openTUI runs the terminal UI on cfg; lesson is a demo's lesson text ("" for none).
func openTUI(ctx context.Context, cfg launcher.Config, lesson, theme string, stderr io.Writer) int {
	dark, err := themeDark(theme)
	if err != nil {
		return reportUsage(stderr, usagef("%v", err))
	}
	if !launcher.IsTerminal(os.Stdin) || !launcher.IsTerminal(os.Stdout) {
		fmt.Fprintln(stderr, "sandbug: the debugger UI needs a terminal (use `sandbug run` to run without one)")
		return 125
	}
	// SIGTERM and SIGHUP end the UI (realMain's ctx; Bubble Tea too): the program and gdb are
	// killed, and sandbug exits 128 + the signal, as `sandbug run` does, not 0.
	stopSig := make(chan os.Signal, 1)
	signal.Notify(stopSig, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(stopSig)
	err = runTUI(ctx, cfg, lesson, false, dark)
	select {
	case sig := <-stopSig:
		n := int(sig.(syscall.Signal))
		fmt.Fprintf(stderr, "sandbug: received %s: the program and gdb were stopped\n", launcher.SignalName(n))
		return 128 + n
	default:
	}
	if err != nil {
		fmt.Fprintf(stderr, "sandbug: %v\n", err)
		return 125
	}
	return 0
}
