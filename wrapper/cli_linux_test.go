package wrapper

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// TestWrapperReachesExecUnderEachProfile runs the real wrapper under every built-in profile,
// alone and with a supervisor, with limits set (so prlimit64 runs under the filter too): the
// program must start sandboxed, and nothing the wrapper or the Go runtime does between the
// filter and execve may be denied (a supervisor would report it).
func TestWrapperReachesExecUnderEachProfile(t *testing.T) {
	status := fixture(t, "status")
	for _, name := range policy.ProfileNames() {
		for _, notify := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/notify=%v", name, notify), func(t *testing.T) {
				args := []string{"--profile", name, "--limit", "nofile=33,cpu=5s,mem=1G,fsize=64M,core=0"}
				var c *collector
				if notify {
					p, err := policy.Profile(name)
					if err != nil {
						t.Fatal(err)
					}
					var sup *Supervisor
					sup, c = newSupervisor(t, SupervisorConfig{Policy: p})
					args = append(args, "--notify", sup.SocketPath())
				}
				r := runWrapper(t, append(args, "--", status, "x")...)
				if r.err != nil {
					t.Fatalf("wrapper under %s: %v\nstderr: %s", name, r.err, r.stderr)
				}
				for _, want := range []string{"NoNewPrivs=1\n", "Seccomp=2\n", "Seccomp_filters=1\n", "nofile=33\n", "cpu=5/6\n", "arg=x\n"} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("output lacks %q:\n%s", want, r.stdout)
					}
				}
				// Neither the notify socket nor the listener reaches the program.
				if strings.Contains(r.stdout, "socket:") || strings.Contains(r.stdout, "anon_inode:") {
					t.Errorf("the program inherited a wrapper fd:\n%s", r.stdout)
				}
				if c != nil {
					evs := c.waitFor(t, "detach", func(e Event) bool { return e.Kind == EventDetached })
					for _, e := range evs {
						if e.Kind != EventAttached && e.Kind != EventDetached {
							t.Errorf("unexpected event under %s:\n%s", name, dumpEvents([]Event{e}))
						}
					}
				}
			})
		}
	}
}

func TestWrapperPrivileges(t *testing.T) {
	needRoot(t)
	status := fixture(t, "status")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "uid=65534\ngid=65534\n"},
		{[]string{"--user", "root"}, "uid=0\ngid=0\n"},
		{[]string{"--user", "0"}, "uid=0\ngid=0\n"},
		{[]string{"--user", "4242"}, "uid=4242\ngid=4242\n"},
		{[]string{"--user", "nobody"}, "uid=65534\n"},
	} {
		r := runWrapper(t, append(tc.args, "--", status)...)
		if r.err != nil || !strings.Contains(r.stdout, tc.want) || !strings.Contains(r.stdout, "Seccomp=2\n") {
			t.Errorf("wrapper %v: %v, output %q (want %q), stderr %q", tc.args, r.err, r.stdout, tc.want, r.stderr)
		}
	}
	// The supplementary groups are gone too.
	r := runWrapper(t, "--", "/usr/bin/id")
	if r.err != nil || strings.TrimSpace(r.stdout) != "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)" &&
		!strings.HasPrefix(r.stdout, "uid=65534(nobody) gid=65534(nogroup) groups=65534") {
		t.Errorf("id as nobody: %v %q %q", r.err, r.stdout, r.stderr)
	}
}

func TestWrapperCLI(t *testing.T) {
	r := runWrapper(t, "--help")
	if r.err != nil || !strings.Contains(r.stdout, "--print-profile NAME") || !strings.Contains(r.stdout, "127  PROGRAM was not found") {
		t.Errorf("--help: %v %q", r.err, r.stdout)
	}
	for _, name := range policy.ProfileNames() {
		r := runWrapper(t, "--print-profile", name)
		if r.err != nil {
			t.Fatalf("--print-profile %s: %v %s", name, r.err, r.stderr)
		}
		p, err := policy.Parse([]byte(r.stdout))
		if err != nil || p.Name != name {
			t.Errorf("--print-profile %s does not parse back: %v", name, err)
		}
		// The printed profile works as a --policy file.
		f := filepath.Join(testbin.WorldDir(t), name+".yaml")
		os.WriteFile(f, []byte(r.stdout), 0o644)
		if r := runWrapper(t, "--policy", f, "--", "/bin/true"); r.err != nil {
			t.Errorf("--policy from --print-profile %s: %v %s", name, r.err, r.stderr)
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--bogus", "--", "/bin/true"}, ExitSetup, "flag provided but not defined"},
		{[]string{}, ExitSetup, "no program"},
		{[]string{"--print-profile", "nope"}, ExitSetup, "--print-profile"},
		{[]string{"--policy", "a.yaml", "--profile", "strict", "--", "/bin/true"}, ExitSetup, "not both"},
		{[]string{"--limit", "nofile=0", "--", "/bin/true"}, ExitSetup, "positive"},
		{[]string{"--", "/nonexistent/prog"}, ExitNotFound, "no such file"},
		{[]string{"--", "/etc"}, ExitNotExecutable, "is a directory"},
		{[]string{"--", "/etc/passwd"}, ExitNotExecutable, "permission denied"},
		{[]string{"--no-jail", "--require-jail", "--", "/bin/true"}, ExitSetup, "exclude each other"},
		{[]string{"--allow-write", "relative", "--", "/bin/true"}, ExitSetup, "not an absolute path"},
		{[]string{"--tmpdir", "relative", "--", "/bin/true"}, ExitSetup, "not an absolute path"},
		// Fail closed: granting / defeats the file jail, which the files probe sees.
		{[]string{"--require-jail", "--allow-read", "/", "--", "/bin/true"}, ExitSetup, "the jail is required but files did not hold"},
	} {
		r := runWrapper(t, tc.args...)
		if got := exitCode(r.err); got != tc.code || !strings.HasPrefix(r.stderr, "sandbug-wrapper: ") ||
			strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("wrapper %v: exit %d (want %d), stderr %q (want one line mentioning %q)", tc.args, got, tc.code, r.stderr, tc.msg)
		}
	}
}

