package examples

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed */*.c */lesson.md
var files embed.FS

// Example is one teaching demo: its program, its lesson and the outcome it must have.
type Example struct {
	Name    string // directory name, e.g. "ptrace"
	Title   string // lesson title
	Summary string // one line for the `sandbug demo` listing
	Profile string // sandbox profile: "default", "strict", ...
	Limits  string // resource limits in wrapper.ParseLimits syntax, e.g. "cpu=1s" (wall= taken out)
	// Wall is the wall-clock limit the front matter's limits give as wall=DURATION: not a
	// kernel limit but the launcher's (--timeout; in the debugger, running time). 0: none.
	Wall  time.Duration
	Args  []string // program arguments
	Stdin string   // input the tests feed the program (empty: none)
	Needs []string // machine features the demo depends on: "ia32" (32-bit system calls)
	// Sanitize is the sanitizer the demo is built with by default (--sanitize): "address",
	// "undefined" or "both"; "" for none.
	Sanitize   string
	Expect     Expect // the outcome the lesson promises
	Lesson     string // lesson body in markdown, without the front matter, one line per paragraph (see Unwrap)
	Source     string // the C program's text
	SourceFile string // the C program's file name, e.g. "ptrace.c"
}

// Expect is the machine-checkable outcome of running an example in the sandbox.
type Expect struct {
	Kind    string   // exited | signaled | sandbox-killed | limit (launcher.ExitStatus.Kind)
	Code    int      // exit code, for Kind "exited" (and "limit" mem: the program's own status)
	Signal  string   // signal name such as "SIGSEGV", for Kind "signaled"
	Limit   string   // cpu|mem|fsize|nproc|nofile|wall, for Kind "limit"
	Blocked []string // syscalls the sandbox must report as blocked (a subset check)
	Output  []string // substrings the program's output must contain
	// Where is the program's own function in which the debugger stops at the event that
	// decides the outcome (the signal, the blocked call), as the lesson describes it.
	Where string
	// Crash is the kind of crash sandbug must read from the fatal signal ("null", "unmapped",
	// "read-only", "stack-overflow", "divide", "assert", ...: launcher.Crash* kinds), in the
	// debugger and in run mode alike; Card lists substrings its explanation must contain.
	Crash string
	Card  []string
}

// Kinds of outcome an example may expect.
const (
	KindExited        = "exited"
	KindSignaled      = "signaled"
	KindSandboxKilled = "sandbox-killed"
	KindLimit         = "limit"
)

// validNeeds are the machine features an example may depend on (Example.Needs).
var validNeeds = map[string]bool{"ia32": true}

// missingNotes open the lesson of a demo on a machine that lacks one of its needs: what the
// student will see here instead, and what they would see where the feature exists.
var missingNotes = map[string]string{
	"ia32": "## On this machine\n\n" +
		"This kernel has **no 32-bit system call entry** (no ia32 emulation). Here the kernel itself " +
		"kills the program at `int $0x80` with **SIGSEGV**, before any seccomp filter sees the call, " +
		"sandbox or not: the exit card says segmentation fault, not SIGSYS.\n\n" +
		"On a kernel that has the entry (most distributions' defaults), the call reaches the filter, " +
		"and the sandbox kills the program with SIGSYS as this lesson describes.\n",
}

// ExpectOn returns the outcome the demo has on a machine that lacks the features in missing,
// as the lesson's opening note describes it: without the ia32 entry the kernel kills the
// program with SIGSEGV at int $0x80, before the filter sees the call.
func (e Example) ExpectOn(missing []string) Expect {
	x := e.Expect
	x.Blocked = append([]string(nil), x.Blocked...)
	x.Output = append([]string(nil), x.Output...)
	for _, m := range missing {
		if m == "ia32" {
			x.Kind, x.Signal, x.Code, x.Limit, x.Blocked = KindSignaled, "SIGSEGV", 0, "", nil
		}
	}
	return x
}

// NeedLabel names a machine feature of Example.Needs for a person ("32-bit system calls").
func NeedLabel(need string) string {
	if need == "ia32" {
		return "32-bit system calls (int $0x80)"
	}
	return need
}

