package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

// The fault suite: sandbug (SIGKILL, SIGTERM), gdb and the program are killed at each moment of
// a session (compiling, at the start, running, stopped at a breakpoint, stopped at a blocked
// call), in both modes: `sandbug run --json` and the TUI in tmux. Each case checks the report
// (the JSON's exit, or the screen), sandbug's exit status, that every process sandbug had
// started is gone, and that no temporary folder of that sandbug is left (after the next run's
// sweep when sandbug was SIGKILLed and could not clean up).

// faultSrc prints, makes a blocked call, prints again and waits forever. Lines matter: main
// stops at 5, the breakpoint case stops at 6, the blocked call is on 7.
const faultSrc = `#include <stdio.h>
#include <unistd.h>
#include <sys/ptrace.h>
int main(void) {
	printf("ready\n");
	fflush(stdout);
	ptrace(PTRACE_TRACEME, 0, 0, 0);
	printf("past ptrace\n");
	fflush(stdout);
	for (;;) pause();
}
`

// slowCC is a "compiler" that says it started, then never finishes (until killed).
const slowCC = "#!/bin/sh\nd=$(dirname \"$0\")\ntouch \"$d/cc-started\"\nexec tail -f \"$d/cc-started\"\n"

type moment int

const (
	atCompile    moment = iota
	atStart             // run: the program exists; TUI: stopped at main
	atRunning           // past the blocked call, waiting in pause()
	atBreakpoint        // TUI: stopped at a breakpoint on line 6
	atBlocked           // TUI: stopped at the blocked ptrace call
)

func (m moment) String() string {
	return [...]string{"compiling", "at start", "running", "at a breakpoint", "at a blocked call"}[m]
}

type victim int

const (
	killSandbug victim = iota
	killGDB
	killProgram
)

func (v victim) String() string { return [...]string{"sandbug", "gdb", "program"}[v] }

type faultCase struct {
	at  moment
	who victim
	sig syscall.Signal
	// run mode: the JSON exit (kind "" = no report: sandbug was SIGKILLed).
	kind, signal, interrupt string
	// TUI: what the screen must show after the kill (after sandbug's exit when sandbug was the
	// victim).
	screen []string
	// sandbug's exit status; -9 = killed by SIGKILL.
	status int
}

func (c faultCase) name() string {
	return fmt.Sprintf("%s %s %s", c.at, c.who, strings.TrimPrefix(sigName(c.sig), "SIG"))
}

func sigName(s syscall.Signal) string {
	switch s {
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

var runFaults = []faultCase{
	{at: atCompile, who: killSandbug, sig: syscall.SIGTERM, kind: "interrupted", interrupt: "SIGTERM", status: 143},
	{at: atCompile, who: killSandbug, sig: syscall.SIGKILL, status: -9},
	{at: atStart, who: killProgram, sig: syscall.SIGKILL, kind: "signaled", signal: "SIGKILL", status: 137},
	{at: atStart, who: killSandbug, sig: syscall.SIGTERM, kind: "interrupted", signal: "SIGKILL", interrupt: "SIGTERM", status: 143},
	{at: atRunning, who: killProgram, sig: syscall.SIGKILL, kind: "signaled", signal: "SIGKILL", status: 137},
	{at: atRunning, who: killSandbug, sig: syscall.SIGTERM, kind: "interrupted", signal: "SIGKILL", interrupt: "SIGTERM", status: 143},
	{at: atRunning, who: killSandbug, sig: syscall.SIGKILL, status: -9},
}

var gdbEnded = []string{"gdb ended", "gdb was killed by SIGKILL: press F5 to debug again"}

var termed = []string{"sandbug: received SIGTERM: the program and gdb were stopped"}

var tuiFaults = []faultCase{
	{at: atCompile, who: killSandbug, sig: syscall.SIGTERM, screen: termed, status: 143},
	{at: atCompile, who: killSandbug, sig: syscall.SIGKILL, status: -9},
	{at: atStart, who: killGDB, sig: syscall.SIGKILL, screen: gdbEnded, status: 0},
	{at: atStart, who: killProgram, sig: syscall.SIGKILL, screen: []string{"terminated by SIGKILL"}, status: 0},
	{at: atStart, who: killSandbug, sig: syscall.SIGKILL, status: -9},
	{at: atRunning, who: killGDB, sig: syscall.SIGKILL, screen: gdbEnded, status: 0},
	{at: atRunning, who: killProgram, sig: syscall.SIGKILL, screen: []string{"terminated by SIGKILL"}, status: 0},
	{at: atRunning, who: killSandbug, sig: syscall.SIGTERM, screen: termed, status: 143},
	{at: atBreakpoint, who: killGDB, sig: syscall.SIGKILL, screen: gdbEnded, status: 0},
	{at: atBreakpoint, who: killProgram, sig: syscall.SIGKILL, screen: []string{"terminated by SIGKILL"}, status: 0},
	{at: atBlocked, who: killGDB, sig: syscall.SIGKILL, screen: gdbEnded, status: 0},
	{at: atBlocked, who: killProgram, sig: syscall.SIGKILL, screen: []string{"terminated by SIGKILL"}, status: 0},
	{at: atBlocked, who: killSandbug, sig: syscall.SIGTERM, screen: termed, status: 143},
	{at: atBlocked, who: killSandbug, sig: syscall.SIGKILL, status: -9},
}

// TestFaults runs the table in both modes, two cases at a time.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: real gdb, tmux and processes (-short)")
	}
	testbin.NeedTool(t, "gdb")
	testbin.NeedTool(t, "tmux")
	prog := testbin.CompileC(t, "faultprog", faultSrc)
	sb := testbin.Sandbug(t)
	t.Run("run", func(t *testing.T) {
		for _, c := range runFaults {
			t.Run(c.name(), func(t *testing.T) {
				t.Parallel()
				runFault(t, sb, prog, c)
			})
		}
	})
	t.Run("tui", func(t *testing.T) {
		for _, c := range tuiFaults {
			t.Run(c.name(), func(t *testing.T) {
				t.Parallel()
				tuiFault(t, prog, c)
			})
		}
	})
}

