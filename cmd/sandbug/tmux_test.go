package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/sandbug/sandbug/internal/testbin"
)

// fakeTmux puts a `tmux` on PATH that logs each call and answers `tmux info` with tc (or
// nothing), and returns the environment of a terminal inside tmux that uses it, and the log.
// TERM alone says 256 colours: only `tmux info` can raise the profile to 24-bit colour.
func fakeTmux(t *testing.T, tc bool) ([]string, string) {
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	answer := ""
	if tc {
		answer = `echo "197: Tc: (flag) true"`
	}
	script := "#!/bin/sh\necho \"$@\" >>" + log + "\n" + answer + "\n"
	if err := os.WriteFile(filepath.Join(dir, "tmux"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "TMUX", "TERM", "COLORTERM", "NO_COLOR", "CLICOLOR_FORCE", "PATH":
		default:
			env = append(env, kv)
		}
	}
	env = append(env, "TMUX=/tmp/tmux-0/fake,1,0", "TERM=xterm-256color", "PATH="+dir+":"+os.Getenv("PATH"))
	return env, log
}

func tmuxCalls(log string) []string {
	b, err := os.ReadFile(log)
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

// TestNoTmuxInfoBeforeMain: inside tmux, on a terminal, `sandbug version` (and so every
// command) starts without running `tmux info`, which lipgloss would otherwise run while the
// packages are initialised (internal/tmuxhide): 20-40 ms of every start on a slow machine.
func TestNoTmuxInfoBeforeMain(t *testing.T) {
	env, log := fakeTmux(t, true)
	cmd := exec.Command(testbin.Sandbug(t), "version")
	cmd.Env = env
	f, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, _ := io.ReadAll(f) // EIO once sandbug has exited
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sandbug version: %v: %q", err, out)
	}
	if !strings.Contains(string(out), "sandbug ") {
		t.Fatalf("output %q", out)
	}
	if calls := tmuxCalls(log); calls != nil {
		t.Fatalf("sandbug version ran tmux: %q", calls)
	}
}

// TestTUIColoursFromTmux: the terminal UI still asks tmux, once, whether it passes 24-bit
// colour on (with TMUX restored after start-up), and draws in 24-bit colour only when it does.
func TestTUIColoursFromTmux(t *testing.T) {
	prog := testbin.CompileC(t, "tmuxcolours", "int main(void) { return 0; }\n", "-g", "-O0")
	for _, tc := range []bool{true, false} {
		env, log := fakeTmux(t, tc)
		cmd := exec.Command(testbin.Sandbug(t), prog)
		cmd.Env = env
		cmd.Dir = filepath.Dir(prog)
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
		if err != nil {
			t.Fatal(err)
		}
		var out lockedBuffer
		done := make(chan struct{})
		go func() { io.Copy(&out, f); close(done) }()
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(out.String(), "in main()") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case <-waited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("sandbug still runs 15 s after SIGTERM")
		}
		f.Close()
		<-done
		s := out.String()
		if !strings.Contains(s, "in main()") {
			t.Fatalf("Tc=%v: the UI never showed main: %q", tc, s)
		}
		if calls := tmuxCalls(log); len(calls) != 1 || calls[0] != "info" {
			t.Errorf("Tc=%v: tmux calls %q, want one `tmux info`", tc, calls)
		}
		// 24-bit colour is SGR 38;2;R;G;B (or 48;2 for backgrounds); 256 colours 38;5;N.
		truecolor := strings.Contains(s, "38;2;") || strings.Contains(s, "48;2;")
		if truecolor != tc {
			t.Errorf("Tc=%v: 24-bit colour sequences drawn: %v", tc, truecolor)
		}
		if !tc && !strings.Contains(s, "38;5;") {
			t.Errorf("Tc=false: no 256-colour sequences either")
		}
	}
}
