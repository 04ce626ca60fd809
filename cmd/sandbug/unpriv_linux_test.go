package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper"
)

// userUID is the ordinary user the tests run sandbug as (no passwd entry needed).
const userUID = 4343

// srcEscape tries, as the user's own uid, every escape the jail must stop; one line each:
// "name=ok" or "name=<errno name>". argv: victim pid, TCP port of a listener outside
// [, anything: do not SIGKILL the parent].
const srcEscape = `#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static void res(const char *name, int r) {
	printf("%s=%s\n", name, r < 0 ? strerrorname_np(errno) : "ok");
	fflush(stdout);
}

static int try_open(const char *path, int flags) {
	int fd = open(path, flags, 0644);
	if (fd >= 0) close(fd);
	return fd;
}

int main(int argc, char **argv) {
	int victim = atoi(argv[1]), port = atoi(argv[2]);
	char p[4096];
	const char *home = getenv("HOME");
	snprintf(p, sizeof p, "/proc/%d/mem", victim);
	res("victim_mem", try_open(p, O_RDWR));
	snprintf(p, sizeof p, "/proc/%d/environ", victim);
	res("victim_environ", try_open(p, O_RDONLY));
	snprintf(p, sizeof p, "%s/.ssh/id_rsa", home);
	res("ssh_key", try_open(p, O_RDONLY));
	snprintf(p, sizeof p, "%s/.bashrc", home);
	res("bashrc_append", try_open(p, O_WRONLY | O_APPEND));
	snprintf(p, sizeof p, "/tmp/sandbug-escape-%d", (int)getpid());
	res("tmp_create", try_open(p, O_CREAT | O_WRONLY));
	snprintf(p, sizeof p, "/dev/shm/sandbug-escape-%d", (int)getpid());
	res("shm_create", try_open(p, O_CREAT | O_WRONLY));
	struct rlimit zero = {0, 0};
	res("prlimit_parent", prlimit(getppid(), RLIMIT_FSIZE, &zero, NULL));
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	res("tcp_connect", s < 0 ? s : connect(s, (struct sockaddr *)&a, sizeof a));
	res("kill_victim", kill(victim, SIGKILL));
	if (argc < 4) /* the --no-jail control passes "spare-parent" */
		res("kill_parent", kill(getppid(), SIGKILL));
	res("env_ssh_auth_sock", getenv("SSH_AUTH_SOCK") ? 0 : (errno = ENOENT, -1));
	return 0;
}
`

// needUnprivRun skips, saying why, when this machine cannot run these tests: they need root to
// switch to an ordinary uid, and a kernel with Landlock ABI 6 (scopes).
func needUnprivRun(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to start sandbug as an ordinary uid (CI runs as root)")
	}
	v, err := ll.LandlockGetABIVersion()
	if err != nil || v < 6 {
		t.Skipf("this kernel's Landlock ABI is %d (%v): the jail's scopes need ABI 6 (Linux 6.12)", v, err)
	}
	testbin.NeedTool(t, "cc")
}

// userHome makes a fake home of userUID holding secrets, world-traversable like a real one.
func userHome(t *testing.T) string {
	home := filepath.Join(testbin.WorldDir(t), "home")
	for _, d := range []string{home, home + "/.ssh", home + "/work"} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, mode := range map[string]os.FileMode{".ssh/id_rsa": 0o600, ".bashrc": 0o644} {
		if err := os.WriteFile(filepath.Join(home, name), []byte("secret "+name+"\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	filepath.Walk(home, func(p string, _ os.FileInfo, _ error) error { return os.Chown(p, userUID, userUID) })
	return home
}

type escapeRun struct {
	lines  map[string]string
	report map[string]any
	stderr string
}

// runEscape runs the escape program with `sandbug run --json --profile PROFILE` as userUID.
func runEscape(t *testing.T, profile string) escapeRun {
	t.Helper()
	home := userHome(t)
	src := filepath.Join(home, "work", "escape.c")
	if err := os.WriteFile(src, []byte(srcEscape), 0o644); err != nil {
		t.Fatal(err)
	}
	cred := &syscall.Credential{Uid: userUID, Gid: userUID}
	victim := exec.Command("sleep", "60")
	victim.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { victim.Process.Kill(); victim.Wait() })
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	cmd := exec.Command(testbin.Sandbug(t), "run", "--json", "--profile", profile, "--timeout", "20s", src,
		fmt.Sprint(victim.Process.Pid), fmt.Sprint(port))
	cmd.Dir = filepath.Join(home, "work")
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/local/bin:/usr/bin:/bin", "SSH_AUTH_SOCK=/run/user/4343/ssh-agent"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("sandbug as uid %d: %v (sandbug itself must survive the program)\nstdout %s\nstderr %s", userUID, err, out.String(), errb.String())
	}
	r := escapeRun{lines: map[string]string{}, stderr: errb.String()}
	for _, l := range strings.Split(errb.String(), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), "="); ok {
			r.lines[k] = v
		}
	}
	if err := json.Unmarshal(out.Bytes(), &r.report); err != nil {
		t.Fatalf("--json: %v\n%s", err, out.String())
	}
	if err := victim.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the victim (a process of the same user) died: %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(home, ".bashrc"))
	if string(b) != "secret .bashrc\n" {
		t.Errorf("~/.bashrc changed: %q", b)
	}
	for _, pat := range []string{"/tmp/sandbug-escape-*", "/dev/shm/sandbug-escape-*"} {
		if m, _ := filepath.Glob(pat); len(m) > 0 {
			t.Errorf("the program left %v", m)
			for _, f := range m {
				os.Remove(f)
			}
		}
	}
	return r
}

