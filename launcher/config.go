package launcher

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/sandbug/sandbug/wrapper"
)

// IOMode says how the program's standard streams are connected in a run session. Debug
// sessions always use IOPty.
type IOMode int

// I/O modes.
const (
	// IOPty gives the program a new pseudo-terminal of Rows x Cols as stdin, stdout and stderr
	// (its controlling terminal): its output arrives as OutputEvents and Input types into it.
	IOPty IOMode = iota
	// IOPipe connects stdout and stderr to one pipe whose bytes arrive as OutputEvents, byte for
	// byte; stdin is Config.Stdin when set, else a pipe fed by Input (closed by CloseInput).
	IOPipe
	// IOFiles hands Config.Stdin, Stdout and Stderr to the program as they are (nil ones become
	// /dev/null): nothing passes through the session, so output is exact and costs nothing.
	IOFiles
)

// Config says what to run and how. The zero value of each field means the default.
type Config struct {
	Program string   // binary path or name in $PATH, or a .c/.cc/.cpp source (compiled first)
	Args    []string // the program's arguments (without argv[0])
	// Sources are more C/C++ sources compiled and linked with a source Program (sandbug a.c b.c).
	Sources []string

	CC, CFlags string // compiler (default cc, c++ for C++) and extra flags, split like a shell
	// Sanitize builds a source Program with the sanitizers' run-time checks (--sanitize); their
	// reports become the crash reading. With AddressSanitizer, Limits.Mem is enforced by ASan
	// (soft_rss_limit_mb) instead of RLIMIT_AS; leaks are never checked (SanitizerNotes).
	Sanitize Sanitize

	// Make builds the program with the student's Makefile (sandbug --make) before each session
	// starts; Program is then the plan's Program. See DiscoverMake.
	Make *MakePlan

	Profile    string         // built-in policy profile (default "default"); ignored with PolicyFile
	PolicyFile string         // a policy YAML file
	Limits     wrapper.Limits // resource limits set by the wrapper
	Timeout    time.Duration  // wall-clock limit; in debug sessions it pauses while stopped
	User       string         // user to run the program as (wrapper --user); "" = wrapper default

	// The Landlock jail (wrapper --no-jail, --require-jail, --allow-read, --allow-write,
	// --keep-env). Every session gets a private TMPDIR, removed with the session.
	NoJail, RequireJail bool
	// NoCrashTrace turns off run mode's crash reading (the launcher seizing the program with
	// ptrace for its signal stops): the exit then names the signal but not where or why. For
	// measuring its cost; debug sessions read crashes through gdb either way.
	NoCrashTrace bool
	AllowRead    []string
	AllowWrite   []string
	KeepEnv      bool

	// StopAtBlocked (debug sessions) stops the program at each call the sandbox denies, to show
	// it and let the user choose the outcome. Off, denied calls behave exactly as in run mode.
	StopAtBlocked bool

	// FollowForks (debug sessions) says which processes gdb keeps when the program forks:
	// "" or "parent" (gdb's default: follow the parent, detach the child), "child" (follow
	// the child, detach the parent), "all" (keep every process under the debugger, each a gdb
	// inferior; breakpoints apply to all, a stop in any selects it). See FollowForksModes.
	FollowForks string

	LogMI       string   // file to write the raw gdb/MI traffic to
	WrapperPath string   // sandbug-wrapper; default: next to os.Executable, then $PATH
	GDB         string   // gdb binary; default "gdb"
	Dir         string   // working directory of the program (default: the current one)
	Env         []string // program environment; nil = the launcher's own

	Rows, Cols int // program pty size (default 24x80)

	// Run sessions only: how stdin/stdout/stderr are connected (see IOMode).
	IO                    IOMode
	Stdin, Stdout, Stderr *os.File
}

// DefaultProfile is the policy profile used when Config names none.
const DefaultProfile = "default"

// FindWrapper returns the sandbug-wrapper binary to use: explicit when set, else the one next to
// the running executable, else the one in $PATH.
func FindWrapper(explicit string) (string, error) {
	if explicit != "" {
		p, err := exec.LookPath(explicit)
		if err != nil {
			return "", fmt.Errorf("wrapper %s: %w", explicit, err)
		}
		return filepath.Abs(p)
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "sandbug-wrapper")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	p, err := exec.LookPath("sandbug-wrapper")
	if err != nil {
		return "", errors.New("sandbug-wrapper not found next to this program nor in $PATH (use --wrapper PATH)")
	}
	return filepath.Abs(p)
}

// AllSources returns the sources to compile: Program and Sources, or nil when Program is not a
// source.
func (c Config) AllSources() []string {
	if !IsSource(c.Program) {
		return nil
	}
	return append([]string{c.Program}, c.Sources...)
}
