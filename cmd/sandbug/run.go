package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sandbug/sandbug/launcher"
)

const runUsage = `Usage: sandbug run [flags] PROGRAM|FILE.c... [-- ARGS...]
       sandbug run [flags] --make [TARGET] [-- ARGS...]

Runs PROGRAM (or compiles FILE.c / FILE.cpp first with cc -g -O0 -Wall; several sources make
one program, headers beside them are found, -lm and -pthread are added when math.h or
pthread.h is included, other libraries go in --cflags) inside the seccomp sandbox, without the
debugger. The program's output streams through unchanged; then an exit card
and the blocked system calls go to stderr. A terminal on stdin and stdout gives the program a
terminal of the same size; otherwise it gets sandbug's own stdin, stdout and stderr.

--make builds with the Makefile in the current folder instead: make -pq finds the default
goal (or TARGET) and the program it makes, then make -B TARGET CFLAGS="<the Makefile's
CFLAGS> -g -O0" rebuilds every file with debug information.

Exit status: the program's (its code, or 128+signal number); 125 when sandbug or the sandbox
failed (bad flags, compile or make error, sandbox setup), 126 program not executable, 127 not found.

Examples:
  sandbug run hello.c
  sandbug run main.c list.c -- input.txt
  sandbug run --make -- input.txt
  sandbug run ./a.out -- input.txt
  sandbug run --limit cpu=2s,mem=256M --timeout 10s prog.c
  sandbug run --json prog.c > report.json      (program output on stderr)
  sandbug run --json --output out.txt prog.c

Flags:
`

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	fs := newFlagSet("run", &o, stderr, true, false)
	if code, ok := parseCommand(fs, args, &o, true, runUsage, stdout, stderr); !ok {
		return code
	}
	if code, ok := o.discoverMake(ctx, stderr); !ok {
		return code
	}
	return runProgram(ctx, o, stdout, stderr)
}