// TestOrdinaryUserJail: started by an ordinary user, with a victim process of that same user,
// the program cannot kill, read or write other processes, read the user's secrets, change
// their shell start-up, write to /tmp or /dev/shm, change sandbug's limits, find the ssh-agent,
// or (strict) reach TCP; and the report says which parts of the jail were in force.
func TestOrdinaryUserJail(t *testing.T) {
	needUnprivRun(t)
	for _, tc := range []struct {
		profile, tcp, tcpResult string
	}{
		{"default", "open", "ok"},       // the network stays open under default: shown, not hidden
		{"strict", "enforced", "EPERM"}, // seccomp refuses AF_INET first; Landlock would (EACCES)
	} {
		t.Run(tc.profile, func(t *testing.T) {
			r := runEscape(t, tc.profile)
			want := map[string]string{
				"victim_mem": "EACCES", "victim_environ": "EACCES", "ssh_key": "EACCES", "bashrc_append": "EACCES",
				"tmp_create": "EACCES", "shm_create": "EACCES", "prlimit_parent": "EPERM", "tcp_connect": tc.tcpResult,
				"kill_victim": "EPERM", "kill_parent": "EPERM", "env_ssh_auth_sock": "ENOENT",
			}
			for k, v := range want {
				if r.lines[k] != v {
					t.Errorf("%s = %q, want %s", k, r.lines[k], v)
				}
			}
			sb := r.report["sandbox"].(map[string]any)
			j, _ := sb["jail"].(map[string]any)
			if j == nil || j["files"] != string(wrapper.JailEnforced) || j["signals"] != string(wrapper.JailEnforced) ||
				j["abstract_sockets"] != string(wrapper.JailEnforced) || j["tcp"] != tc.tcp || j["abi"].(float64) < 6 {
				t.Errorf("report's jail %v; want files, signals, abstract sockets enforced and tcp %s", j, tc.tcp)
			}
			if r.report["exit"].(map[string]any)["kind"] != "exited" {
				t.Errorf("exit %v", r.report["exit"])
			}
			found := false
			for _, b := range r.report["blocked"].([]any) {
				b := b.(map[string]any)
				if b["syscall"] == "prlimit64" && b["rule"] == "other processes' limits and scheduling" && b["errno"] == "EPERM" {
					found = true
				}
			}
			if !found {
				t.Errorf("prlimit64 on sandbug not reported as blocked: %v", r.report["blocked"])
			}
			if t.Failed() {
				t.Logf("program output and card:\n%s", r.stderr)
			}
		})
	}
}

// TestOrdinaryUserNoJailControl: the same program with --no-jail reaches what the jail closes
// (the control that shows the test can fail), and the report says the jail was off.
func TestOrdinaryUserNoJailControl(t *testing.T) {
	needUnprivRun(t)
	home := userHome(t)
	src := filepath.Join(home, "work", "escape.c")
	if err := os.WriteFile(src, []byte(srcEscape), 0o644); err != nil {
		t.Fatal(err)
	}
	cred := &syscall.Credential{Uid: userUID, Gid: userUID}
	cmd := exec.Command(testbin.Sandbug(t), "run", "--json", "--no-jail", src, "1", "9", "spare-parent")
	cmd.Dir = filepath.Join(home, "work")
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/local/bin:/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if !strings.Contains(errb.String(), "ssh_key=ok") || !strings.Contains(errb.String(), "bashrc_append=ok") {
		t.Errorf("without the jail the user's own files should be open:\n%s", errb.String())
	}
	if !strings.Contains(out.String(), `"files": "off"`) {
		t.Errorf("report does not say the jail was off:\n%s", out.String())
	}
	for _, pat := range []string{"/tmp/sandbug-escape-*", "/dev/shm/sandbug-escape-*"} {
		m, _ := filepath.Glob(pat)
		for _, f := range m {
			os.Remove(f)
		}
	}
}
