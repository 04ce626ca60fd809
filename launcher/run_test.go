package launcher

import (
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/policy"
)

func TestRunExitCodes(t *testing.T) {
	prog := program(t, "exit", srcExit)
	for _, code := range []int{0, 3, 255} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			c := runToEnd(t, baseConfig(t, prog, strconv.Itoa(code)))
			if c.exit.Kind != KindExited || c.exit.Code != code {
				t.Fatalf("exit = %+v, want exited %d", *c.exit, code)
			}
			if want := "exiting with " + strconv.Itoa(code) + "\n"; c.output.String() != want {
				t.Errorf("output %q, want %q", c.output.String(), want)
			}
			if c.verified == nil || !c.verified.OK {
				t.Errorf("sandbox not verified: %+v", c.verified)
			}
			if c.exit.ShellCode() != code {
				t.Errorf("ShellCode %d", c.exit.ShellCode())
			}
		})
	}
}

func TestRunSignals(t *testing.T) {
	for _, tc := range []struct{ name, src, sig string }{
		{"segv", srcSegv, "SIGSEGV"},
		{"abort", srcAbort, "SIGABRT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := runToEnd(t, baseConfig(t, program(t, tc.name, tc.src)))
			if c.exit.Kind != KindSignaled || c.exit.Signal != tc.sig {
				t.Fatalf("exit = %+v, want signaled %s", *c.exit, tc.sig)
			}
			if !strings.Contains(c.exit.Summary(), tc.sig) {
				t.Errorf("summary %q", c.exit.Summary())
			}
		})
	}
}

func TestRunBlockedPtrace(t *testing.T) {
	prog := program(t, "ptrace", srcPtrace)
	t.Run("errno", func(t *testing.T) {
		c := runToEnd(t, baseConfig(t, prog))
		if c.exit.Kind != KindExited || c.exit.Code != 7 {
			t.Fatalf("exit = %+v", *c.exit)
		}
		if !strings.Contains(c.output.String(), "errno 1 (Operation not permitted)") {
			t.Errorf("output %q", c.output.String())
		}
		if len(c.blocked) != 1 {
			t.Fatalf("blocked = %+v", c.blocked)
		}
		b := c.blocked[0]
		if b.Syscall != "ptrace" || b.Action != "errno" || b.ErrnoName != "EPERM" || b.Child || b.Count != 1 {
			t.Errorf("blocked %+v", b)
		}
		if !strings.HasPrefix(b.Call, "ptrace(PTRACE_TRACEME") || b.Explain == "" || b.Rule == "" {
			t.Errorf("call %q explain %q rule %q", b.Call, b.Explain, b.Rule)
		}
	})
	t.Run("kill", func(t *testing.T) {
		cfg := baseConfig(t, prog)
		cfg.PolicyFile = policyWith(t, policy.Action{Kind: policy.Kill})
		c := runToEnd(t, cfg)
		if c.exit.Kind != KindSandboxKilled || c.exit.Syscall != "ptrace" || c.exit.Rule == "" {
			t.Fatalf("exit = %+v", *c.exit)
		}
		if strings.Contains(c.output.String(), "ptrace returned") {
			t.Errorf("program went on after a kill rule: %q", c.output.String())
		}
	})
}

func TestRunChildBlocked(t *testing.T) {
	c := runToEnd(t, baseConfig(t, program(t, "childptrace", srcChildPtrace)))
	if c.exit.Kind != KindExited || c.exit.Code != 0 {
		t.Fatalf("exit = %+v", *c.exit)
	}
	if len(c.blocked) != 1 || !c.blocked[0].Child || c.blocked[0].Syscall != "ptrace" {
		t.Fatalf("blocked = %+v", c.blocked)
	}
	if want := "child " + strconv.Itoa(c.blocked[0].Pid) + ": ptrace returned -1 errno 1"; !strings.Contains(c.output.String(), want) {
		t.Errorf("output %q lacks %q", c.output.String(), want)
	}
}