// runFault drives `sandbug run --json` to the moment, kills the victim and checks the rest.
func runFault(t *testing.T, sb, prog string, c faultCase) {
	dir := t.TempDir()
	out := filepath.Join(dir, "program-output")
	args := []string{"run", "--json", "--output", out}
	if c.at == atCompile {
		args = append(args, "--cc", writeSlowCC(t, dir), sourceIn(t, dir))
	} else {
		args = append(args, prog)
	}
	cmd := exec.Command(sb, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	ended := make(chan struct{})
	go func() { waited <- cmd.Wait(); close(ended) }()
	defer cmd.Process.Kill()
	sbPid := cmd.Process.Pid
	// sandbug must still run while the test waits for the program: if it ended, say how.
	gone := func() string {
		select {
		case <-ended:
			return fmt.Sprintf("sandbug ended first (%v); stdout %s; stderr %s", cmd.ProcessState, stdout.String(), stderr.String())
		default:
			return ""
		}
	}
	var progPid int
	switch c.at {
	case atCompile:
		poll(t, 10*time.Second, "the compiler to start", func() bool { return exists(filepath.Join(dir, "cc-started")) })
	case atStart:
		progPid = waitDescendant(t, sbPid, filepath.Base(prog), gone)
	case atRunning:
		progPid = waitDescendant(t, sbPid, filepath.Base(prog), gone)
		poll(t, 10*time.Second, "the program's second line", func() bool {
			b, _ := os.ReadFile(out)
			return bytes.Contains(b, []byte("past ptrace"))
		})
	}
	started := descendants(sbPid)
	target := sbPid
	if c.who == killProgram {
		target = progPid
	}
	if err := syscall.Kill(target, c.sig); err != nil {
		t.Fatalf("kill %s (%d): %v", c.who, target, err)
	}
	select {
	case <-waited:
	case <-time.After(15 * time.Second):
		t.Fatalf("sandbug still runs 15 s after the kill; stderr: %s", stderr.String())
	}
	checkStatus(t, cmd.ProcessState.Sys().(syscall.WaitStatus), c.status)
	if c.kind == "" {
		if stdout.Len() > 0 {
			t.Errorf("a SIGKILLed sandbug printed a report: %s", stdout.String())
		}
	} else {
		var rep struct {
			Exit struct {
				Kind, Signal, Interrupt, Summary string
				ShellCode                        int `json:"shell_code"`
			}
		}
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatalf("report: %v\n%s\nstderr: %s", err, stdout.String(), stderr.String())
		}
		e := rep.Exit
		if e.Kind != c.kind || e.Signal != c.signal || e.Interrupt != c.interrupt || e.ShellCode != c.status {
			t.Errorf("exit %+v, want kind %q signal %q interrupt %q shell_code %d", e, c.kind, c.signal, c.interrupt, c.status)
		}
	}
	checkGone(t, started, dir)
	checkNoTemp(t, sb, sbPid, c.status == -9)
}

