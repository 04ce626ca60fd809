package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// srcHog uses 1 MiB after 1 MiB and, like most student programs, gives up with status 2 when
// malloc returns NULL; with "nocheck" it writes through the NULL and dies of SIGSEGV.
const srcHog = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
	int check = argc < 2;
	for (int mb = 0; mb < 1 << 16; mb++) {
		char *p = malloc(1 << 20);
		if (check && !p) { fprintf(stderr, "out of memory after %d MiB\n", mb); return 2; }
		memset(p, 1, 1 << 20);
	}
	return 0;
}
`

// srcBomb is a fork bomb bounded in time: every process forks for 20 s, then exits.
const srcBomb = `#include <time.h>
#include <unistd.h>
int main(void) {
	time_t end = time(0) + 20;
	while (time(0) < end)
		fork();
	return 0;
}
`

// limitCase is one program run with the default limits, once with --json and once for the card.
type limitCase struct {
	name, src, profile string
	args               []string
	limit, card        string // the report's exit.limit; words the card must hold
}

// TestDefaultLimitsStopAndName: with no --limit at all, a fork bomb and memory hogs are stopped
// by the profile's default limits and named in the JSON report and on the card, as root (the
// program runs as nobody) and as an ordinary uid, whose other processes must not eat the
// program's process allowance (the limit is relative).
func TestDefaultLimitsStopAndName(t *testing.T) {
	needUnprivRun(t)
	testbin.NeedTool(t, "unshare")
	testbin.NeedTool(t, "setpriv")
	cases := []limitCase{
		{"hog", srcHog, "strict", nil, "mem", "memory limit of 512M reached: an allocation failed and the program exited with status 2"},
		{"hog-nocheck", srcHog, "strict", []string{"nocheck"}, "mem", "stopped: memory limit of 512M reached"},
		{"bomb", srcBomb, "default", nil, "nproc", "stopped: process count limit (64 processes and threads beyond those the user already runs) reached"},
	}
	for _, as := range []string{"root", "user"} {
		t.Run(as, func(t *testing.T) {
			dir := testbin.WorldDir(t)
			if as == "user" {
				// The user's other programs: 40 of them, more than an absolute limit would leave.
				for i := 0; i < 40; i++ {
					c := exec.Command("setpriv", "--reuid", strconv.Itoa(userUID), "--regid", strconv.Itoa(userUID), "--clear-groups", "sleep", "60")
					if err := c.Start(); err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { c.Process.Kill(); c.Wait() })
				}
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					src := filepath.Join(dir, tc.name+".c")
					if err := os.WriteFile(src, []byte(tc.src), 0o644); err != nil {
						t.Fatal(err)
					}
					var rep struct {
						Exit struct{ Kind, Limit, Summary string }
					}
					out, _ := runBounded(t, as, dir, append([]string{"run", "--json", "--profile", tc.profile, "--timeout", "60s", src}, tc.args...))
					if err := json.Unmarshal(out, &rep); err != nil {
						t.Fatalf("--json: %v\n%s", err, out)
					}
					if rep.Exit.Kind != "limit" || rep.Exit.Limit != tc.limit {
						t.Errorf("JSON exit %+v, want kind limit, limit %s", rep.Exit, tc.limit)
					}
					_, card := runBounded(t, as, dir, append([]string{"run", "--profile", tc.profile, "--timeout", "60s", src}, tc.args...))
					if !strings.Contains(card, tc.card) {
						t.Errorf("the card does not say %q:\n%s", tc.card, card)
					}
				})
			}
		})
	}
}

// runBounded runs sandbug and returns its stdout and stderr. As root (the program runs as
// nobody) in a new pid namespace, whose end kills a bomb's leftovers. As userUID in this
// namespace: the kernel enforces the process limit on it, and the user's 40 sleepers must be
// visible in /proc for the relative limit (in a new namespace they would not be, and the
// program would get 40 processes fewer than it should).
func runBounded(t *testing.T, as, dir string, args []string) (stdout []byte, stderr string) {
	t.Helper()
	argv := []string{"unshare", "--pid", "--fork", "--mount-proc", "--kill-child"}
	if as == "user" {
		argv = []string{"setpriv", "--reuid", strconv.Itoa(userUID), "--regid", strconv.Itoa(userUID), "--clear-groups"}
	}
	argv = append(argv, testbin.Sandbug(t))
	cmd := exec.Command(argv[0], append(argv[1:], args...)...)
	cmd.Dir = dir
	// A private TMPDIR: sandbug sweeps stale temporary folders of dead pids from it, and in a
	// new pid namespace every pid outside looks dead (it removed a concurrent test's live
	// supervisor socket when the shared /tmp was used).
	tmp := filepath.Join(dir, "tmp-"+as)
	if err := os.MkdirAll(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(tmp, 0o777)
	cmd.Env = []string{"HOME=" + dir, "PATH=/usr/local/bin:/usr/bin:/bin", "TMPDIR=" + tmp}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Run() // the program's failure is sandbug's status: the report says the rest
	return out.Bytes(), errb.String()
}
