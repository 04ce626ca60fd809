package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sandbug/sandbug/examples"
	"github.com/sandbug/sandbug/launcher"
)

// checkTimeout bounds one mode of `sandbug demo --check`: a lesson whose program hangs fails.
const checkTimeout = 2 * time.Minute

// checkDemo runs a demo's program in both modes and compares each ending with the outcome its
// lesson promises (the `expect:` front matter), so a teacher can verify a demo without Go.
// It prints one line per mode and returns 0 when both hold, 1 when one does not.
func checkDemo(ctx context.Context, ex examples.Example, cfg launcher.Config, stdout io.Writer) int {
	missing, _ := missingNeeds(ex)
	want := ex.ExpectOn(missing)
	code := 0
	for _, mode := range []string{"run", "debug"} {
		got, err := runDemoMode(ctx, ex, cfg, mode == "debug")
		problems := []string{}
		if err != nil {
			problems = append(problems, err.Error())
		} else {
			problems = compareOutcome(want, got)
		}
		if len(problems) == 0 {
			fmt.Fprintf(stdout, "demo %s: %s mode: ok: %s\n", ex.Name, mode, got.status.Summary())
			continue
		}
		code = 1
		fmt.Fprintf(stdout, "demo %s: %s mode: FAIL: %s\n", ex.Name, mode, strings.Join(problems, "; "))
	}
	return code
}

// demoOutcome is what one mode of a demo did.
type demoOutcome struct {
	status  launcher.ExitStatus
	output  string
	blocked []string // syscall names
}

func runDemoMode(ctx context.Context, ex examples.Example, cfg launcher.Config, debug bool) (demoOutcome, error) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	var s *launcher.Session
	var err error
	if debug {
		cfg.IO = launcher.IOPty
		cfg.StopAtBlocked = true
		s, err = launcher.StartDebug(ctx, cfg)
	} else {
		// stdin: a pipe already holding the lesson's input, then end of file.
		r, w, perr := os.Pipe()
		if perr != nil {
			return demoOutcome{}, perr
		}
		go func() { io.WriteString(w, ex.Stdin); w.Close() }()
		defer r.Close()
		cfg.IO, cfg.Stdin = launcher.IOPipe, r
		s, err = launcher.StartRun(ctx, cfg)
	}
	if err != nil {
		return demoOutcome{}, err
	}
	defer s.Close()
	var o demoOutcome
	var out bytes.Buffer
	typed, stops := false, 0
	// A debug session outlives its program (it could run it again): the exit ends the loop.
events:
	for ev := range s.Events() {
		switch e := ev.(type) {
		case launcher.ExitEvent:
			break events
		case launcher.OutputEvent:
			out.Write(e.Data)
		case launcher.StateEvent:
			if !debug || e.State != launcher.Stopped {
				continue
			}
			if stops++; stops > 200 {
				return o, fmt.Errorf("more than 200 stops: the program never ended under the debugger")
			}
			if !typed && ex.Stdin != "" { // the terminal keeps it until the program reads
				typed = true
				s.Input([]byte(ex.Stdin))
			}
			if e.Stop != nil && e.Stop.Blocked != nil {
				err = s.ResolveBlocked(launcher.Verdict{}) // the rule's own answer, as a run gives
			} else {
				err = s.Continue()
			}
			if err != nil {
				return o, fmt.Errorf("continuing under the debugger: %w", err)
			}
		}
	}
	st, ok := s.Status()
	if !ok {
		if ctx.Err() != nil {
			return o, fmt.Errorf("did not end within %v", checkTimeout)
		}
		return o, fmt.Errorf("the session ended without an exit status")
	}
	o.status, o.output = st, out.String()
	for _, b := range s.Blocked() {
		o.blocked = append(o.blocked, b.Syscall)
	}
	return o, nil
}

// compareOutcome lists every way got differs from what the lesson promises.
func compareOutcome(want examples.Expect, got demoOutcome) []string {
	var p []string
	st := got.status
	if st.Kind != want.Kind {
		p = append(p, fmt.Sprintf("it %s; the lesson expects kind %s", st.Summary(), want.Kind))
	} else {
		switch want.Kind {
		case examples.KindExited:
			if st.Code != want.Code {
				p = append(p, fmt.Sprintf("it exited with status %d; the lesson expects %d", st.Code, want.Code))
			}
		case examples.KindSignaled:
			if st.Signal != want.Signal {
				p = append(p, fmt.Sprintf("it was terminated by %s; the lesson expects %s", st.Signal, want.Signal))
			}
		case examples.KindLimit:
			if st.Limit != want.Limit {
				p = append(p, fmt.Sprintf("it hit the %s limit; the lesson expects %s", st.Limit, want.Limit))
			}
		}
	}
	for _, b := range want.Blocked {
		if !slices.Contains(got.blocked, b) {
			p = append(p, fmt.Sprintf("the sandbox did not block %s (blocked: %v)", b, got.blocked))
		}
	}
	for _, s := range want.Output {
		if !strings.Contains(got.output, s) {
			p = append(p, fmt.Sprintf("the output lacks %q", s))
		}
	}
	return p
}

// isDemoDir tells a folder argument (./mydemo, /path/demo, a name that is a folder here)
// from the name of a bundled demo.
func isDemoDir(arg string) bool {
	if strings.ContainsRune(arg, os.PathSeparator) || arg == "." {
		return true
	}
	st, err := os.Stat(arg)
	return err == nil && st.IsDir()
}