// tuiFault drives the TUI in tmux to the moment, kills the victim and checks the rest.
func tuiFault(t *testing.T, prog string, c faultCase) {
	var tm *term
	switch c.at {
	case atCompile:
		tm = prepareTerm(t)
		tm.start(120, 40, "--cc", writeSlowCC(t, tm.dir), sourceIn(t, tm.dir))
		poll(t, 15*time.Second, "the compiler to start", func() bool { return exists(filepath.Join(tm.dir, "cc-started")) })
	case atRunning:
		tm = newTermArgs(t, 120, 40, "--no-stop-at-blocked", prog)
	default:
		tm = newTermArgs(t, 120, 40, prog)
	}
	if c.at != atCompile {
		tm.wait(30*time.Second, ":5 in main()", "sandbox: default ✓")
	}
	switch c.at {
	case atRunning:
		tm.keys("F5")
		tm.wait(15*time.Second, "past ptrace", "running (debug)")
	case atBreakpoint:
		tm.keys("g")
		tm.text("6")
		tm.keys("Enter", "F9")
		tm.wait(10*time.Second, "●   6")
		tm.keys("F5")
		tm.wait(15*time.Second, "stopped at breakpoint", ":6 in main()")
	case atBlocked:
		tm.keys("F5")
		tm.wait(15*time.Second, "Blocked: the program tried ptrace", ":7 in main()")
	}
	sbPid := tm.paneChild("sandbug")
	started := descendants(sbPid)
	var target int
	switch c.who {
	case killSandbug:
		target = sbPid
	case killGDB:
		target = findIn(t, started, "gdb")
	case killProgram:
		target = findIn(t, started, filepath.Base(prog))
	}
	if err := syscall.Kill(target, c.sig); err != nil {
		t.Fatalf("kill %s (%d): %v", c.who, target, err)
	}
	if c.who != killSandbug {
		scr := tm.wait(15*time.Second, c.screen...)
		if strings.Contains(scr, "sandbox could not start") {
			t.Errorf("the sandbox is blamed:\n%s", scr)
		}
		// The program may not outlive the kill (nor gdb its own), even with the UI still open.
		for _, p := range started {
			if p.comm == filepath.Base(prog) || (c.who == killGDB && p.comm == "gdb") {
				waitGone(t, p)
			}
		}
		tm.keys("q")
	}
	after := []string{"SANDBUG-EXIT="}
	if c.who == killSandbug {
		after = append(after, c.screen...)
	}
	// After a SIGKILL the shell writes where the UI's cursor was, across the UI's lines: search
	// the screen with its line breaks removed.
	scr := tm.waitFlat(15*time.Second, after...)
	want := c.status
	if want == -9 {
		want = 128 + 9 // as the shell reports it
	}
	if !strings.Contains(scr, fmt.Sprintf("SANDBUG-EXIT=%d", want)) {
		t.Errorf("want SANDBUG-EXIT=%d:\n%s", want, scr)
	}
	checkGone(t, started, tm.dir)
	checkNoTemp(t, testbin.Sandbug(t), sbPid, c.status == -9)
}