func TestRunSandboxErrors(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		c := runToEnd(t, baseConfig(t, "/no/such/program"))
		if c.exit.Kind != KindSandboxError || c.exit.Code != 127 || c.exit.Message == "" {
			t.Fatalf("exit = %+v", *c.exit)
		}
	})
	t.Run("bad-user", func(t *testing.T) {
		cfg := baseConfig(t, program(t, "exit", srcExit))
		cfg.User = "no-such-user-xyz"
		c := runToEnd(t, cfg)
		if c.exit.Kind != KindSandboxError || c.exit.Code != 125 || !strings.Contains(c.exit.Message, "no-such-user-xyz") {
			t.Fatalf("exit = %+v", *c.exit)
		}
	})
	t.Run("own-125", func(t *testing.T) {
		// A program that itself exits 125 is not a sandbox error.
		c := runToEnd(t, baseConfig(t, program(t, "exit", srcExit), "125"))
		if c.exit.Kind != KindExited || c.exit.Code != 125 {
			t.Fatalf("exit = %+v", *c.exit)
		}
	})
	t.Run("compile-error", func(t *testing.T) {
		dir := t.TempDir()
		src := dir + "/broken.c"
		writeFile(t, src, "int main(void) { return undefined_thing; }\n")
		c := runToEnd(t, baseConfig(t, src))
		if c.exit.Kind != KindCompileError || !strings.Contains(c.exit.Message, "undefined_thing") {
			t.Fatalf("exit = %+v", *c.exit)
		}
		if c.compile == nil || c.compile.OK {
			t.Errorf("compile event %+v", c.compile)
		}
	})
	t.Run("source", func(t *testing.T) {
		dir := t.TempDir()
		src := dir + "/ok.c"
		writeFile(t, src, srcExit)
		c := runToEnd(t, baseConfig(t, src, "4"))
		if c.exit.Kind != KindExited || c.exit.Code != 4 || c.compile == nil || !c.compile.OK {
			t.Fatalf("exit = %+v compile %+v", *c.exit, c.compile)
		}
	})
}

func TestRunLimits(t *testing.T) {
	t.Run("cpu", func(t *testing.T) {
		cfg := baseConfig(t, program(t, "spin", srcSpin))
		cfg.Limits = wrapper.Limits{CPU: time.Second}
		c := runToEnd(t, cfg)
		if c.exit.Kind != KindLimit || c.exit.Limit != LimitCPU {
			t.Fatalf("exit = %+v", *c.exit)
		}
	})
	t.Run("wall", func(t *testing.T) {
		cfg := baseConfig(t, program(t, "sleeper", srcSleep))
		cfg.Timeout = 500 * time.Millisecond
		start := time.Now()
		c := runToEnd(t, cfg)
		if c.exit.Kind != KindLimit || c.exit.Limit != LimitWall {
			t.Fatalf("exit = %+v", *c.exit)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
		if !strings.Contains(c.output.String(), "sleeping") {
			t.Errorf("output %q", c.output.String())
		}
	})
}

func TestRunOutputByteExact(t *testing.T) {
	prog := program(t, "random", srcRandom)
	const n = 10 << 20
	want, err := exec.Command(prog, strconv.Itoa(n)).Output()
	if err != nil || len(want) != n {
		t.Fatalf("direct run: %d bytes, %v", len(want), err)
	}
	c := runToEnd(t, baseConfig(t, prog, strconv.Itoa(n)))
	if c.exit.Kind != KindExited || c.exit.Code != 0 {
		t.Fatalf("exit %+v", *c.exit)
	}
	if !bytes.Equal(c.output.Bytes(), want) {
		t.Fatalf("output differs: got %d bytes, want %d", c.output.Len(), len(want))
	}
}

func TestRunPTY(t *testing.T) {
	prog := program(t, "echo", srcEcho)
	cfg := baseConfig(t, prog)
	cfg.IO = IOPty
	cfg.Rows, cfg.Cols = 30, 100
	s, err := StartRun(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Input([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	c := collect(t, s, 20*time.Second)
	if c.exit == nil || c.exit.Code != 0 {
		t.Fatalf("exit %+v; %s", c.exit, c.describe())
	}
	// The terminal echoes the line and translates \n to \r\n, as a real one does.
	if !strings.Contains(c.output.String(), "got: hello\r\n") {
		t.Errorf("output %q", c.output.String())
	}
	checkNoLeftovers(t, s)
}