// LessonOn returns the lesson as it should open on a machine that lacks the features in
// missing (names from Needs): a short note per missing feature first, then the lesson.
func (e Example) LessonOn(missing []string) string {
	var b strings.Builder
	for _, m := range missing {
		if n, ok := missingNotes[m]; ok {
			b.WriteString(n)
			b.WriteString("\n")
		}
	}
	if b.Len() == 0 {
		return e.Lesson
	}
	b.WriteString(e.Lesson)
	return b.String()
}

// crashKinds are the kinds of crash sandbug reads (launcher.Crash*), for Expect.Crash.
var crashKinds = map[string]bool{"null": true, "unmapped": true, "read-only": true, "stack-overflow": true,
	"divide": true, "assert": true, "double-free": true, "heap": true, "abort": true, "other": true,
	// found by the sanitizers (Example.Sanitize)
	"heap-buffer-overflow": true, "heap-use-after-free": true, "stack-buffer-overflow": true,
	"global-buffer-overflow": true, "signed-integer-overflow": true, "out-of-bounds-index": true}

// validSanitize are the values of a lesson's sanitize: key.
var validSanitize = map[string]bool{"": true, "address": true, "undefined": true, "both": true}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var validLimits = map[string]bool{"cpu": true, "mem": true, "fsize": true, "nproc": true, "nofile": true, "wall": true}

// frontMatter is the YAML header of a lesson file.
type frontMatter struct {
	Title    string   `yaml:"title"`
	Summary  string   `yaml:"summary"`
	Profile  string   `yaml:"profile"`
	Limits   string   `yaml:"limits"`
	Args     []string `yaml:"args"`
	Stdin    string   `yaml:"stdin"`
	Needs    []string `yaml:"needs"`
	Sanitize string   `yaml:"sanitize"`
	Expect   struct {
		Kind    string   `yaml:"kind"`
		Code    *int     `yaml:"code"`
		Signal  string   `yaml:"signal"`
		Limit   string   `yaml:"limit"`
		Blocked []string `yaml:"blocked"`
		Output  []string `yaml:"output"`
		Where   string   `yaml:"where"`
		Crash   string   `yaml:"crash"`
		Card    []string `yaml:"card"`
	} `yaml:"expect"`
}

var (
	loadOnce sync.Once
	loaded   []Example
	loadErr  error
)

// load parses every embedded example once. Examples that fail to parse are left out of
// the list and their errors joined into loadErr (the package tests insist it is nil).
func load() ([]Example, error) {
	loadOnce.Do(func() {
		dirs, err := fs.ReadDir(files, ".")
		if err != nil {
			loadErr = fmt.Errorf("examples: reading embedded files: %w", err)
			return
		}
		var errs []string
		for _, d := range dirs {
			if !d.IsDir() {
				continue
			}
			name := d.Name()
			lesson, err := fs.ReadFile(files, path.Join(name, "lesson.md"))
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", name, err))
				continue
			}
			src, err := fs.ReadFile(files, path.Join(name, name+".c"))
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: no %s.c: %v", name, name, err))
				continue
			}
			e, err := Parse(name, lesson, src)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			loaded = append(loaded, e)
		}
		sort.Slice(loaded, func(i, j int) bool { return loaded[i].Name < loaded[j].Name })
		if len(errs) > 0 {
			loadErr = fmt.Errorf("examples: %s", strings.Join(errs, "; "))
		}
	})
	return loaded, loadErr
}

// List returns every example, sorted by name. The slice is a fresh copy.
func List() []Example {
	l, _ := load()
	out := make([]Example, len(l))
	for i, e := range l {
		out[i] = e.clone()
	}
	return out
}

// Names returns the names of every example, sorted.
func Names() []string {
	l, _ := load()
	names := make([]string, len(l))
	for i, e := range l {
		names[i] = e.Name
	}
	return names
}

// Get returns the example called name. The error lists the valid names.
func Get(name string) (Example, error) {
	l, _ := load()
	for _, e := range l {
		if e.Name == name {
			return e.clone(), nil
		}
	}
	return Example{}, fmt.Errorf("no demo called %q; the demos are: %s", name, strings.Join(Names(), ", "))
}