// TestWrapperAsGDBExecWrapper runs the wrapper the way gdb does (through the shell), stops at a
// breakpoint in main and checks that the program is sandboxed there.
func TestWrapperAsGDBExecWrapper(t *testing.T) {
	gdb := testbin.NeedTool(t, "gdb")
	status := fixture(t, "status")
	w := testbin.Wrapper(t)
	cmd := exec.Command(gdb, "-nx", "-batch",
		"-ex", "set startup-with-shell on",
		"-ex", "set exec-wrapper "+w+" --profile default",
		"-ex", "break main",
		"-ex", "run",
		"-ex", "info inferiors",
		"-ex", `python import gdb; print("PID=%d" % gdb.selected_inferior().pid)`,
		"-ex", `python print(open("/proc/%d/status" % gdb.selected_inferior().pid).read())`,
		"-ex", "continue",
		status)
	cmd.Env = append(os.Environ(), "SHELL=/bin/sh", "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	s := string(out)
	if err != nil {
		t.Fatalf("gdb: %v\n%s", err, s)
	}
	for _, want := range []string{"Breakpoint 1, main", "Seccomp:\t2\n", "NoNewPrivs:\t1\n", "Seccomp=2\n", "exited normally"} {
		if !strings.Contains(s, want) {
			t.Errorf("gdb transcript lacks %q:\n%s", want, s)
		}
	}
}

// TestWrapperNotifyUnderGDB: gdb starts the wrapper with --notify as its exec-wrapper; the
// program's denied calls are answered by the supervisor while gdb debugs it. As a launcher
// does it: the supervisor requires its token, which is in gdb's environment (the wrapper
// inherits it and removes it from the program's), and gdb runs hardened (GDBHardenArgs).
func TestWrapperNotifyUnderGDB(t *testing.T) {
	gdb := testbin.NeedTool(t, "gdb")
	denied := fixture(t, "denied")
	sup, c := newSupervisor(t, SupervisorConfig{RequireToken: true})
	args := append(GDBHardenArgs(), "-nx", "-batch",
		"-ex", "set startup-with-shell on",
		"-ex", "set exec-wrapper "+testbin.Wrapper(t)+" --notify "+sup.SocketPath()+" --profile default",
		"-ex", "break main",
		"-ex", "run",
		"-ex", `python print("ENVIRON=" + open("/proc/%d/environ" % gdb.selected_inferior().pid).read().replace(chr(0), " "))`,
		"-ex", "continue",
		"--args", denied, "3")
	cmd := exec.Command(gdb, args...)
	cmd.Env = append(append(os.Environ(), "SHELL=/bin/sh", "LC_ALL=C.UTF-8"), sup.Env()...)
	out, err := cmd.CombinedOutput()
	s := string(out)
	if err != nil || !strings.Contains(s, "Breakpoint 1, main") || !strings.Contains(s, "eperm=3 other=0") {
		t.Fatalf("gdb: %v\n%s", err, s)
	}
	if !strings.Contains(s, "ENVIRON=") || strings.Contains(s, TokenEnv) || strings.Contains(s, sup.Token()) {
		t.Errorf("the program's environment should be shown and lack the token:\n%s", s)
	}
	evs := c.waitFor(t, "detach", func(e Event) bool { return e.Kind == EventDetached })
	n := 0
	for _, e := range evs {
		if e.Kind == EventBlocked && e.Syscall == "personality" {
			n += e.Count
		}
	}
	if n != 3 {
		t.Errorf("want 3 blocked personality calls:\n%s", dumpEvents(evs))
	}
}
