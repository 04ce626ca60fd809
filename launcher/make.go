package launcher

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// MakePlan is what `sandbug --make` builds: a goal of the Makefile in Dir and the program it
// makes, found by DiscoverMake in make's own database (make -pq), never by reading the Makefile.
type MakePlan struct {
	Dir     string // the folder make runs in (absolute)
	Target  string // the goal make builds (the default goal unless one was named)
	Program string // the file the goal makes (absolute)
	CFlags  string // the Makefile's own CFLAGS, as make stores them ("" when unset)
}

// BuildCFlags returns the CFLAGS the build passes on make's command line: the Makefile's own,
// then -g -O0 unless they already ask for debug information (-g, -g3, -ggdb...).
func (p MakePlan) BuildCFlags() string {
	words, _ := SplitWords(p.CFlags)
	for _, w := range words {
		if w == "-g" || strings.HasPrefix(w, "-g") && len(w) > 2 && (w[2] >= '0' && w[2] <= '9' || strings.HasPrefix(w, "-ggdb") || strings.HasPrefix(w, "-gdwarf")) {
			return p.CFlags
		}
	}
	return strings.TrimSpace(p.CFlags + " -g -O0")
}

// BuildArgs returns make's arguments for the build: every file rebuilt (-B), so that each object
// gets the debug flags, whatever was built before.
func (p MakePlan) BuildArgs() []string {
	return []string{"-B", p.Target, "CFLAGS=" + p.BuildCFlags()}
}

// MakeError is a --make failure found before anything was built; its text is one sentence
// that says what to do.
type MakeError struct{ Msg string }

func (e *MakeError) Error() string { return e.Msg }

func makeErrorf(format string, a ...any) error {
	return &MakeError{fmt.Sprintf(format, a...)}
}

// makefileNames are the files GNU make reads, in its order.
var makefileNames = []string{"GNUmakefile", "makefile", "Makefile"}

// DiscoverMake asks make in dir for its database (make -pq [TARGET]) and returns the plan to
// build target (the default goal when ""). Errors are *MakeError: no Makefile, no make, a
// Makefile make cannot read, a target that is not there or makes no program.
func DiscoverMake(ctx context.Context, dir, target string) (MakePlan, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return MakePlan{}, err
	}
	found := false
	for _, n := range makefileNames {
		if fi, err := os.Stat(filepath.Join(abs, n)); err == nil && fi.Mode().IsRegular() {
			found = true
			break
		}
	}
	if !found {
		return MakePlan{}, makeErrorf("--make: no Makefile in %s: run sandbug in your project's folder, or give the sources (sandbug main.c list.c)", abs)
	}
	mk, err := exec.LookPath("make")
	if err != nil {
		return MakePlan{}, makeErrorf("--make: make is not installed: install it (apt install make), or give the sources (sandbug main.c list.c)")
	}
	args := []string{"-pq"}
	if target != "" {
		args = append(args, target)
	}
	cmd := exec.CommandContext(ctx, mk, args...)
	cmd.Dir = abs
	cmd.Env = ownMakeEnv()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	// -q answers 1 when the goal is out of date: that is no failure. 2 is make's own error.
	var ee *exec.ExitError
	if runErr != nil && !(errors.As(runErr, &ee) && ee.ExitCode() == 1) {
		if ctx.Err() != nil {
			return MakePlan{}, ctx.Err()
		}
		msg := makeComplaint(errOut.String())
		if msg == "" {
			msg = runErr.Error()
		}
		return MakePlan{}, makeErrorf("--make: make stopped: %s: fix the Makefile (or the target's name), then run sandbug again", msg)
	}
	p, err := ParseMakeDB(out.String(), target)
	if err != nil {
		return MakePlan{}, err
	}
	p.Dir = abs
	p.Program = filepath.Join(abs, p.Program)
	return p, nil
}