// runProgram runs one program to its end and reports: shared by `run` and `demo --run`.
func runProgram(ctx context.Context, o options, stdout, stderr io.Writer) int {
	cfg := o.config()
	progOut := os.Stdout
	if o.json {
		progOut = os.Stderr
	}
	if o.output != "" {
		f, err := os.OpenFile(o.output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "sandbug: --output: %v\n", err)
			return 125
		}
		defer f.Close()
		progOut = f
	}
	var restore func() error
	if launcher.IsTerminal(os.Stdin) && launcher.IsTerminal(progOut) {
		cfg.IO = launcher.IOPty
		if r, c, ok := launcher.TermSize(progOut); ok {
			cfg.Rows, cfg.Cols = r, c
		}
	} else {
		cfg.IO = launcher.IOFiles
		cfg.Stdin, cfg.Stdout, cfg.Stderr = os.Stdin, progOut, os.Stderr
		if o.output != "" {
			cfg.Stderr = progOut
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	s, err := launcher.StartRun(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "sandbug: %v\n", err)
		return 125
	}
	defer s.Close()
	// Ctrl-C or kill -INT/-QUIT reaching sandbug goes on to the program, as a shell does for its
	// foreground job: the program decides what it means and the exit card says what happened.
	intr := make(chan os.Signal, 1)
	signal.Notify(intr, syscall.SIGINT, syscall.SIGQUIT)
	defer signal.Stop(intr)
	var forwarded atomic.Value // the first signal passed on, for the report
	go func() {
		for sig := range intr {
			forwarded.CompareAndSwap(nil, sig)
			s.Signal(sig.(syscall.Signal))
		}
	}()
	// SIGTERM and SIGHUP end sandbug itself (ctx, from realMain): the program is killed, and the
	// report must say that sandbug was asked to stop, and by which signal.
	stopSig := make(chan os.Signal, 1)
	signal.Notify(stopSig, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(stopSig)
	if cfg.IO == launcher.IOPty {
		if r, err := launcher.MakeRaw(os.Stdin); err == nil {
			restore = r
			defer restore()
		}
		go func() {
			buf := make([]byte, 4096)
			for {
				n, err := os.Stdin.Read(buf)
				if n > 0 {
					s.Input(buf[:n])
				}
				if err != nil {
					return
				}
			}
		}()
		winch := make(chan os.Signal, 1)
		signal.Notify(winch, syscall.SIGWINCH)
		defer signal.Stop(winch)
		go func() {
			for range winch {
				if r, c, ok := launcher.TermSize(progOut); ok {
					s.Resize(r, c)
				}
			}
		}()
	}
	pw := watchProcs(s, o.json && o.fdTables)
	var tf termFilter
	rep := newReport(cfg, s)
	var compileOut string
	for ev := range s.Events() {
		switch e := ev.(type) {
		case launcher.OutputEvent:
			if cfg.IO == launcher.IOPty && !o.rawOutput {
				progOut.Write(tf.filter(e.Data)) // to the user's own terminal
			} else {
				progOut.Write(e.Data)
			}
		case launcher.CompileEvent:
			rep.Compile = &compileReport{OK: e.OK, Command: e.Command, Output: e.Output}
			compileOut = e.Output
			if e.Output != "" && !o.json {
				// The compiler's messages, verbatim, before anything the program prints.
				if restore != nil {
					compileOut = strings.ReplaceAll(compileOut, "\n", "\r\n")
				}
				io.WriteString(stderr, compileOut)
			}
		case launcher.AttachedEvent:
			if rep.Sandbox.Jail == nil {
				rep.Sandbox.Jail = e.Jail
			}
		case launcher.VerifiedEvent:
			rep.Sandbox.Verified = e.OK
			rep.Sandbox.Detail = e.Detail
			rep.Sandbox.Seccomp, rep.Sandbox.Filters, rep.Sandbox.NoNewPrivs = e.Seccomp, e.Filters, e.NoNewPrivs
		case launcher.ErrorEvent:
			fmt.Fprintf(stderr, "sandbug: %v\n", e.Err)
		}
	}
	if restore != nil {
		restore()
	}
	st, ok := s.Status()
	if !ok {
		st = launcher.ExitStatus{Kind: launcher.KindSandboxError, Code: 125, Message: "the session ended without an exit status"}
	}
	st = interrupted(ctx, st, stopSig, forwarded.Load())
	if o.shownAs != "" {
		// A demo runs from a temporary copy: name its source as the student knows it.
		dir := filepath.Dir(cfg.Program) + string(filepath.Separator)
		fields := []*string{&st.Where, &st.Explanation, &st.Message}
		if rep.Compile != nil {
			fields = append(fields, &rep.Compile.Command, &rep.Compile.Output)
		}
		for _, f := range fields {
			*f = strings.ReplaceAll(*f, dir, filepath.Dir(o.shownAs)+string(filepath.Separator))
		}
		rep.Program = o.shownAs
	}
	if st.Kind == launcher.KindSandboxError || st.Kind == launcher.KindCompileError {
		// The sandbox may have been checked on the wrapper, but no program ever ran in it.
		rep.Sandbox.Verified = false
		rep.Sandbox.Detail = "the program never started: nothing ran in the sandbox"
	}
	rep.finish(st, s.Blocked(), time.Since(start))
	procs, mainPid := pw.finish(st, s.Blocked())
	rep.Processes = procs
	rep.Leftovers = s.Leftovers()
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		if f, ok := stderr.(*os.File); ok && launcher.IsTerminal(f) {
			// Whatever the program did to the terminal, the report is seen as it is.
			stderr.Write(terminalReset)
			stderr.Write(reportMark)
		}
		writeCard(stderr, rep, st)
		writeProcSummary(stderr, procs, mainPid)
	}
	return st.ShellCode()
}

