package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// IsSource reports whether path names a C or C++ source file that must be compiled first.
func IsSource(path string) bool {
	_, ok := sourceLang(path)
	return ok
}

func sourceLang(path string) (cxx bool, ok bool) {
	switch filepath.Ext(path) {
	case ".c":
		return false, true
	case ".cc", ".cpp", ".cxx", ".c++", ".C":
		return true, true
	}
	return false, false
}

// CompileError is returned by Compile when the compiler rejected the source. Output is the
// compiler's text, verbatim.
type CompileError struct {
	Command string
	Output  string
	Err     error
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("compiling failed (%s): %v", e.Command, e.Err)
}

func (e *CompileError) Unwrap() error { return e.Err }

// Compile builds one C or C++ source; see CompileAll.
func Compile(ctx context.Context, src, cc, cflags, outDir string) (CompileEvent, error) {
	return CompileAll(ctx, []string{src}, cc, cflags, outDir)
}

// CompileAll builds C or C++ sources into one program in outDir with
// `CC -g -O0 -Wall [-I DIR...] CFLAGS -o BIN SRC... LIBS` (cc, or c++ when any source is C++, when
// cc is empty; cc and cflags are split like a shell would split them). When the sources sit in
// several folders each is on the include path, so headers beside any of them are found. LIBS
// are the -l and -pthread words of cflags, then those the sources' includes need (DetectLibs). The program is named
// after the first source. The event says what ran and carries the compiler's output verbatim
// (warnings too). Sources the compiler rejects give a *CompileError; a compiler that cannot be
// run gives another error.
func CompileAll(ctx context.Context, srcs []string, cc, cflags, outDir string) (CompileEvent, error) {
	if len(srcs) == 0 {
		return CompileEvent{}, errors.New("compile: no source given")
	}
	anyCXX := false
	var incDirs []string
	for _, src := range srcs {
		cxx, ok := sourceLang(src)
		if !ok {
			return CompileEvent{}, fmt.Errorf("compile %s: not a C or C++ source (.c, .cc, .cpp, .cxx)", src)
		}
		if _, err := os.Stat(src); err != nil {
			return CompileEvent{}, fmt.Errorf("compile: %w", err)
		}
		anyCXX = anyCXX || cxx
		if d := filepath.Dir(src); !slices.Contains(incDirs, d) {
			incDirs = append(incDirs, d)
		}
	}
	ccWords, err := SplitWords(cc)
	if err != nil {
		return CompileEvent{}, fmt.Errorf("--cc %q: %w", cc, err)
	}
	if len(ccWords) == 0 {
		ccWords = []string{"cc"}
		if anyCXX {
			ccWords = []string{"c++"}
		}
	}
	flagWords, err := SplitWords(cflags)
	if err != nil {
		return CompileEvent{}, fmt.Errorf("--cflags %q: %w", cflags, err)
	}
	src := srcs[0]
	name := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))
	if name == "" {
		name = "program"
	}
	bin := filepath.Join(outDir, name)
	args := append(append([]string{}, ccWords[1:]...), "-g", "-O0", "-Wall")
	if len(incDirs) > 1 { // a source's own folder is searched already
		for _, d := range incDirs {
			args = append(args, "-I", d)
		}
	}
	// Libraries go after the sources: with --as-needed (Debian, Ubuntu) a -lm before them
	// links nothing and the build fails with "undefined reference to sqrt".
	var libs []string
	for _, w := range flagWords {
		if strings.HasPrefix(w, "-l") || w == "-pthread" {
			libs = append(libs, w)
		} else {
			args = append(args, w)
		}
	}
	for _, l := range DetectLibs(srcs) {
		if !slices.Contains(libs, l) {
			libs = append(libs, l)
		}
	}
	args = append(args, "-o", bin)
	args = append(args, srcs...)
	args = append(args, libs...)
	cmd := exec.CommandContext(ctx, ccWords[0], args...)
	// The compiler's temp files go to outDir (removed with the session) and the driver runs in
	// its own process group, so that cancelling stops cc1, as and ld too (SIGTERM lets the driver
	// delete its temp files; SIGKILL follows if it lingers) and nothing is left running.
	cmd.Env = append(os.Environ(), "TMPDIR="+outDir)
	ev := CompileEvent{Command: ShellJoin(append([]string{ccWords[0]}, args...))}
	ev.Dir, _ = os.Getwd()
	if err := runBuild(cmd, &ev); err != nil {
		var ce *CompileError
		if errors.As(err, &ce) {
			os.Remove(bin)
			return ev, err
		}
		return ev, fmt.Errorf("run compiler %s: %w", ccWords[0], err)
	}
	// The program may run as an unprivileged user: let it read and execute its binary.
	if err := os.Chmod(bin, 0o755); err != nil {
		return ev, fmt.Errorf("compile: %w", err)
	}
	ev.OK = true
	ev.Binary = bin
	return ev, nil
}

