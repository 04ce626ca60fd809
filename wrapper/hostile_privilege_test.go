package wrapper_test

// Hostile programs against the privilege drop, the resource limits and the wrapper's hand-off:
// what stops these is the uid nobody, no_new_privs, the rlimits, a pid namespace or the
// socket's permissions rather than a seccomp rule. Helpers in hostile_helpers_test.go.

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

// TestHostileProcMem: writing /proc/<ppid>/mem is an open(2) seccomp cannot judge by path. The
// wrapper started as root runs the program as nobody, so the open fails with EACCES.
func TestHostileProcMem(t *testing.T) {
	t.Parallel()
	needRoot(t, "only the root -> nobody drop protects /proc/<ppid>/mem")
	bin := cprog(t, "proc_mem.c")
	ctl := runPlain(t, spec{Argv: []string{bin}})
	if !ctl.Result.Succeeded() {
		t.Fatalf("control: as root, opening the parent's mem for writing should work; %s", ctl)
	}
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if o.Result.Errno() != "EACCES" || o.Code() != 0 {
		t.Fatalf("sandboxed: want open(/proc/<ppid>/mem, O_RDWR) to fail with EACCES; %s", o)
	}
	if want := "/proc/" + strconv.Itoa(os.Getpid()) + "/mem"; o.Result.Fields["path"] != want {
		t.Errorf("the program attacked %s, want its parent's %s", o.Result.Fields["path"], want)
	}
}

// TestHostilePrivDrop: started as root without --user, the wrapper runs the program as nobody
// with no groups and no capabilities, under no_new_privs and one seccomp filter, and the
// program cannot get root back.
func TestHostilePrivDrop(t *testing.T) {
	t.Parallel()
	needRoot(t, "the drop happens only when the wrapper starts as root")
	bin := cprog(t, "privdrop.c")
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if o.Result.Errno() != "EPERM" {
		t.Fatalf("want setuid(0)/setgid(0) to fail with EPERM; %s", o)
	}
	want := map[string]string{
		"Uid": "65534,65534,65534,65534", "Gid": "65534,65534,65534,65534", "Groups": "",
		"CapInh": "0000000000000000", "CapPrm": "0000000000000000", "CapEff": "0000000000000000",
		"CapAmb": "0000000000000000", "NoNewPrivs": "1", "Seccomp": "2", "Seccomp_filters": "1",
	}
	got := map[string]string{}
	for _, line := range strings.Split(o.Stdout, "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "STATUS "), "="); ok && strings.HasPrefix(line, "STATUS ") {
			got[k] = v
		}
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("/proc/self/status %s = %q, want %q", k, g, v)
		}
	}
}