// interrupted marks in st how sandbug's own signals took part in the ending: a run that sandbug
// ended because it was told to stop (SIGTERM, SIGHUP) is KindInterrupted, naming the signal;
// a program that died of a signal sandbug passed on (SIGINT, SIGQUIT) says so.
func interrupted(ctx context.Context, st launcher.ExitStatus, stopSig <-chan os.Signal, forwarded any) launcher.ExitStatus {
	if ctx.Err() != nil && st.Kind != launcher.KindCompileError {
		// realMain's context and stopSig hear the same signal; give stopSig's delivery a moment.
		select {
		case sig := <-stopSig:
			killedBy := st.Signal
			if st.Kind != launcher.KindSignaled || killedBy == "" {
				killedBy = "SIGKILL"
			}
			if st.Kind == launcher.KindInterrupted { // while compiling: no program to kill
				st.Interrupt = launcher.SignalName(int(sig.(syscall.Signal)))
				return st
			}
			if st.Kind == launcher.KindSignaled || st.Kind == launcher.KindSandboxError {
				return launcher.ExitStatus{Kind: launcher.KindInterrupted, Interrupt: launcher.SignalName(int(sig.(syscall.Signal))),
					Signal: killedBy, SignalDesc: launcher.SignalMeaning(killedBy)}
			}
			st.Interrupt = launcher.SignalName(int(sig.(syscall.Signal)))
			return st
		case <-time.After(200 * time.Millisecond):
		}
	}
	if sig, ok := forwarded.(syscall.Signal); ok && st.Kind == launcher.KindSignaled && st.Signal == launcher.SignalName(int(sig)) {
		st.Interrupt = st.Signal
	}
	return st
}

// writeCard prints the exit card and the blocked-call summary.
func writeCard(w io.Writer, rep *report, st launcher.ExitStatus) {
	// A blank line parts the card from the program's output; a program that never ran has none.
	sep := "\n"
	if st.Kind == launcher.KindSandboxError {
		sep = ""
	}
	fmt.Fprintf(w, "%ssandbug: %s: %s\n", sep, rep.Program, st.Summary())
	if st.Explanation != "" {
		fmt.Fprintf(w, "sandbug: %s\n", st.Explanation)
	}
	if z := rep.Sanitize; z != nil {
		for _, n := range z.Notes {
			fmt.Fprintf(w, "sandbug: --sanitize=%s: %s\n", z.Mode, n)
		}
	}
	if st.Kind == launcher.KindSandboxError && strings.Contains(st.Message, "\n") {
		fmt.Fprintf(w, "%s\n", strings.TrimSpace(st.Message))
	}
	if !rep.Sandbox.Verified && rep.Sandbox.Detail != "" {
		fmt.Fprintf(w, "sandbug: WARNING: %s\n", rep.Sandbox.Detail)
	}
	if j := rep.Sandbox.Jail; j != nil {
		fmt.Fprintf(w, "sandbug: %s\n", j.Summary())
	}
	if rep.Leftovers > 0 {
		fmt.Fprintf(w, "sandbug: killed %d process%s the program left running\n", rep.Leftovers, map[bool]string{true: "", false: "es"}[rep.Leftovers == 1])
	}
	if len(rep.Blocked) == 0 {
		if st.Kind != launcher.KindCompileError && st.Kind != launcher.KindSandboxError {
			fmt.Fprintf(w, "sandbug: the sandbox (%s) blocked no system call\n", rep.Sandbox.Policy)
		}
		return
	}
	total := 0
	for _, b := range rep.Blocked {
		total += b.Count
	}
	fmt.Fprintf(w, "sandbug: the sandbox (%s) blocked %d call%s:\n", rep.Sandbox.Policy, total, plural(total))
	for _, b := range rep.Blocked {
		what := string(b.Action)
		switch b.Action {
		case launcher.ActionErrno:
			what = "failed with " + b.Errno
		case launcher.ActionKill:
			what = "killed the program"
		case launcher.ActionLog:
			what = "allowed and logged"
		case launcher.ActionTrap:
			what = "trapped"
		}
		pids := make([]string, len(b.Pids))
		for i, p := range b.Pids {
			pids[i] = fmt.Sprint(p)
		}
		fmt.Fprintf(w, "  %5d x %s -> %s  [rule %q, pid %s]\n", b.Count, b.Call, what, b.Rule, strings.Join(pids, ","))
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
