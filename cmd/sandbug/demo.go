package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sandbug/sandbug/examples"
	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/wrapper"
)

const demoUsage = `Usage: sandbug demo [NAME|FOLDER [--run|--check] [flags]]

Without NAME, lists the teaching demos. With NAME, opens the demo's program and lesson in the
terminal UI; with --run, runs it without the debugger and prints how it ended.

A FOLDER (./mydemo) is a teacher's own demo: lesson.md, with the same front matter as the
bundled ones (examples/NAME/lesson.md), and its C program (FOLDER-NAME.c or the only .c file).
--check runs it in both modes and says whether each ends as the lesson's expect: promises
(exit status 0 when both do, 1 when one does not).

Flags:
`

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	fs := newFlagSet("demo", &o, stderr, false, true)
	if code, ok := parseCommand(fs, args, &o, false, demoUsage, stdout, stderr); !ok {
		return code
	}
	if o.program == "" {
		list := examples.List()
		fmt.Fprintln(stdout, "Demos (sandbug demo NAME to open one, --run to run it):")
		marked := false
		for _, e := range list {
			missing, seen := missingNeeds(e)
			mark := " "
			if len(missing) > 0 {
				mark, marked = "!", true
			}
			fmt.Fprintf(stdout, "%s %-12s %s\n", mark, e.Name, e.Summary)
			for i, m := range missing {
				fmt.Fprintf(stdout, "  %-12s needs %s, which this machine lacks (%s): the lesson says what happens instead\n", "", examples.NeedLabel(m), seen[i].Detail)
			}
		}
		if marked {
			fmt.Fprintln(stdout, "! = a machine feature the demo is about is missing here; it still runs.")
		}
		return 0
	}
	var ex examples.Example
	var err error
	shownAs := ""
	if isDemoDir(o.program) {
		ex, err = examples.FromDir(o.program)
		shownAs = filepath.Join(o.program, ex.SourceFile)
	} else {
		ex, err = examples.Get(o.program)
	}
	if err != nil {
		return reportUsage(stderr, usagef("%v", err))
	}
	launcher.SweepStale()
	dir, err := os.MkdirTemp("", launcher.TempPattern("sandbug-demo-"))
	if err != nil {
		fmt.Fprintf(stderr, "sandbug: %v\n", err)
		return 125
	}
	defer wrapper.UnlockRunDir(dir)
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	if err := wrapper.LockRunDir(dir); err != nil {
		fmt.Fprintf(stderr, "sandbug: temp dir: %v\n", err)
		return 125
	}
	src, err := ex.WriteTo(dir)
	if err != nil {
		fmt.Fprintf(stderr, "sandbug: %v\n", err)
		return 125
	}
	o.program = src
	if shownAs == "" {
		shownAs = filepath.Join("examples", ex.Name, ex.SourceFile)
	}
	o.shownAs = shownAs
	if len(o.args) == 0 {
		o.args = ex.Args
	}
	if o.profile == "" && o.policy == "" {
		o.profile = ex.Profile
	}
	if o.limit == "" && ex.Limits != "" {
		l, err := wrapper.ParseLimits(ex.Limits)
		if err != nil {
			fmt.Fprintf(stderr, "sandbug: demo %s: %v\n", ex.Name, err)
			return 125
		}
		o.limits = l
	}
	if o.sanitize == launcher.SanitizeNone && ex.Sanitize != "" {
		o.sanitize = launcher.Sanitize(ex.Sanitize) // the lesson's sanitizer (validated when the lessons load)
	}
	if ex.Wall > 0 && !o.timeoutSet {
		o.timeout, o.timeoutSet = ex.Wall, true // the lesson's wall clock, unless --timeout says otherwise
	}
	missing, seen := missingNeeds(ex)
	for i, m := range missing {
		fmt.Fprintf(stderr, "sandbug: note: this machine lacks %s (%s): demo %s will not end as its lesson describes; the lesson's first section says what happens here\n", examples.NeedLabel(m), seen[i].Detail, ex.Name)
	}
	if o.checkDemo {
		return checkDemo(ctx, ex, o.config(), stdout)
	}
	if o.runDemo {
		return runProgram(ctx, o, stdout, stderr)
	}
	return openTUI(ctx, o.config(), ex.LessonOn(missing), o.theme, stderr)
}
