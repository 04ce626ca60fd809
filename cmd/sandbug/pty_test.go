package main

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/sandbug/sandbug/internal/testbin"
)

// TestRunOnATerminal runs `sandbug run` with a terminal as stdin and stdout: the program gets a
// terminal of the same size, keys typed reach it, and the exit card follows its output.
func TestRunOnATerminal(t *testing.T) {
	prog := testbin.CompileC(t, "ttyecho", `#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
int main(void) {
	struct winsize ws;
	ioctl(0, TIOCGWINSZ, &ws);
	printf("tty=%d size=%dx%d\n", isatty(1), ws.ws_row, ws.ws_col);
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof line, stdin)) return 1;
	printf("read %s", line);
	return 4;
}
`)
	cmd := exec.Command(testbin.Sandbug(t), "run", prog)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 33, Cols: 101})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out lockedBuffer
	done := make(chan struct{})
	go func() { io.Copy(&out, f); close(done) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "size=") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	f.Write([]byte("hello\r"))
	err = cmd.Wait()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	var ee *exec.ExitError
	if !errorsAs(err, &ee) || ee.ExitCode() != 4 {
		t.Fatalf("status %v; output %q", err, out.String())
	}
	s := out.String()
	for _, want := range []string{"tty=1 size=33x101", "read hello", "exited with status 4"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q: %q", want, s)
		}
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRunTerminalInPipeOut: stdin is sandbug's controlling terminal, stdout a pipe (as in
// `sandbug run prog | less`): the program gets the terminal as its stdin, becomes the foreground
// job so that it can read it, and sandbug takes the terminal back afterwards.
func TestRunTerminalInPipeOut(t *testing.T) {
	prog := testbin.CompileC(t, "readline", `#include <stdio.h>
#include <unistd.h>
int main(void) {
	char line[64];
	printf("stdin-tty=%d stdout-tty=%d\n", isatty(0), isatty(1));
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin)) return 1;
	printf("read %s", line);
	return 0;
}
`)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	cmd := exec.Command(testbin.Sandbug(t), "run", prog)
	cmd.Stdin = tty
	var out, errb lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, ptmx)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "stdin-tty") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	ptmx.Write([]byte("from the keyboard\n"))
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Fatalf("sandbug: %v; stdout %q stderr %q", err, out.String(), errb.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("hung; stdout %q stderr %q", out.String(), errb.String())
	}
	if s := out.String(); !strings.Contains(s, "stdin-tty=1 stdout-tty=0") || !strings.Contains(s, "read from the keyboard") {
		t.Errorf("stdout %q", s)
	}
}
