package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// Compile builds a C or C++ source into outDir with `CC -g -O0 -Wall CFLAGS -o BIN SRC` (cc, or
// c++ for C++ sources, when cc is empty; cc and cflags are split like a shell would split them).
// The event says what ran and carries the compiler's output verbatim (warnings too). A source
// the compiler rejects gives a *CompileError; a compiler that cannot be run gives another error.
func Compile(ctx context.Context, src, cc, cflags, outDir string) (CompileEvent, error) {
	cxx, ok := sourceLang(src)
	if !ok {
		return CompileEvent{}, fmt.Errorf("compile %s: not a C or C++ source (.c, .cc, .cpp, .cxx)", src)
	}
	if _, err := os.Stat(src); err != nil {
		return CompileEvent{}, fmt.Errorf("compile: %w", err)
	}
	ccWords, err := SplitWords(cc)
	if err != nil {
		return CompileEvent{}, fmt.Errorf("--cc %q: %w", cc, err)
	}
	if len(ccWords) == 0 {
		ccWords = []string{"cc"}
		if cxx {
			ccWords = []string{"c++"}
		}
	}
	flagWords, err := SplitWords(cflags)
	if err != nil {
		return CompileEvent{}, fmt.Errorf("--cflags %q: %w", cflags, err)
	}
	name := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))
	if name == "" {
		name = "program"
	}
	bin := filepath.Join(outDir, name)
	args := append(append([]string{}, ccWords[1:]...), "-g", "-O0", "-Wall")
	args = append(args, flagWords...)
	args = append(args, "-o", bin, src)
	cmd := exec.CommandContext(ctx, ccWords[0], args...)
	// The compiler's temp files go to outDir (removed with the session) and the driver runs in
	// its own process group, so that cancelling stops cc1, as and ld too (SIGTERM lets the driver
	// delete its temp files; SIGKILL follows if it lingers) and nothing is left running.
	cmd.Env = append(os.Environ(), "TMPDIR="+outDir)
	groupCommand(cmd)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	ev := CompileEvent{Command: ShellJoin(append([]string{ccWords[0]}, args...))}
	runErr := cmd.Run()
	if cmd.Process != nil {
		reapGroup(cmd.Process.Pid)
	}
	ev.Output = out.String()
	if runErr != nil {
		var ee *exec.ExitError
		if errors.As(runErr, &ee) {
			os.Remove(bin)
			return ev, &CompileError{Command: ev.Command, Output: ev.Output, Err: runErr}
		}
		return ev, fmt.Errorf("run compiler %s: %w", ccWords[0], runErr)
	}
	// The program may run as an unprivileged user: let it read and execute its binary.
	if err := os.Chmod(bin, 0o755); err != nil {
		return ev, fmt.Errorf("compile: %w", err)
	}
	ev.OK = true
	ev.Binary = bin
	return ev, nil
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
