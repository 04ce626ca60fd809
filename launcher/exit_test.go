package launcher

import (
	"regexp"
	"strings"
	"testing"
)

func TestExitStatusSummary(t *testing.T) {
	tests := []struct {
		name string
		s    ExitStatus
		want string
		code int
	}{
		{"exit0", ExitStatus{Kind: KindExited, Code: 0}, "exited normally (status 0)", 0},
		{"user-stop", ExitStatus{Kind: KindStopped, Signal: "SIGKILL"}, "stopped by you: sandbug killed it (SIGKILL)", 137},
		{"exit3", ExitStatus{Kind: KindExited, Code: 3}, "exited with status 3", 3},
		{"exit10", ExitStatus{Kind: KindExited, Code: 10}, "exited with status 10", 10},
		{"exit255", ExitStatus{Kind: KindExited, Code: 255}, "exited with status 255", 255},
		{"mem-exit", ExitStatus{Kind: KindLimit, Limit: LimitMem, LimitValue: "1G", Code: 2},
			"memory limit of 1G reached: an allocation failed and the program exited with status 2", 2},
		{"mem-segv", ExitStatus{Kind: KindLimit, Limit: LimitMem, LimitValue: "64M", Signal: "SIGSEGV"},
			"stopped: memory limit of 64M reached", 139},
		{"nproc-rel", ExitStatus{Kind: KindLimit, Limit: LimitNProc, LimitValue: "+64", Signal: "SIGKILL"},
			"stopped: process count limit (64 processes and threads beyond those the user already runs) reached", 137},
		{"segv", ExitStatus{Kind: KindSignaled, Signal: "SIGSEGV", Where: "list.c:41 in push()"},
			"terminated by SIGSEGV (segmentation fault: invalid memory access) at list.c:41 in push()", 139},
		{"abort-core", ExitStatus{Kind: KindSignaled, Signal: "SIGABRT", Core: true},
			"terminated by SIGABRT (aborted, as by abort() or a failed assert) (core dumped)", 134},
		{"own-desc", ExitStatus{Kind: KindSignaled, Signal: "SIGFPE", SignalDesc: "division by zero"},
			"terminated by SIGFPE (division by zero)", 136},
		{"rt", ExitStatus{Kind: KindSignaled, Signal: "SIGRTMIN+2"}, "terminated by SIGRTMIN+2 (real-time signal)", 128 + 36},
		{"no-signal-name", ExitStatus{Kind: KindSignaled}, "terminated by a signal", 137},
		{"sandbox-kill", ExitStatus{Kind: KindSandboxKilled, Syscall: "ptrace", Rule: "debugging", Where: "demo.c:12 in main()", Signal: "SIGSYS"},
			"killed by the sandbox: ptrace is not allowed (rule \u201cdebugging\u201d, demo.c:12 in main())", 159},
		{"sandbox-kill-sigkill", ExitStatus{Kind: KindSandboxKilled, Syscall: "ptrace", Signal: "SIGKILL"},
			"killed by the sandbox: ptrace is not allowed", 137},
		{"sandbox-kill-bare", ExitStatus{Kind: KindSandboxKilled},
			"killed by the sandbox: a forbidden system call", 159},
		{"cpu", ExitStatus{Kind: KindLimit, Limit: LimitCPU, LimitValue: "2s", Signal: "SIGXCPU"},
			"stopped: CPU time limit of 2s reached", 152},
		{"fsize", ExitStatus{Kind: KindLimit, Limit: LimitFSize, LimitValue: "16M", Signal: "SIGXFSZ"},
			"stopped: file size limit of 16M reached", 153},
		{"mem", ExitStatus{Kind: KindLimit, Limit: LimitMem, LimitValue: "256M", Signal: "SIGSEGV"},
			"stopped: memory limit of 256M reached", 139},
		{"wall", ExitStatus{Kind: KindLimit, Limit: LimitWall, LimitValue: "5s", Signal: "SIGKILL"},
			"stopped: wall-clock time limit of 5s reached", 137},
		{"nproc", ExitStatus{Kind: KindLimit, Limit: LimitNProc}, "stopped: process count limit reached", 137},
		{"nofile", ExitStatus{Kind: KindLimit, Limit: LimitNoFile, LimitValue: "64"}, "stopped: open file limit of 64 reached", 137},
		{"wrapper125", ExitStatus{Kind: KindSandboxError, Code: 125, Message: "seccomp: operation not permitted\nmore"},
			"the sandbox could not start the program: seccomp: operation not permitted", 125},
		{"wrapper126", ExitStatus{Kind: KindSandboxError, Code: 126, Message: "/tmp/x: permission denied"},
			"the program could not be executed: /tmp/x: permission denied", 126},
		{"wrapper127", ExitStatus{Kind: KindSandboxError, Code: 127, Message: "nope: no such file"},
			"the program was not found: nope: no such file", 127},
		{"wrapper-other", ExitStatus{Kind: KindSandboxError, Code: 1}, "the sandbox could not start the program", 125},
		{"compile", ExitStatus{Kind: KindCompileError, Message: "x.c:1: error: ..."},
			"compilation failed: the program was not run (see the compiler's messages)", 125},
		{"none", ExitStatus{}, "has not ended", 125},
	}
	octal := regexp.MustCompile(`\b0[0-7]+\b`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.s.Summary()
			if got != tc.want {
				t.Errorf("Summary() = %q, want %q", got, tc.want)
			}
			if octal.MatchString(got) {
				t.Errorf("Summary() %q contains an octal-looking number", got)
			}
			if c := tc.s.ShellCode(); c != tc.code {
				t.Errorf("ShellCode() = %d, want %d", c, tc.code)
			}
		})
	}
}

