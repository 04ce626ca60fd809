package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// srcJailed reports, from inside the jail, a read of the user's secret and a signal to its
// parent (gdb).
const srcJailed = `#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
	int fd = open(argv[1], O_RDONLY);
	int e1 = fd < 0 ? errno : 0;
	int k = kill(getppid(), 0);
	int e2 = k < 0 ? errno : 0;
	printf("secret=%d/%d kill_gdb=%d/%d\n", fd, e1, k, e2);
	return 0;
}
`

// TestOrdinaryUserJailUnderGDB: an ordinary user debugging with gdb and the wrapper as its
// exec-wrapper (what `sandbug debug` sets up): gdb, outside the Landlock domain, still stops at
// main and steps, while the program inside it cannot read the user's secret nor signal gdb.
func TestOrdinaryUserJailUnderGDB(t *testing.T) {
	needUnprivRun(t)
	gdb := testbin.NeedTool(t, "gdb")
	home := userHome(t)
	work := filepath.Join(home, "work")
	src := filepath.Join(work, "jailed.c")
	if err := os.WriteFile(src, []byte(srcJailed), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(work, "jailed")
	if out, err := exec.Command("cc", "-g", "-O0", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v %s", err, out)
	}
	os.Chown(bin, userUID, userUID)
	secret := filepath.Join(home, ".ssh", "id_rsa")
	cmd := exec.Command(gdb, "-nx", "-batch",
		"-ex", "set startup-with-shell on",
		"-ex", "set exec-wrapper "+testbin.Wrapper(t)+" --profile default --",
		"-ex", "break main", "-ex", "run", "-ex", "next", "-ex", "print fd", "-ex", "continue",
		"--args", bin, secret)
	cmd.Dir = work
	cmd.Env = []string{"HOME=" + home, "SHELL=/bin/sh", "PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C.UTF-8"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: userUID, Gid: userUID}}
	out, err := cmd.CombinedOutput()
	s := string(out)
	if err != nil {
		t.Fatalf("gdb as uid %d: %v\n%s", userUID, err, s)
	}
	for _, want := range []string{
		"Breakpoint 1, main",         // gdb stopped the jailed program
		"$1 = -1",                    // and stepped over the open, which failed
		"secret=-1/13 kill_gdb=-1/1", // EACCES on the secret, EPERM on gdb (Landlock's scopes)
		"exited normally",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("gdb's output lacks %q:\n%s", want, s)
		}
	}
}
