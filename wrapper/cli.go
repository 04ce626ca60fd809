package wrapper

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"golang.org/x/net/bpf"

	"github.com/sandbug/sandbug/wrapper/keeper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// Usage is the text of sandbug-wrapper --help.
const Usage = `usage: sandbug-wrapper [--policy FILE | --profile NAME] [--notify SOCKET]
                       [--limit cpu=2s,mem=256M,fsize=16M,nofile=64,nproc=64,core=0]
                       [--user NAME|UID] [--no-jail | --require-jail] [--allow-read PATH]
                       [--allow-write PATH] [--tmpdir DIR] [--keep-env] -- PROGRAM [ARGS...]
       sandbug-wrapper --print-profile NAME
       sandbug-wrapper --keeper [--session setsid|pgid|foreground|inherit] [--exit-with-child]
                       -- CMD [ARGS...]

Runs PROGRAM (looked up in PATH) inside a seccomp sandbox and a Landlock jail: drops
privileges, sets no_new_privs, restricts files, TCP (strict), signals and abstract sockets
with Landlock, installs the policy's filter on itself, sets the limits and execs PROGRAM exactly
once, with the environment it was given minus the session variables (SSH_AUTH_SOCK, DISPLAY,
...). Use it directly or as gdb's exec-wrapper.

  --profile NAME        built-in policy: default, strict or permissive (default: default)
  --policy FILE         policy YAML file (start from --print-profile output)
  --notify SOCKET       hand the seccomp listener to the supervisor at SOCKET, which reports and
                        answers denied calls; without it the kernel answers them, unreported
  --limit k=v,...       cpu (seconds: SIGXCPU, SIGKILL a second later), mem (address space),
                        fsize (largest file written), nofile, nproc, core; sizes take K/M/G/T
  --user NAME|UID       run PROGRAM as this user; started as root the default is nobody
                        (65534), and --user root keeps root
  --no-jail             no Landlock jail (files, TCP, signal and socket scopes): seccomp only
  --require-jail        fail (125) when the kernel cannot enforce every part of the jail;
                        the strict profile requires it
  --allow-read PATH     let the program read (and execute) PATH too; repeatable
  --allow-write PATH    let the program read and write PATH too; repeatable
  --tmpdir DIR          the program's private temporary folder: read-write, TMPDIR=DIR
  --keep-env            keep SSH_AUTH_SOCK, DISPLAY, DBUS_SESSION_BUS_ADDRESS and the other
                        session variables (dropped unless the profile is permissive)
  --print-profile NAME  write the built-in profile NAME as YAML to stdout and exit
  --keeper              (sandbug's own use) sandbug-keeper's job, where that binary is missing:
                        run CMD as a child subreaper that kills everything below it when sandbug
                        closes the control socket on fd 3 or dies

Exit status: PROGRAM's own, or when the wrapper itself fails (one line on stderr starting with
"sandbug-wrapper: ", and a JSON error message on the --notify socket):
  125  the sandbox could not be set up (bad flag, policy or limit, kernel refusal)
  126  PROGRAM was found but cannot be executed
  127  PROGRAM was not found
`

// Main runs the sandbug-wrapper command with args (without the command name). It returns an
// exit status only when it did not exec the program. The caller must have locked its OS thread
// (cmd/sandbug-wrapper does so in init).
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "--keeper" {
		return keeper.Run(args[1:], stderr)
	}
	fs := flag.NewFlagSet("sandbug-wrapper", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		policyFile   = fs.String("policy", "", "")
		profile      = fs.String("profile", "", "")
		notify       = fs.String("notify", "", "")
		limitSpec    = fs.String("limit", "", "")
		user         = fs.String("user", "", "")
		printProfile = fs.String("print-profile", "", "")
		noJail       = fs.Bool("no-jail", false, "")
		requireJail  = fs.Bool("require-jail", false, "")
		keepEnv      = fs.Bool("keep-env", false, "")
		tmpDir       = fs.String("tmpdir", "", "")
		jail         = &JailConfig{}
	)
	fs.Func("allow-read", "", func(p string) error { return addPath(&jail.Read, p) })
	fs.Func("allow-write", "", func(p string) error { return addPath(&jail.Write, p) })
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "sandbug-wrapper: %s\n", strings.ReplaceAll(fmt.Sprintf(format, a...), "\n", " "))
		return ExitSetup
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stdout, Usage)
			return 0
		}
		return fail("%v (see --help)", err)
	}
	if *printProfile != "" {
		p, err := policy.Profile(*printProfile)
		if err != nil {
			return fail("--print-profile: %v", err)
		}
		y, err := p.Marshal()
		if err != nil {
			return fail("--print-profile %s: %v", *printProfile, err)
		}
		stdout.Write(y)
		return 0
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return fail("no program given (usage: sandbug-wrapper [flags] -- PROGRAM [ARGS...])")
	}
	limits, limitErr := ParseLimits(*limitSpec)
	jail.Off, jail.Require, jail.TmpDir = *noJail, *requireJail, *tmpDir
	if jail.Off && jail.Require {
		return fail("--no-jail and --require-jail exclude each other")
	}
	if *tmpDir != "" && !filepath.IsAbs(*tmpDir) {
		return fail("--tmpdir %s: not an absolute path", *tmpDir)
	}
	cfg := ExecConfig{
		Program:      rest[0],
		Args:         rest[1:],
		NotifySocket: *notify,
		Limits:       limits,
		User:         *user,
		Stderr:       stderr,
		Jail:         jail,
		Filter: func(notify bool) ([]bpf.RawInstruction, string, error) {
			if limitErr != nil {
				return nil, "", fmt.Errorf("--limit: %w", limitErr)
			}
			p, err := loadPolicy(*policyFile, *profile)
			if err != nil {
				return nil, "", err
			}
			// The policy's jail adds to the flags; --no-jail still wins, visibly.
			jail.Read = append(jail.Read, p.Jail.Read...)
			jail.Write = append(jail.Write, p.Jail.Write...)
			jail.DenyTCP = jail.DenyTCP || p.Jail.DenyTCP
			jail.Require = jail.Require || (p.Jail.Require && !jail.Off)
			prog, err := p.Compile(policy.CompileOptions{Notify: notify, NotifyFailedExit: notify && limits.Mem > 0})
			if err != nil {
				return nil, "", fmt.Errorf("policy %s: %w", p.Name, err)
			}
			return prog, p.Name, nil
		},
	}
	cfg.KeepEnv = *keepEnv || *profile == "permissive"
	return Exec(cfg).Code
}

// addPath appends an absolute path given to --allow-read or --allow-write.
func addPath(dst *[]string, p string) error {
	if !filepath.IsAbs(p) {
		return fmt.Errorf("%q is not an absolute path", p)
	}
	*dst = append(*dst, filepath.Clean(p))
	return nil
}

func loadPolicy(file, profile string) (*policy.Policy, error) {
	switch {
	case file != "" && profile != "":
		return nil, errors.New("give --policy or --profile, not both")
	case file != "":
		p, err := policy.Load(file)
		if err != nil {
			return nil, fmt.Errorf("--policy: %w", err)
		}
		if p.Name == "" {
			p.Name = file
		}
		return p, nil
	}
	if profile == "" {
		profile = "default"
	}
	p, err := policy.Profile(profile)
	if err != nil {
		return nil, fmt.Errorf("--profile: %w", err)
	}
	return p, nil
}