// makeComplaint returns make's first "***" line (its error), or its first line.
func makeComplaint(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, l := range lines {
		if strings.Contains(l, "***") {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(lines[0])
}

// makeRule is one target of make's database.
type makeRule struct {
	prereqs []string
	phony   bool
	recipe  bool
}

var cflagsRE = lazyRE(`^(?:override )?CFLAGS :{0,2}= ?(.*)$`)

// ParseMakeDB reads the database `make -pq` prints and returns the plan for target (the default
// goal when ""): Target, Program (relative to make's folder) and CFlags. The program is the
// first file target reached from the goal, depth first, that is not phony and not an object or
// a source: `all: prog` gives prog.
func ParseMakeDB(db, target string) (MakePlan, error) {
	var p MakePlan
	goal := ""
	rules := map[string]*makeRule{}
	var order []string // targets in the database's order, for the error message
	sc := bufio.NewScanner(strings.NewReader(db))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	inFiles, notTarget := false, false
	var cur *makeRule
	for sc.Scan() {
		l := sc.Text()
		if !inFiles {
			switch {
			case l == "# Files":
				inFiles = true
			case strings.HasPrefix(l, ".DEFAULT_GOAL := "):
				goal = strings.TrimPrefix(l, ".DEFAULT_GOAL := ")
			default:
				if m := cflagsRE().FindStringSubmatch(l); m != nil {
					p.CFlags = m[1]
				}
			}
			continue
		}
		switch {
		case l == "":
			cur, notTarget = nil, false
		case l == "# Not a target:":
			notTarget = true
		case strings.HasPrefix(l, "# files hash-table stats"), strings.HasPrefix(l, "# VPATH Search Paths"):
			inFiles = false
		case strings.HasPrefix(l, "#  Phony target"):
			if cur != nil {
				cur.phony = true
			}
		case strings.HasPrefix(l, "#  recipe to execute"):
			if cur != nil {
				cur.recipe = true
			}
		case cur == nil && !notTarget && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "\t"):
			name, deps, ok := strings.Cut(l, ":")
			if !ok || strings.HasPrefix(name, ".") || strings.Contains(name, "%") {
				continue // special targets (.PHONY, .SUFFIXES) and pattern rules
			}
			deps = strings.TrimPrefix(deps, ":")
			deps, _, _ = strings.Cut(deps, "|") // order-only prerequisites are not built for the goal
			cur = &makeRule{prereqs: strings.Fields(deps)}
			rules[name] = cur
			order = append(order, name)
		}
	}
	if target == "" {
		target = goal
	}
	if target == "" {
		return MakePlan{}, makeErrorf("--make: the Makefile has no target: add one that builds your program")
	}
	p.Target = target
	if _, ok := rules[target]; !ok {
		return MakePlan{}, makeErrorf("--make: the Makefile has no target %s (it has: %s)", target, strings.Join(order, ", "))
	}
	prog := findProgram(rules, target, map[string]bool{})
	if prog == "" {
		return MakePlan{}, makeErrorf("--make: target %s builds no program: name the target that builds it (sandbug --make TARGET)", target)
	}
	p.Program = prog
	return p, nil
}

// notPrograms are the suffixes of files a build makes or reads that are not programs.
var notPrograms = []string{".o", ".a", ".so", ".c", ".h", ".cc", ".cpp", ".hpp", ".d", ".txt", ".md"}

func findProgram(rules map[string]*makeRule, t string, seen map[string]bool) string {
	r, ok := rules[t]
	if !ok || seen[t] {
		return ""
	}
	seen[t] = true
	candidate := !r.phony && !slices.Contains(notPrograms, filepath.Ext(t))
	if candidate && r.recipe {
		return t
	}
	for _, d := range r.prereqs {
		if p := findProgram(rules, d, seen); p != "" {
			return p
		}
	}
	if candidate && len(r.prereqs) > 0 {
		return t // made by one of make's built-in rules (prog: prog.o)
	}
	return ""
}

// BuildMake runs `make -B TARGET CFLAGS=...` in the plan's folder and checks that it made an
// executable Program. When outDir is not "" the program is copied there (Binary), as
// CompileAll's programs live there: a program run as another user (nobody, when sandbug runs as
// root) may not be able to enter the project's folder. The event carries the folder and make's
// output verbatim. A build make rejects gives a *CompileError; make that cannot run, or a build
// without the program, another error.
func BuildMake(ctx context.Context, p MakePlan, outDir string) (CompileEvent, error) {
	args := p.BuildArgs()
	cmd := exec.CommandContext(ctx, "make", args...)
	cmd.Dir = p.Dir
	cmd.Env = ownMakeEnv()
	ev := CompileEvent{Dir: p.Dir, Command: ShellJoin(append([]string{"make"}, args...))}
	if err := runBuild(cmd, &ev); err != nil {
		var ce *CompileError
		if errors.As(err, &ce) {
			return ev, err
		}
		return ev, fmt.Errorf("run make: %w", err)
	}
	if err := checkExecutable(p.Program); err != nil {
		return ev, makeErrorf("--make: make %s built no program %s (%v): name the target that builds it (sandbug --make TARGET)", p.Target, filepath.Base(p.Program), err)
	}
	ev.Binary = p.Program
	if !hasDebugInfo(p.Program) {
		ev.NoDebugInfo = true
		ev.Output += fmt.Sprintf("sandbug: %s has no debug information: the Makefile's rules do not pass $(CFLAGS) to the compiler, "+
			"so the debugger cannot show its source lines or variables; use $(CFLAGS) in the commands that compile and link it\n",
			filepath.Base(p.Program))
	}
	if outDir != "" {
		ev.Binary = filepath.Join(outDir, filepath.Base(p.Program))
		if err := copyExecutable(p.Program, ev.Binary); err != nil {
			return ev, fmt.Errorf("--make: %w", err)
		}
	}
	ev.OK = true
	return ev, nil
}

// copyExecutable copies the program src to dst, readable and executable by everyone.
func copyExecutable(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		return err
	}
	return os.Chmod(dst, 0o755) // whatever the umask
}

// checkExecutable says why path is not a program make built: missing, not a regular file, not
// executable, or not an ELF file.
func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return errors.New("no such file")
	case !fi.Mode().IsRegular():
		return errors.New("not a file")
	case fi.Mode()&0o111 == 0:
		return errors.New("not executable")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := f.Read(magic); err != nil || string(magic) != "\x7fELF" {
		return errors.New("not a compiled program")
	}
	return nil
}

// ownMakeEnv is sandbug's environment without an outer make's variables: sandbug started from
// a Makefile (make demo) would otherwise run the student's make as a sub-make, with the outer
// one's flags (-n, -k, a job server) and "make[1]:" in its messages.
func ownMakeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// hasDebugInfo reports whether the ELF program at path carries DWARF (.debug_info).
func hasDebugInfo(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Section(".debug_info") != nil || f.Section(".zdebug_info") != nil
}
