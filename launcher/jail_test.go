package launcher

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper"
)

// srcJail tries what the jail must refuse (a file in a world-writable folder outside it, a
// signal to its parent) and what it must allow (its private TMPDIR, its working folder).
const srcJail = `#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *try_create(const char *path) {
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return strerror(errno);
	close(fd);
	unlink(path);
	return "ok";
}

int main(int argc, char **argv) {
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s/t", getenv("TMPDIR") ? getenv("TMPDIR") : "/nonexistent");
	printf("tmpdir=%s\n", try_create(tmp));
	printf("outside=%s\n", try_create(argv[1]));
	printf("cwd=%s\n", try_create("cwd-file"));
	printf("kill-parent=%s\n", kill(getppid(), 0) == 0 ? "ok" : strerror(errno));
	return 0;
}
`

// outsideFile is a path in a fresh world-writable folder: only the jail keeps the program out.
func outsideFile(t *testing.T) string {
	return filepath.Join(testbin.WorldDir(t), "outside")
}

// worldDir is a working folder the program (nobody, when the tests run as root) may write.
func worldCwd(t *testing.T) string { return testbin.WorldDir(t) }

func checkJail(t *testing.T, j *Jail, tcp wrapper.JailState) {
	t.Helper()
	if j == nil {
		t.Fatal("the wrapper reported no jail")
	}
	if j.ABI < 6 {
		t.Skipf("this kernel's Landlock ABI is %d; these checks need 6 (scopes)", j.ABI)
	}
	if j.Files != wrapper.JailEnforced || j.Signals != wrapper.JailEnforced || j.Sockets != wrapper.JailEnforced || j.TCP != tcp {
		t.Fatalf("jail report %+v; want files, signals, sockets enforced and tcp %s", *j, tcp)
	}
	if j.TmpDir == "" || !strings.HasPrefix(j.TmpDir, os.TempDir()) {
		t.Errorf("private tmpdir %q", j.TmpDir)
	}
}

func TestRunJail(t *testing.T) {
	prog := program(t, "jail", srcJail)
	for _, tc := range []struct {
		profile string
		noJail  bool
		tcp     wrapper.JailState
		want    string
	}{
		{"default", false, wrapper.JailOpen, "tmpdir=ok\noutside=Permission denied\ncwd=ok\nkill-parent=Operation not permitted\n"},
		{"strict", false, wrapper.JailEnforced, "tmpdir=ok\noutside=Permission denied\ncwd=ok\nkill-parent=Operation not permitted\n"},
		// The control: without the jail the same program writes outside and signals its parent
		// (EPERM here only when uids differ, as when the tests run as root).
		{"default", true, wrapper.JailOff, "tmpdir=ok\noutside=ok\ncwd=ok\n"},
	} {
		t.Run(fmt.Sprintf("%s/nojail=%v", tc.profile, tc.noJail), func(t *testing.T) {
			cfg := baseConfig(t, prog, outsideFile(t))
			cfg.Dir = worldCwd(t)
			cfg.Profile = tc.profile
			cfg.NoJail = tc.noJail
			s, err := StartRun(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			c := collect(t, s, 30e9)
			if c.exit == nil || c.exit.Kind != KindExited || c.exit.Code != 0 {
				t.Fatalf("exit %+v; events %s", c.exit, c.describe())
			}
			out := c.output.String()
			if !strings.HasPrefix(out, tc.want) {
				t.Fatalf("output %q, want it to start with %q", out, tc.want)
			}
			j := s.Jail()
			if tc.noJail {
				if j == nil || j.Files != wrapper.JailOff || !strings.Contains(j.Summary(), "off") {
					t.Fatalf("--no-jail reported %+v", j)
				}
				return
			}
			checkJail(t, j, tc.tcp)
			s.Close()
			if _, err := os.Stat(j.TmpDir); !os.IsNotExist(err) {
				t.Errorf("private tmpdir %s left behind (%v)", j.TmpDir, err)
			}
		})
	}
}

// TestDebugJail: with the jail on, gdb (outside the domain) still stops at main and steps, and
// the program inside is jailed as in run mode.
func TestDebugJail(t *testing.T) {
	prog := program(t, "jail", srcJail)
	cfg := baseConfig(t, prog, outsideFile(t))
	cfg.Dir = worldCwd(t)
	cfg.StopAtBlocked = true
	r := startDebug(t, cfg)
	st := r.stopped()
	if st == nil || st.Frame.Func != "main" {
		t.Fatalf("first stop %+v; events %s", st, r.c.describe())
	}
	line := st.Source.Line
	if err := r.s.Next(); err != nil {
		t.Fatal(err)
	}
	st = r.stopped()
	if st == nil || st.Frame.Func != "main" || st.Source.Line <= line {
		t.Fatalf("after next: %+v (was line %d)", st, line)
	}
	checkJail(t, r.s.Jail(), wrapper.JailOpen)
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	if ex := r.exit(); ex.Kind != KindExited || ex.Code != 0 {
		t.Fatalf("exit %+v", ex)
	}
	out := strings.ReplaceAll(r.c.output.String(), "\r\n", "\n")
	if !strings.Contains(out, "outside=Permission denied\n") || !strings.Contains(out, "kill-parent=Operation not permitted\n") || !strings.Contains(out, "tmpdir=ok\n") {
		t.Fatalf("output %q", out)
	}
}

// TestRunJailPolicySections: a policy file's filesystem and jail sections reach the wrapper:
// the folder it opens is writable, and TCP is denied under an otherwise default policy.
func TestRunJailPolicySections(t *testing.T) {
	prog := program(t, "jail", srcJail)
	outside := outsideFile(t)
	pol := filepath.Join(testbin.WorldDir(t), "p.yaml")
	y := "name: sections\ndefault: allow\nrules: []\nfilesystem:\n  write: [" + filepath.Dir(outside) + "]\njail: {tcp: deny}\n"
	if err := os.WriteFile(pol, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := baseConfig(t, prog, outside)
	cfg.Dir = worldCwd(t)
	cfg.PolicyFile = pol
	s, err := StartRun(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := collect(t, s, 30e9)
	if !strings.Contains(c.output.String(), "outside=ok\n") {
		t.Fatalf("the policy's write folder was not opened: %q; events %s", c.output.String(), c.describe())
	}
	checkJail(t, s.Jail(), wrapper.JailEnforced)
}