func writeSlowCC(t *testing.T, dir string) string {
	p := filepath.Join(dir, "slowcc")
	if err := os.WriteFile(p, []byte(slowCC), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func sourceIn(t *testing.T, dir string) string {
	p := filepath.Join(dir, "faultprog.c")
	if err := os.WriteFile(p, []byte(faultSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func checkStatus(t *testing.T, ws syscall.WaitStatus, want int) {
	t.Helper()
	switch {
	case want == -9:
		if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Errorf("sandbug's status %v, want killed by SIGKILL", ws)
		}
	case !ws.Exited() || ws.ExitStatus() != want:
		t.Errorf("sandbug's status %v (exit %d), want exit %d", ws, ws.ExitStatus(), want)
	}
}

// checkGone fails when a process sandbug had started (before the kill) is still alive, or any
// process runs from the case's folder (a compiler, the compiled program).
func checkGone(t *testing.T, started []proc, dir string) {
	t.Helper()
	for _, p := range started {
		waitGone(t, p)
	}
	for _, p := range procTable() {
		if p.state == 'Z' {
			continue
		}
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.pid)); err == nil && bytes.Contains(b, []byte(dir)) &&
			!bytes.Contains(b, []byte("SANDBUG-EXIT")) && !bytes.Contains(b, []byte("tmux")) {
			t.Errorf("process %d (%s) of this case still runs: %q", p.pid, p.comm, b)
		}
	}
}

// waitGone waits up to 5 s for p to end (a zombie counts as ended: it runs nothing).
func waitGone(t *testing.T, p proc) {
	t.Helper()
	poll(t, 5*time.Second, fmt.Sprintf("process %d (%s) to end", p.pid, p.comm), func() bool {
		q, ok := readProc(p.pid)
		return !ok || q.state == 'Z' || q.start != p.start
	})
}

// checkNoTemp fails when a temporary folder of sandbug pid is left. A SIGKILLed sandbug could not
// remove its own: the next sandbug's start-up sweep must.
func checkNoTemp(t *testing.T, sb string, pid int, killed bool) {
	t.Helper()
	pattern := filepath.Join(os.TempDir(), fmt.Sprintf("sandbug-*-%d-*", pid))
	if killed {
		if m, _ := filepath.Glob(pattern); len(m) == 0 {
			t.Logf("a SIGKILLed sandbug left no folder to sweep")
		}
		// Every session sweeps at its start.
		if out, err := exec.Command(sb, "run", "/bin/true").CombinedOutput(); err != nil {
			t.Fatalf("the sweeping run: %v\n%s", err, out)
		}
	}
	if m, _ := filepath.Glob(pattern); len(m) > 0 {
		t.Errorf("temporary folders left: %v", m)
	}
}

// proc is one line of /proc/<pid>/stat.
type proc struct {
	pid, ppid int
	comm      string
	state     byte
	start     uint64 // start time: tells a reused pid apart
}

func readProc(pid int) (proc, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return proc{}, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return proc{}, false
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 20 {
		return proc{}, false
	}
	p := proc{pid: pid, comm: s[open+1 : end], state: f[0][0]}
	p.ppid, _ = strconv.Atoi(f[1])
	p.start, _ = strconv.ParseUint(f[19], 10, 64)
	return p, true
}

func procTable() []proc {
	ents, _ := os.ReadDir("/proc")
	var ps []proc
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// descendants lists the live processes under root.
func descendants(root int) []proc {
	ps := procTable()
	kids := map[int][]proc{}
	for _, p := range ps {
		kids[p.ppid] = append(kids[p.ppid], p)
	}
	var out []proc
	var walk func(int)
	walk = func(pid int) {
		for _, k := range kids[pid] {
			if k.state != 'Z' {
				out = append(out, k)
			}
			walk(k.pid)
		}
	}
	walk(root)
	return out
}

// waitDescendant waits for a process named comm under root; gone, polled meanwhile, explains
// why it never will (root ended).
func waitDescendant(t *testing.T, root int, comm string, gone func() string) int {
	t.Helper()
	var pid int
	poll(t, 30*time.Second, comm+" under sandbug", func() bool {
		if why := gone(); why != "" {
			t.Fatalf("waiting for %s: %s", comm, why)
		}
		for _, p := range descendants(root) {
			if p.comm == comm {
				pid = p.pid
				return true
			}
		}
		return false
	})
	return pid
}

func findIn(t *testing.T, ps []proc, comm string) int {
	t.Helper()
	for _, p := range ps {
		if p.comm == comm {
			return p.pid
		}
	}
	t.Fatalf("no %s among sandbug's processes %v", comm, ps)
	return 0
}

// paneChild returns the pid of the child named comm of the tmux pane's shell.
func (tm *term) paneChild(comm string) int {
	tm.t.Helper()
	shell, err := strconv.Atoi(strings.TrimSpace(tm.tmux("display-message", "-p", "-t", "0", "#{pane_pid}")))
	if err != nil {
		tm.t.Fatal(err)
	}
	for _, p := range descendants(shell) {
		if p.comm == comm && p.ppid == shell {
			return p.pid
		}
	}
	tm.t.Fatalf("no %s under the pane's shell %d", comm, shell)
	return 0
}

// waitFlat is wait on the screen with its line breaks removed.
func (tm *term) waitFlat(d time.Duration, want ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(d)
	for {
		scr := strings.ReplaceAll(tm.screen(), "\n", "")
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(scr, w)
		}
		if ok {
			return scr
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen lacks %q after %v:\n%s", want, d, tm.screen())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// poll checks cond every 20 ms until it holds, or fails after d.
func poll(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
