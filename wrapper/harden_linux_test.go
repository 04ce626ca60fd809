package wrapper

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// hardenEnv makes the test binary a launcher stand-in: "harden" calls HardenSelf first,
// "plain" does not (both with the Landlock jail off, to test HardenSelf alone); "jail" does not
// either but keeps the jail on. Then it runs the hand-filter wrapper (itself, childEnv) around
// os.Args[1:] and relays its output.
const hardenEnv = "SANDBUG_WRAPPER_TEST_HARDEN"

// hardenUID is the unprivileged uid the launcher stand-in, the wrapper and the program share.
const hardenUID = 4242

func runHardenChild(mode string) int {
	if mode == "harden" {
		if err := HardenSelf(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, hardenEnv+"=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = append(env, childEnv+"=errno")
	if mode != "jail" {
		cmd.Env = append(cmd.Env, "SANDBUG_WRAPPER_TEST_NOJAIL=1")
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "wrapper:", err)
		return 3
	}
	return cmd.ProcessState.ExitCode() // the program's (proc_mem exits 1 when its attack worked)
}

// procMemProgram builds the hostile proc_mem program into dir (reachable by hardenUID).
func procMemProgram(t *testing.T, dir string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "hostile", "proc_mem.c"))
	if err != nil {
		t.Fatal(err)
	}
	inc, err := filepath.Abs(filepath.Join("testdata", "hostile"))
	if err != nil {
		t.Fatal(err)
	}
	return copyExecutable(t, testbin.CompileC(t, "proc_mem", string(src), "-I", inc), dir)
}

func copyExecutable(t *testing.T, from, dir string) string {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	to := filepath.Join(dir, filepath.Base(from))
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return to
}

// resultLine returns the program's RESULT line.
func resultLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "RESULT ") {
			return l
		}
	}
	return ""
}

// TestHardenSelf: a sandboxed program running as its launcher's uid opens /proc/<launcher>/mem
// for writing. Against a plain launcher (the control) it succeeds; after HardenSelf the kernel
// refuses it with EACCES. The launcher here is a copy of the test binary run as an
// unprivileged uid, starting the hand-filter wrapper, which execs the program as that uid.
func TestHardenSelf(t *testing.T) {
	needRoot(t) // to run the stand-in as another uid; as root CAP_SYS_PTRACE would open anything
	dir := testbin.WorldDir(t)
	self := copyExecutable(t, os.Args[0], dir)
	prog := procMemProgram(t, dir)
	// "jail": without HardenSelf, Landlock's ptrace scoping alone refuses it.
	for _, tc := range []struct{ mode, want string }{{"plain", "success"}, {"harden", "errno=EACCES"}, {"jail", "errno=EACCES"}} {
		t.Run(tc.mode, func(t *testing.T) {
			cmd := exec.Command(self, prog)
			cmd.Env = append(os.Environ(), hardenEnv+"="+tc.mode)
			cmd.Dir = dir
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: hardenUID, Gid: hardenUID}}
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			res := resultLine(out.String())
			if res == "" || exitCode(err) > 1 {
				t.Fatalf("launcher stand-in: %v\nstdout: %s\nstderr: %s", err, out.String(), errb.String())
			}
			if !strings.Contains(res, " "+tc.want+" ") {
				t.Fatalf("want %s; got %q (stderr %q)", tc.want, res, errb.String())
			}
			if want := "path=/proc/" + strconv.Itoa(cmd.Process.Pid) + "/mem"; !strings.Contains(res, want) {
				t.Errorf("the program attacked something else than its launcher (%s): %q", want, res)
			}
		})
	}
}

// TestGDBHardenArgs: under real gdb started with GDBHardenArgs, the program (same uid as gdb)
// cannot open /proc/<gdb pid>/mem, and gdb still debugs it: a breakpoint in main hits and the
// program runs on to its end. The control without the arguments opens it.
func TestGDBHardenArgs(t *testing.T) {
	needRoot(t) // to run gdb as an unprivileged uid (as root the program could open anything)
	gdb := testbin.NeedTool(t, "gdb")
	if out, err := exec.Command(gdb, "-nx", "-batch", "-ex", "python print('py-ok')").CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "py-ok") {
		t.Skipf("this gdb has no Python (%v: %s): GDBHardenArgs cannot work with it", err, out)
	}
	dir := testbin.WorldDir(t)
	prog := procMemProgram(t, dir)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{{"control", nil, "success"}, {"hardened", GDBHardenArgs(), "errno=EACCES"}} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"-nx", "-batch"}, tc.args...),
				"-ex", "break main", "-ex", "run", "-ex", "python print('STOPPED-AT', gdb.selected_frame().name())",
				"-ex", "continue", "--args", prog)
			cmd := exec.Command(gdb, args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "SHELL=/bin/sh", "HOME="+dir)
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: hardenUID, Gid: hardenUID}}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("gdb: %v\n%s", err, out)
			}
			text := string(out)
			if !strings.Contains(text, "STOPPED-AT main") {
				t.Fatalf("the breakpoint in main did not hit:\n%s", text)
			}
			res := resultLine(text)
			if !strings.Contains(res, " "+tc.want+" ") {
				t.Fatalf("want %s; got %q\n%s", tc.want, res, text)
			}
			if want := "path=/proc/" + strconv.Itoa(cmd.Process.Pid) + "/mem"; !strings.Contains(res, want) {
				t.Errorf("the program attacked something else than gdb (%s): %q", want, res)
			}
			if !strings.Contains(text, "exited normally") && !strings.Contains(text, "exited with code") {
				t.Errorf("the program did not run to its end under gdb:\n%s", text)
			}
		})
	}
}
