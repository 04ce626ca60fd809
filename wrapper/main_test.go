package wrapper

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// The test binary doubles as a minimal wrapper (the os/exec helper-process pattern): with
// childEnv set it calls Exec with a hand-written filter instead of running tests, so the real
// kernel effects are exercised in a child process and never on the test binary itself.
const childEnv = "SANDBUG_WRAPPER_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runTestChild(mode))
	}
	if mode := os.Getenv(hardenEnv); mode != "" {
		os.Exit(runHardenChild(mode))
	}
	testbin.Main(m)
}

// runTestChild reads its settings from SANDBUG_WRAPPER_TEST_* variables (removed from the
// program's environment) and os.Args[1:] = PROGRAM ARGS...
func runTestChild(mode string) int {
	var env []string
	get := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "SANDBUG_WRAPPER_TEST_") {
			get[k] = v
			continue
		}
		env = append(env, kv)
	}
	lim, err := ParseLimits(get["SANDBUG_WRAPPER_TEST_LIMITS"])
	if err != nil {
		fmt.Fprintf(os.Stderr, "sandbug-wrapper: %v\n", err)
		return ExitSetup
	}
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "sandbug-wrapper: no program")
		return ExitSetup
	}
	xerr := Exec(ExecConfig{
		Program: os.Args[1], Args: os.Args[2:], Env: env,
		Filter: func(notify bool) ([]bpf.RawInstruction, string, error) {
			return handFilter(mode, notify), "hand-" + mode, nil
		},
		NotifySocket: get["SANDBUG_WRAPPER_TEST_NOTIFY"],
		Limits:       lim,
		User:         get["SANDBUG_WRAPPER_TEST_USER"],
		Jail:         testJail(get),
	})
	return xerr.Code
}

// handFilter is a tiny hand-written filter: kill any non-x86_64 call, deny personality (EPERM,
// or a user notification when notify), allow the rest.
func handFilter(mode string, notify bool) []bpf.RawInstruction {
	deny := uint32(unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM))
	if notify {
		deny = unix.SECCOMP_RET_USER_NOTIF
	}
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: 4, Size: 4}, // seccomp_data.arch
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0xC000003E, SkipFalse: 3},
		bpf.LoadAbsolute{Off: 0, Size: 4}, // seccomp_data.nr
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(unix.SYS_PERSONALITY), SkipFalse: 2},
		bpf.RetConstant{Val: deny},
		bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS},
		bpf.RetConstant{Val: unix.SECCOMP_RET_ALLOW},
	}
	if mode == "broken" { // a filter the kernel refuses: falls off the end
		prog = prog[:4]
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		panic(err)
	}
	return raw
}

// needRoot skips tests that change uids (they need the privilege the wrapper drops).
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch users")
	}
}

func exitCode(err error) int {
	if ee, ok := err.(interface{ ExitCode() int }); ok {
		return ee.ExitCode()
	}
	return -1
}

func signalOf(err error) syscall.Signal {
	if ee, ok := err.(interface{ Sys() any }); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return ws.Signal()
		}
	}
	return 0
}

func fmtSscan(s string, n *int) (int, error) { return fmt.Sscanf(s, "forked=%d", n) }

// testJail reads the hand wrapper's jail: SANDBUG_WRAPPER_TEST_NOJAIL=1 turns it off,
// SANDBUG_WRAPPER_TEST_WRITE=DIR opens DIR read-write.
func testJail(get map[string]string) *JailConfig {
	j := &JailConfig{Off: get["SANDBUG_WRAPPER_TEST_NOJAIL"] == "1"}
	if d := get["SANDBUG_WRAPPER_TEST_WRITE"]; d != "" {
		j.Write = []string{d}
	}
	return j
}