func (e Example) clone() Example {
	e.Args = append([]string(nil), e.Args...)
	e.Needs = append([]string(nil), e.Needs...)
	e.Expect.Blocked = append([]string(nil), e.Expect.Blocked...)
	e.Expect.Output = append([]string(nil), e.Expect.Output...)
	e.Expect.Card = append([]string(nil), e.Expect.Card...)
	return e
}

// WriteTo writes the example's C source into dir (created if missing, mode 0755 so that a
// program running as nobody can read it) and returns the source file's path, ready to compile.
func (e Example) WriteTo(dir string) (srcPath string, err error) {
	if e.SourceFile == "" || strings.ContainsAny(e.SourceFile, `/\`) {
		return "", fmt.Errorf("examples: %q has no valid source file name", e.Name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("examples: writing %s: %w", e.Name, err)
	}
	p := filepath.Join(dir, e.SourceFile)
	if err := os.WriteFile(p, []byte(e.Source), 0o644); err != nil {
		return "", fmt.Errorf("examples: writing %s: %w", e.Name, err)
	}
	return p, nil
}

// Parse builds an Example from a lesson file (front matter and markdown body) and the C
// source, and checks that every field the tests and the TUI need is present and valid.
func Parse(name string, lesson, source []byte) (Example, error) {
	fail := func(format string, a ...any) (Example, error) {
		return Example{}, fmt.Errorf("examples: %s/lesson.md: %s", name, fmt.Sprintf(format, a...))
	}
	if name == "" || strings.ContainsAny(name, `/\ `) {
		return Example{}, fmt.Errorf("examples: invalid example name %q", name)
	}
	lesson = bytes.ReplaceAll(lesson, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(lesson, []byte("---\n")) {
		return fail("must start with a '---' line (YAML front matter)")
	}
	rest := lesson[len("---\n"):]
	end := bytes.Index(rest, []byte("\n---\n"))
	if end < 0 {
		return fail("front matter has no closing '---' line")
	}
	head, body := rest[:end+1], rest[end+len("\n---\n"):]

	var fm frontMatter
	dec := yaml.NewDecoder(bytes.NewReader(head))
	dec.KnownFields(true) // a misspelt key is an error, not a silently missing field
	if err := dec.Decode(&fm); err != nil {
		return fail("front matter: %v", err)
	}
	switch {
	case strings.TrimSpace(fm.Title) == "":
		return fail("missing title")
	case strings.TrimSpace(fm.Summary) == "":
		return fail("missing summary")
	case strings.Contains(fm.Summary, "\n"):
		return fail("summary must be one line")
	case fm.Profile == "":
		return fail("missing profile")
	case len(bytes.TrimSpace(body)) == 0:
		return fail("empty lesson body")
	case len(bytes.TrimSpace(source)) == 0:
		return fail("empty source %s.c", name)
	}

	x := fm.Expect
	ex := Expect{Kind: x.Kind, Signal: x.Signal, Limit: x.Limit,
		Blocked: x.Blocked, Output: x.Output, Where: x.Where, Crash: x.Crash, Card: x.Card}
	if (x.Crash != "" || len(x.Card) > 0) && x.Kind != KindSignaled {
		return fail("expect.crash and expect.card need expect.kind signaled")
	}
	if len(x.Card) > 0 && x.Crash == "" {
		return fail("expect.card needs expect.crash (write the kind null quoted: \"null\", or YAML reads it as nothing)")
	}
	if x.Crash != "" && !crashKinds[x.Crash] {
		return fail("expect.crash %q is not a crash kind (%s)", x.Crash, strings.Join(sortedKeys(crashKinds), ", "))
	}
	switch x.Kind {
	case KindExited:
		if x.Code == nil {
			return fail("expect.kind exited needs expect.code")
		}
		if *x.Code < 0 || *x.Code > 255 {
			return fail("expect.code %d is not an exit status (0-255)", *x.Code)
		}
		ex.Code = *x.Code
	case KindSignaled:
		if !strings.HasPrefix(x.Signal, "SIG") {
			return fail("expect.kind signaled needs expect.signal such as SIGSEGV, got %q", x.Signal)
		}
	case KindLimit:
		if !validLimits[x.Limit] {
			return fail("expect.kind limit needs expect.limit (cpu|mem|fsize|nproc|nofile|wall), got %q", x.Limit)
		}
	case KindSandboxKilled:
		// expect.blocked names the call when a rule killed it; a call from another
		// architecture is killed by the kernel before any rule, and has no name to give.
	case "":
		return fail("missing expect.kind")
	default:
		return fail("expect.kind %q is not one of exited, signaled, sandbox-killed, limit", x.Kind)
	}
	if x.Code != nil && x.Kind != KindExited && (x.Kind != KindLimit || x.Limit != "mem") {
		return fail("expect.code is only for kind exited, and kind limit with limit mem (the program's status after a failed allocation)")
	}
	if x.Code != nil {
		ex.Code = *x.Code
	}
	limits, wall, err := splitWall(fm.Limits)
	if err != nil {
		return fail("limits: %v", err)
	}
	if x.Kind == KindLimit && x.Limit == "wall" && wall == 0 {
		return fail("expect.limit wall needs a wall-clock limit in limits (wall=3s)")
	}
	for _, n := range fm.Needs {
		if !validNeeds[n] {
			return fail("needs: unknown feature %q (known: ia32)", n)
		}
	}
	if !validSanitize[fm.Sanitize] {
		return fail("sanitize %q is not one of address, undefined, both", fm.Sanitize)
	}
	for _, s := range x.Blocked {
		if s == "" || strings.ContainsAny(s, " \t") {
			return fail("expect.blocked has an invalid syscall name %q", s)
		}
	}

	return Example{
		Name:       name,
		Title:      strings.TrimSpace(fm.Title),
		Summary:    strings.TrimSpace(fm.Summary),
		Profile:    fm.Profile,
		Limits:     limits,
		Wall:       wall,
		Args:       fm.Args,
		Stdin:      fm.Stdin,
		Needs:      fm.Needs,
		Sanitize:   fm.Sanitize,
		Expect:     ex,
		Lesson:     Unwrap(strings.TrimLeft(string(body), "\n")),
		Source:     string(source),
		SourceFile: name + ".c",
	}, nil
}

// splitWall takes the wall=DURATION item out of a limits string: the wrapper enforces the
// others, the launcher the wall clock.
func splitWall(limits string) (rest string, wall time.Duration, err error) {
	var keep []string
	for _, item := range strings.Split(limits, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(item), "=")
		if strings.TrimSpace(k) != "wall" {
			if strings.TrimSpace(item) != "" {
				keep = append(keep, strings.TrimSpace(item))
			}
			continue
		}
		if wall, err = time.ParseDuration(strings.TrimSpace(v)); err != nil || wall <= 0 {
			return "", 0, fmt.Errorf("wall=%s: want a duration such as 3s", v)
		}
	}
	return strings.Join(keep, ","), wall, nil
}

var listItem = regexp.MustCompile(`^\s*([-*+]|[0-9]+[.)])\s`)

// Unwrap joins the soft line breaks of markdown text: each paragraph and each list item
// becomes one line, so that a terminal pane can wrap it to its own width. Headings, blank
// lines, code blocks, tables and block quotes are kept as they are. Markdown renders the
// result exactly as the original.
func Unwrap(md string) string {
	var out []string
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, strings.Join(para, " "))
			para = nil
		}
	}
	inCode := false
	for _, line := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```"):
			flush()
			inCode = !inCode
			out = append(out, line)
		case inCode:
			out = append(out, line)
		case trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "|") ||
			strings.HasPrefix(trimmed, ">"):
			flush()
			out = append(out, line)
		case listItem.MatchString(line):
			flush()
			para = []string{strings.TrimRight(line, " ")}
		case len(para) > 0:
			para = append(para, trimmed)
		default:
			para = []string{strings.TrimRight(line, " ")}
		}
	}
	flush()
	return strings.Join(out, "\n")
}
