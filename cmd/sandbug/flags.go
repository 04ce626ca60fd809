package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/wrapper"
)

// options are the flags shared by run and debug, plus run's own.
type options struct {
	profile, policy, limit, user, cc, cflags, logMI, wrapperPath, dir string
	sanitize                                                          launcher.Sanitize
	timeout                                                           time.Duration
	noStopAtBlocked                                                   bool
	followForks                                                       string // --follow-forks: parent, child or all
	json                                                              bool
	output                                                            string
	runDemo                                                           bool   // demo --run
	checkDemo                                                         bool   // demo --check
	fdTables                                                          bool   // --fds: fd tables in the JSON
	rawOutput                                                         bool   // --raw-output: no terminal filter
	shownAs                                                           string // a demo's source as reports name it (examples/NAME/NAME.c)
	theme                                                             string // --theme: auto, light or dark
	noJail, requireJail, keepEnv                                      bool
	timeoutSet                                                        bool // --timeout given (0 then means none)
	allowRead, allowWrite                                             []string
	make                                                              bool   // --make: build with the Makefile
	makeTarget                                                        string // --make TARGET ("" = the default goal)
	makePlan                                                          *launcher.MakePlan

	limits  wrapper.Limits
	program string
	sources []string // more C/C++ sources after a source program (sandbug main.c list.c)
	args    []string
}

func newFlagSet(name string, o *options, stderr io.Writer, run, demo bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.profile, "profile", "", "sandbox profile: default, strict or permissive (default \"default\")")
	fs.StringVar(&o.policy, "policy", "", "sandbox policy YAML `FILE` (see sandbug-wrapper --print-profile NAME)")
	fs.StringVar(&o.limit, "limit", "", "resource `LIMITS`: cpu=2s,mem=256M,fsize=16M,nofile=64,nproc=64,core=0")
	fs.DurationVar(&o.timeout, "timeout", 0, "wall-clock time `LIMIT` (e.g. 10s; debug: paused while stopped)")
	fs.StringVar(&o.user, "user", "", "run the program as `USER` (name or uid; as root the default is nobody)")
	fs.StringVar(&o.cc, "cc", "", "C compiler for .c sources (default cc; c++ for C++)")
	fs.StringVar(&o.cflags, "cflags", "", "extra compiler `FLAGS`, added after -g -O0 -Wall")
	fs.Func("sanitize", "build a .c source with the sanitizer's checks: `address`, undefined or both (explains the bug it finds)", func(v string) error {
		z, err := launcher.ParseSanitize(v)
		o.sanitize = z
		return err
	})
	fs.StringVar(&o.logMI, "log-mi", "", "write the raw gdb/MI traffic to `FILE` (debug)")
	fs.StringVar(&o.wrapperPath, "wrapper", "", "sandbug-wrapper `PATH` (default: next to sandbug, then $PATH)")
	fs.StringVar(&o.dir, "dir", "", "working `DIR`ectory of the program")
	fs.BoolVar(&o.noJail, "no-jail", false, "run without the Landlock jail (files, TCP, signal and socket scopes): seccomp only")
	fs.BoolVar(&o.requireJail, "require-jail", false, "fail when the kernel cannot enforce every part of the jail (strict always does)")
	fs.BoolVar(&o.keepEnv, "keep-env", false, "keep SSH_AUTH_SOCK, DISPLAY, DBUS_SESSION_BUS_ADDRESS and the other session variables")
	fs.Func("allow-read", "let the program read `PATH` too (absolute; repeatable)", absPathFlag(&o.allowRead))
	fs.Func("allow-write", "let the program read and write `PATH` too (absolute; repeatable)", absPathFlag(&o.allowWrite))
	fs.StringVar(&o.theme, "theme", "auto", "the debugger UI's palette: `auto` (ask the terminal), light or dark")
	fs.BoolVar(&o.noStopAtBlocked, "no-stop-at-blocked", false, "debug: let blocked calls fail as in run mode instead of stopping there")
	fs.Func("follow-forks", "debug: when the program forks, follow the `parent` (gdb's default), the child, or keep all processes under the debugger", func(v string) error {
		if err := launcher.CheckFollowForks(v); err != nil {
			return fmt.Errorf("want parent, child or all")
		}
		o.followForks = v
		return nil
	})
	if !demo {
		fs.BoolVar(&o.make, "make", false, "build with the Makefile in the current folder (make -B [TARGET] CFLAGS=\"<its CFLAGS> -g -O0\"), then run the program it built: the default goal's, or TARGET's (sandbug --make [TARGET] [-- ARGS...])")
	}
	if run {
		fs.BoolVar(&o.json, "json", false, "print one JSON report on stdout after the program (its output goes to stderr or --output)")
		fs.StringVar(&o.output, "output", "", "write the program's output to `FILE`")
		fs.BoolVar(&o.fdTables, "fds", false, "with --json: add each process's file descriptor table as last seen")
		fs.BoolVar(&o.rawOutput, "raw-output", false, "pass the program's terminal control strings through unfiltered (clipboard, title, ...)")
	}
	if demo {
		fs.BoolVar(&o.runDemo, "run", false, "run the demo without the debugger")
		fs.BoolVar(&o.checkDemo, "check", false, "run the demo in both modes and check the outcome its lesson promises (exit 1 if not)")
		fs.BoolVar(&o.json, "json", false, "with --run: print a JSON report")
	}
	return fs
}