func TestSignalTable(t *testing.T) {
	for n := 1; n <= 64; n++ {
		if n == 32 || n == 33 {
			continue // reserved by glibc
		}
		name := SignalName(n)
		if got := SignalNumber(name); got != n {
			t.Errorf("SignalNumber(SignalName(%d)=%q) = %d", n, name, got)
		}
		if SignalMeaning(name) == "" {
			t.Errorf("SignalMeaning(%q) is empty", name)
		}
	}
	if SignalNumber("segv") != 11 || SignalNumber("SIGIOT") != 6 || SignalNumber("bogus") != 0 {
		t.Error("SignalNumber aliases")
	}
	if !strings.HasPrefix(SignalName(99), "signal ") {
		t.Errorf("SignalName(99) = %q", SignalName(99))
	}
}

func TestStopSummary(t *testing.T) {
	f := Frame{File: "demo.c", Line: 12, Func: "main"}
	tests := []struct {
		s    Stop
		want string
	}{
		{Stop{Reason: "breakpoint-hit", BkptNo: 2, Frame: f}, "stopped at breakpoint 2 at demo.c:12 in main()"},
		{Stop{Reason: "breakpoint-hit", BkptNo: 1, Entry: true, Frame: f}, "stopped before main runs at demo.c:12 in main()"},
		{Stop{Reason: "end-stepping-range", Frame: f}, "stepped to demo.c:12 in main()"},
		{Stop{Reason: "signal-received", Signal: "SIGSEGV", Frame: f}, "stopped by SIGSEGV (segmentation fault: invalid memory access) at demo.c:12 in main()"},
		{Stop{Reason: "blocked-syscall", Blocked: &Blocked{Syscall: "ptrace"}, Frame: Frame{From: "libc.so.6", Func: "ptrace"}, Source: f},
			"stopped at a blocked call to ptrace at demo.c:12 in main()"},
	}
	for _, tc := range tests {
		if got := tc.s.Summary(); got != tc.want {
			t.Errorf("Summary() = %q, want %q", got, tc.want)
		}
	}
}