// runBuild runs a build command (the compiler, or make) in a process group of its own, with
// its messages in ev.Output: a *CompileError when it ran and failed, another error when it could
// not run.
func runBuild(cmd *exec.Cmd, ev *CompileEvent) error {
	groupCommand(cmd)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	if cmd.Process != nil {
		reapGroup(cmd.Process.Pid)
	}
	ev.Output = out.String()
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		return &CompileError{Command: ev.Command, Output: ev.Output, Err: runErr}
	}
	return runErr
}

// SplitWords splits s into words like a POSIX shell would (single and double quotes, backslash
// escapes), without expanding anything.
func SplitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\':
			inWord = true
			if i+1 < len(s) {
				i++
				if s[i] != '\n' {
					cur.WriteByte(s[i])
				}
			}
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated double quote")
			}
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// ShellQuote quotes one word for a POSIX shell: unchanged when it is plainly safe, otherwise in
// single quotes.
func ShellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_./=:,+@%", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ShellJoin quotes each word with ShellQuote and joins them with spaces.
func ShellJoin(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = ShellQuote(w)
	}
	return strings.Join(q, " ")
}

// libsByHeader maps a system header to the flag that links its library: the common cases a
// student meets (math.h needs libm with glibc before 2.34 and with static links; pthread.h
// needs -pthread for the right macros and libpthread on older systems).
var libsByHeader = map[string]string{
	"math.h":    "-lm",
	"complex.h": "-lm",
	"tgmath.h":  "-lm",
	"pthread.h": "-pthread",
}

var includeRE = lazyRE(`(?m)^[ \t]*#[ \t]*include[ \t]*<([^>]+)>`)

// DetectLibs returns the link flags (-lm, -pthread) that the sources' #include <...> lines call
// for, in a fixed order, each once. Unreadable sources add nothing (the compiler will say).
func DetectLibs(srcs []string) []string {
	want := map[string]bool{}
	for _, src := range srcs {
		b, err := os.ReadFile(src)
		if err != nil {
			continue
		}
		for _, m := range includeRE().FindAllSubmatch(b, -1) {
			if l, ok := libsByHeader[string(m[1])]; ok {
				want[l] = true
			}
		}
	}
	var out []string
	for _, l := range []string{"-lm", "-pthread"} {
		if want[l] {
			out = append(out, l)
		}
	}
	return out
}

// CompilerMessage is one diagnostic of gcc or clang: `FILE:LINE:COL: error: TEXT`.
type CompilerMessage struct {
	File      string
	Line, Col int
	Severity  string // "error", "fatal error", "warning", "note"
	Text      string
}

var diagRE = lazyRE(`^(.+?):(\d+):(?:(\d+):)? (fatal error|error|warning|note): (.*)$`)

// FirstError returns the first error (or fatal error) in a compiler's output. A link error
// (`undefined reference`) has no line and is not returned.
func FirstError(output string) (CompilerMessage, bool) {
	for _, l := range strings.Split(output, "\n") {
		m := diagRE().FindStringSubmatch(strings.TrimRight(l, "\r"))
		if m == nil || (m[4] != "error" && m[4] != "fatal error") {
			continue
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		return CompilerMessage{File: m[1], Line: line, Col: col, Severity: m[4], Text: m[5]}, true
	}
	return CompilerMessage{}, false
}