// parseArgs parses `[flags] PROGRAM|FILE.c... [flags] [-- ARGS...]`. Sources right after a
// source program are compiled with it; the following words up to "--" are flags while they
// look like flags; the first other word starts the program's arguments.
func parseArgs(fs *flag.FlagSet, args []string, o *options, needProgram bool) error {
	if err := fs.Parse(args); err != nil {
		return parseErr(err)
	}
	rest := fs.Args()
	if o.make {
		// --make [TARGET] [-- ARGS]: the first word is make's target, not a program. The flag
		// package drops the "--" that ended the flags: look whether it stood before rest.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			o.args = rest
			rest = nil
		} else if len(rest) > 0 && rest[0] != "--" {
			if launcher.IsSource(rest[0]) {
				return usagef("--make builds with the Makefile: give a make target, not sources (%s)", rest[0])
			}
			o.makeTarget, rest = rest[0], rest[1:]
		}
		return parseTail(fs, rest, o)
	}
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		if needProgram {
			return usagef("no program given")
		}
		return nil
	}
	o.program, rest = rest[0], rest[1:]
	// Sources after a source are compiled with it: `sandbug main.c list.c`, `sandbug *.c`.
	for launcher.IsSource(o.program) && len(rest) > 0 && launcher.IsSource(rest[0]) {
		o.sources, rest = append(o.sources, rest[0]), rest[1:]
	}
	if err := parseTail(fs, rest, o); err != nil {
		return err
	}
	if o.make {
		return usagef("--make builds the program with the Makefile: give a make target or nothing, not %s", o.program)
	}
	return nil
}

// parseTail parses what follows the program (or --make's target): flags while the words look
// like flags, then the program's arguments; then checks the flags together.
func parseTail(fs *flag.FlagSet, rest []string, o *options) error {
	for len(rest) > 0 {
		if rest[0] == "--" {
			o.args = append(o.args, rest[1:]...)
			break
		}
		if !strings.HasPrefix(rest[0], "-") || rest[0] == "-" {
			o.args = append(o.args, rest...)
			break
		}
		if err := fs.Parse(rest); err != nil {
			return parseErr(err)
		}
		rest = fs.Args()
	}
	if o.policy != "" && o.profile != "" {
		return usagef("--policy and --profile exclude each other")
	}
	if o.noJail && o.requireJail {
		return usagef("--no-jail and --require-jail exclude each other")
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "timeout" {
			o.timeoutSet = true
		}
	})
	if o.timeout < 0 {
		return usagef("--timeout must not be negative")
	}
	l, err := wrapper.ParseLimits(o.limit)
	if err != nil {
		return usagef("--limit: %v", err)
	}
	o.limits = l
	return nil
}

// parseErr keeps -h/--help recognisable (flag.ErrHelp) and turns other flag errors into usage errors.
func parseErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return flag.ErrHelp
	}
	return usagef("%v", err)
}

// parseCommand parses a subcommand's arguments into o. On -h/--help it prints usage and the
// flags to stdout; on a usage error, one line to stderr. ok is false when the caller must
// return code.
func parseCommand(fs *flag.FlagSet, args []string, o *options, needProgram bool, usage string, stdout, stderr io.Writer) (code int, ok bool) {
	err := parseArgs(fs, args, o, needProgram)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		printFlags(stdout, fs)
		return 0, false
	default:
		return reportUsage(stderr, err), false
	}
}

// config is the launcher's configuration: the profile's default limits (launcher.DefaultLimits)
// fill in every limit the flags or the demo left unset, and the wall clock unless --timeout was
// given (--timeout 0 turns it off).
func (o *options) config() launcher.Config {
	profile := o.profile
	if o.policy != "" {
		profile = launcher.DefaultProfile
	}
	defLimits, defWall := launcher.DefaultLimits(profile)
	timeout := o.timeout
	if !o.timeoutSet {
		timeout = defWall
	}
	return launcher.Config{
		Program:       o.program,
		Args:          o.args,
		Sources:       o.sources,
		Make:          o.makePlan,
		CC:            o.cc,
		CFlags:        o.cflags,
		Sanitize:      o.sanitize,
		Profile:       o.profile,
		PolicyFile:    o.policy,
		Limits:        o.limits.Or(defLimits),
		Timeout:       timeout,
		User:          o.user,
		StopAtBlocked: !o.noStopAtBlocked,
		FollowForks:   o.followForks,
		LogMI:         o.logMI,
		WrapperPath:   o.wrapperPath,
		Dir:           o.dir,
		NoJail:        o.noJail,
		RequireJail:   o.requireJail,
		KeepEnv:       o.keepEnv,
		AllowRead:     o.allowRead,
		AllowWrite:    o.allowWrite,
	}
}

// discoverMake (--make) asks make in the current folder what to build, before any session or
// UI starts: a project sandbug cannot build is one line on stderr and exit status 125.
func (o *options) discoverMake(ctx context.Context, stderr io.Writer) (code int, ok bool) {
	if !o.make {
		return 0, true
	}
	p, err := launcher.DiscoverMake(ctx, ".", o.makeTarget)
	if err != nil {
		fmt.Fprintf(stderr, "sandbug: %v\n", err)
		return exitFailure, false
	}
	o.makePlan, o.program = &p, p.Program
	return 0, true
}

// absPathFlag collects absolute paths (made absolute from the current folder) for --allow-*.
func absPathFlag(dst *[]string) func(string) error {
	return func(p string) error {
		a, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		*dst = append(*dst, a)
		return nil
	}
}

func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			fmt.Fprintf(w, "  --%s %s\n", f.Name, name)
		} else {
			fmt.Fprintf(w, "  --%s\n", f.Name)
		}
		fmt.Fprintf(w, "        %s\n", usage)
	})
}

// themeDark turns --theme into the UI's palette choice: nil asks the terminal.
func themeDark(theme string) (*bool, error) {
	switch theme {
	case "", "auto":
		return nil, nil
	case "light", "dark":
		d := theme == "dark"
		return &d, nil
	}
	return nil, fmt.Errorf("--theme %q: use light, dark or auto", theme)
}