// TestHostileSuidExec: a program run as nobody execs a set-user-ID-root copy of itself. The
// control (nobody, without no_new_privs) gets euid 0; under the wrapper no_new_privs keeps it
// nobody.
func TestHostileSuidExec(t *testing.T) {
	t.Parallel()
	needRoot(t, "making a set-user-ID-root file and running as nobody")
	setpriv := testbin.NeedTool(t, "setpriv")
	bin := cprog(t, "suid_exec.c")
	suid := filepath.Join(testbin.WorldDir(t), "suid_copy")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(suid, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(suid, os.ModeSetuid|0o755); err != nil { // root-owned: the test runs as root
		t.Fatal(err)
	}
	t.Run("control", func(t *testing.T) {
		o := runPlain(t, spec{Argv: []string{bin, suid},
			Prefix: []string{setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"}})
		if !o.Result.Succeeded() {
			t.Fatalf("control: as nobody without no_new_privs the set-user-ID bit should give euid 0 (is %s on a nosuid mount?); %s", suid, o)
		}
	})
	// The jail must let it run the copy (execute beneath its folder) for the bit to matter.
	o := runSandboxed(t, spec{Argv: []string{bin, suid}, Wrapper: []string{"--allow-read", filepath.Dir(suid)}})
	mustAttach(t, o)
	if o.Result.Errno() != "EPERM" || o.Result.Fields["euid"] != strconv.Itoa(nobodyUID) {
		t.Fatalf("want the set-user-ID bit ignored (euid %d); %s", nobodyUID, o)
	}
}

// TestHostileNotifySpoof: the program connects to its own supervisor's socket and forges a
// wrapper error (with the token, if the wrapper let it see one). Run as nobody it cannot even
// reach the socket (0700 directory). With --user root it reaches it, and the supervisor must
// still refuse the forgery: by the token when it requires one, and by the seccomp filter the
// peer runs under otherwise (a launcher that does not pass the token yet).
func TestHostileNotifySpoof(t *testing.T) {
	t.Parallel()
	needRoot(t, "the nobody drop keeps the program out of the socket's directory")
	bin := cprog(t, "notify_spoof.c")
	for _, tc := range []struct {
		name      string
		s         spec
		wantErrno string
	}{
		{"nobody", spec{Argv: []string{bin, socketArg}}, "EACCES"},
		{"root", spec{Argv: []string{bin, socketArg}, User: "root"}, ""},
		{"root/require-token", spec{Argv: []string{bin, socketArg}, User: "root", RequireToken: true}, ""},
		{"root/no-token", spec{Argv: []string{bin, socketArg}, User: "root", NoToken: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := runSandboxed(t, tc.s)
			mustAttach(t, o)
			if tc.wantErrno != "" {
				if o.Result.Errno() != tc.wantErrno {
					t.Fatalf("connecting to the supervisor's socket should fail with %s; %s", tc.wantErrno, o)
				}
			} else if !o.Result.Succeeded() || o.Result.Fields["step"] != "sent" {
				t.Fatalf("as root the program should reach the socket and send its forgery; %s", o)
			}
			if tok := o.Result.Fields["token"]; tok != "" && tok != "none" {
				t.Errorf("the program saw the supervisor's token in its environment (token=%s)", tok)
			}
			for _, e := range o.Events {
				if e.Kind == wrapper.EventWrapperError {
					t.Errorf("the program forged a wrapper error: %s", formatEvent(e))
				}
			}
		})
	}
}

// TestHostileFDLeak: the program gets no descriptor but stdin, stdout and stderr: neither the
// wrapper's own (a leaked seccomp listener would let the program answer its own notifications;
// a leaked notify socket would let it speak to the supervisor) nor any its caller left open
// (the wrapper marks every fd >= 3 close-on-exec). The unsandboxed run shows what the test's
// own parent passes down, which the wrapper must stop too.
func TestHostileFDLeak(t *testing.T) {
	t.Parallel()
	bin := cprog(t, "fd_leak.c")
	base := runPlain(t, spec{Argv: []string{bin}})
	o := runSandboxed(t, spec{Argv: []string{bin}})
	mustAttach(t, o)
	if !o.HasResult || !base.HasResult {
		t.Fatalf("no RESULT line; unsandboxed: %s\nsandboxed: %s", base, o)
	}
	if got := o.Result.Fields["leaked"]; got != "none" {
		t.Errorf("descriptors reached the program through the wrapper: %s", got)
	}
	if base.Result.Fields["leaked"] != "none" {
		t.Logf("the test's own parent leaks %s (stopped by the wrapper)", base.Result.Fields["leaked"])
	}
}

// TestHostileRlimitRaise: the program cannot raise the hard limits the wrapper set (that needs
// CAP_SYS_RESOURCE, which nobody lacks). No control: raising needs CAP_SYS_RESOURCE, which
// even root may not hold in a container.
func TestHostileRlimitRaise(t *testing.T) {
	t.Parallel()
	needRoot(t, "the program keeps CAP_SYS_RESOURCE when the wrapper does not drop to nobody")
	bin := cprog(t, "rlimit_raise.c")
	o := runSandboxed(t, spec{Argv: []string{bin}, Limits: "cpu=1s,mem=64M,fsize=16M,nofile=32,nproc=64"})
	mustAttach(t, o)
	if o.Result.Errno() != "EPERM" {
		t.Fatalf("want raising a hard limit to fail with EPERM; %s", o)
	}
	want := map[string]string{
		"cpu_hard": "2->2", // SIGXCPU at 1 s, SIGKILL a second later
		"mem_hard": "67108864->67108864", "fsize_hard": "16777216->16777216",
		"nofile_hard": "32->32", "nproc_hard": "64->64",
	}
	for k, v := range want {
		if got := o.Result.Fields[k]; got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// TestHostileLimits: the resource limits of --limit stop CPU, memory, file-size and descriptor
// exhaustion. Each control shows the same program passes the limit without the sandbox.
func TestHostileLimits(t *testing.T) {
	t.Run("cpu", func(t *testing.T) {
		t.Parallel()
		bin := cprog(t, "cpu_loop.c")
		ctl := runPlain(t, spec{Argv: []string{bin, "1.2"}})
		if !ctl.Result.Succeeded() {
			t.Fatalf("control: the loop should run 1.2 s of CPU unsandboxed; %s", ctl)
		}
		o := runSandboxed(t, spec{Argv: []string{bin, "5"}, Limits: "cpu=1s"})
		mustAttach(t, o)
		if sig := o.Signal(); sig != syscall.SIGXCPU && sig != syscall.SIGKILL {
			t.Fatalf("want death by SIGXCPU (or SIGKILL at the hard limit) under cpu=1s; %s", o)
		}
		cpu := o.State.UserTime() + o.State.SystemTime()
		t.Logf("killed by %v after %v CPU, %v wall", o.Signal(), cpu.Round(time.Millisecond), o.Elapsed.Round(time.Millisecond))
		// rusage is sampled at scheduler ticks: allow slack around the 1 s limit, far below the 5 s
		// the loop wants.
		if cpu < 500*time.Millisecond || cpu > 3*time.Second {
			t.Errorf("killed after %v of CPU, want about 1 s", cpu)
		}
	})
	t.Run("mem", func(t *testing.T) {
		t.Parallel()
		bin := cprog(t, "memhog.c")
		ctl := runPlain(t, spec{Argv: []string{bin, "256"}})
		if !ctl.Result.Succeeded() {
			t.Fatalf("control: 256 MiB should be allocatable unsandboxed; %s", ctl)
		}
		o := runSandboxed(t, spec{Argv: []string{bin, "1024"}, Limits: "mem=64M"})
		mustAttach(t, o)
		if o.Result.Errno() != "ENOMEM" || o.Code() != 0 {
			t.Fatalf("want malloc to fail (ENOMEM) under mem=64M; %s", o)
		}
		if mb := o.Result.Int("allocated_mb"); mb < 0 || mb >= 64 {
			t.Errorf("allocated %d MiB under a 64 MiB limit", mb)
		}
	})
	t.Run("fsize", func(t *testing.T) {
		t.Parallel()
		bin := cprog(t, "bigwrite.c")
		dir := testbin.WorldDir(t)
		file := filepath.Join(dir, "big")
		ctl := runPlain(t, spec{Argv: []string{bin, file, "24"}})
		if !ctl.Result.Succeeded() || fileSize(file) != 24<<20 {
			t.Fatalf("control: a 24 MiB file should be writable unsandboxed; %s", ctl)
		}
		os.Remove(file)
		o := runSandboxed(t, spec{Argv: []string{bin, file, "1024"}, Limits: "fsize=16M", Wrapper: []string{"--allow-write", dir}})
		mustAttach(t, o)
		if o.Signal() != syscall.SIGXFSZ && o.Result.Errno() != "EFBIG" {
			t.Fatalf("want SIGXFSZ or EFBIG under fsize=16M; %s", o)
		}
		if n := fileSize(file); n > 16<<20 {
			t.Errorf("the file grew to %d bytes past the 16 MiB limit", n)
		}
	})
	t.Run("nofile", func(t *testing.T) {
		t.Parallel()
		bin := cprog(t, "fd_exhaust.c")
		ctl := runPlain(t, spec{Argv: []string{bin, "200"}})
		if !ctl.Result.Succeeded() {
			t.Fatalf("control: 200 descriptors should open unsandboxed; %s", ctl)
		}
		o := runSandboxed(t, spec{Argv: []string{bin, "200"}, Limits: "nofile=32"})
		mustAttach(t, o)
		if o.Result.Errno() != "EMFILE" || o.Code() != 0 {
			t.Fatalf("want EMFILE under nofile=32; %s", o)
		}
		// 0, 1, 2 are taken: the program gets fds 3..31 if nothing leaked.
		if hi := o.Result.Int("highest"); hi != 31 {
			t.Errorf("highest descriptor %d, want 31 under nofile=32", hi)
		}
	})
}

// TestHostileForkBomb runs a bounded fork bomb (2000 forks at most) with --limit nproc=64 in a
// private pid namespace: forks must start failing with EAGAIN well below 2000, and no child may
// outlive the run. No unsandboxed control: it is the one attack we do not want to succeed.
func TestHostileForkBomb(t *testing.T) {
	t.Parallel()
	needRoot(t, "RLIMIT_NPROC binds only the unprivileged uid the wrapper drops to as root")
	prefix := pidNSPrefix(t)
	bin := cprog(t, "forkbomb.c")
	o := runSandboxed(t, spec{Prefix: prefix, Argv: []string{bin, hostPidNS(t)}, Limits: "nproc=64"})
	mustAttach(t, o)
	if !o.HasResult {
		t.Fatalf("no RESULT line; %s", o)
	}
	forks, reaped := o.Result.Int("forks"), o.Result.Int("reaped")
	t.Logf("%s", o.Result.Line)
	if o.Result.Errno() != "EAGAIN" {
		t.Fatalf("want fork to fail with EAGAIN under nproc=64; %s", o)
	}
	// RLIMIT_NPROC counts every process of the uid on the machine (other nobody processes
	// included), so the bound is "at most 64", not "exactly 63".
	if forks < 0 || forks >= 64 {
		t.Errorf("%d forks succeeded, want fewer than 64 (the limit)", forks)
	}
	if reaped != forks {
		t.Errorf("reaped %d children of %d", reaped, forks)
	}
	if left := processesRunning(bin); len(left) != 0 {
		t.Errorf("fork bomb processes outlived the run: %v", left)
	}
}

// killAllScript runs in a private pid namespace as its init: it starts a sibling (sleep), runs
// its arguments (the kill(-1) program, sandboxed or not), then reports whether the sibling
// survived. Dead means gone, a zombie, or SIGKILL pending (a killed process that has not run
// since is still "R"; a zombie not yet reaped would pass kill -0).
const killAllScript = `sleep 60 & s=$!
"$@"; rc=$?
alive() {
	st=$(cat /proc/$s/status 2>/dev/null) || return 1
	case "$st" in *"State:	Z"* | *"State:	X"*) return 1 ;; esac
	for m in $(echo "$st" | sed -n 's/^SigPnd:[[:space:]]*//p; s/^ShdPnd:[[:space:]]*//p'); do
		[ $((0x$m & 256)) -eq 0 ] || return 1
	done
}
if alive; then echo "SIBLING alive"; kill "$s"; else echo "SIBLING dead"; fi
wait
exit $rc`

// TestHostileKillAll: kill(-1, SIGKILL) inside a private pid namespace must leave the sibling
// process alive, because the wrapper runs the program as nobody. The control runs the same
// program as root in its own namespace (confined by the namespace and refused by the program
// itself in the host namespace), where it does kill the sibling.
func TestHostileKillAll(t *testing.T) {
	t.Parallel()
	needRoot(t, "unshare --pid and the root -> nobody drop")
	prefix := append(pidNSPrefix(t), "sh", "-c", killAllScript, "sh")
	bin := cprog(t, "kill_all.c")
	argv := []string{bin, hostPidNS(t)}

	t.Run("control", func(t *testing.T) {
		o := runPlain(t, spec{Prefix: prefix, Argv: argv})
		if !strings.Contains(o.Stdout, "SIBLING dead") || !o.Result.Succeeded() {
			t.Fatalf("control: as root in its namespace kill(-1) should kill the sibling; %s", o)
		}
	})

	o := runSandboxed(t, spec{Prefix: prefix, Argv: argv})
	if !strings.Contains(o.Stdout, "SIBLING alive") {
		t.Fatalf("sandboxed kill(-1, SIGKILL) killed the sibling; %s", o)
	}
	if !o.HasResult {
		t.Fatalf("no RESULT line; %s", o)
	}
	att := mustAttach(t, o)
	// With a rule for kill(-1) the policy refuses it (EPERM, reported). Without one, as nobody
	// the kernel finds the sibling, may signal none, and still returns 0 (kill_something_info
	// ignores EPERM once it found processes): the sibling's survival is then the only verdict.
	pol, err := policy.Profile("default")
	if err != nil {
		t.Fatal(err)
	}
	nr, _ := policy.SyscallNumber("kill")
	if m := pol.Match(policy.AuditArchX86_64, nr, [6]uint64{uint64(^uint32(0)), uint64(syscall.SIGKILL)}); m.Action.Denies() {
		if o.Result.Errno() != "EPERM" {
			t.Fatalf("the profile denies kill(-1) (rule %q), yet the program got %q", m.Rule.Name, o.Result.Outcome)
		}
		mustReport(t, o, "kill", "EPERM", []int{att.Pid})
	} else if !o.Result.Succeeded() {
		t.Errorf("no rule for kill(-1): want the kernel's 0, got %q", o.Result.Line)
	}
}
