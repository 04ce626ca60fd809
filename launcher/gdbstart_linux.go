package launcher

import (
	"fmt"
	"os"
	"strings"

	"github.com/sandbug/sandbug/gdbmi"
	"github.com/sandbug/sandbug/internal/machine"
	"github.com/sandbug/sandbug/wrapper"
	"github.com/sandbug/sandbug/wrapper/keeper"
)

// startGDB starts gdb and sends the init sequence.
func (s *Session) startGDB() error {
	d := s.dbg
	// gdb's environment carries the supervisor's token to the exec-wrapper (which strips it
	// before exec), and gdb makes itself non-dumpable so the program cannot open its memory.
	o := gdbmi.Options{GDB: s.cfg.GDB, Dir: s.cfg.Dir, Env: s.sup.Env(), Args: wrapper.GDBHardenArgs()}
	if s.cfg.LogMI != "" {
		f, err := os.OpenFile(s.cfg.LogMI, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("--log-mi: %w", err)
		}
		d.logF = f
		o.Log = f
	}
	// The watchpoint probe (a traced child, ~10 ms; watchpointSteps) runs while gdb starts.
	go machine.HardwareWatchpoints()
	// gdb runs under a keeper: when gdb ends, or sandbug dies, nothing the program started
	// (a daemon after setsid and a double fork) is left running.
	ours, theirs, err := keeperSocket()
	if err != nil {
		return fmt.Errorf("start gdb: %w", err)
	}
	d.keeperCtl = ours
	o.Prefix = keeperPrefix(s.wrapperPath, keeper.Inherit, "--exit-with-child")
	o.ExtraFiles = []*os.File{theirs}
	conn, err := gdbmi.Start(s.ctx, o)
	theirs.Close()
	if err != nil {
		return fmt.Errorf("start gdb: %w", err)
	}
	registerKeeper(conn.Pid(), true)
	d.gdbPid.Store(int64(keptPid(ours, conn.Pid())))
	d.conn.Store(conn)
	s.mu.Lock()
	prog := s.program
	s.mu.Unlock()
	wrap := ShellJoin(append([]string{s.wrapperPath}, append(s.wrapperArgs(), "--")...))
	args := make([]string, len(s.cfg.Args))
	for i, a := range s.cfg.Args {
		args[i] = ShellQuote(a)
	}
	steps := [][]string{
		{"-gdb-set", "mi-async", "on"},
		{"-gdb-set", "startup-with-shell", "on"},
		{"-gdb-set", "pagination", "off"},
		{"-gdb-set", "confirm", "off"},
		{"-gdb-set", "width", "0"},
		{"-gdb-set", "height", "0"},
		{"-gdb-set", "style", "enabled", "off"},
		{"-interpreter-exec", "console", "set exec-wrapper " + wrap},
		{"-interpreter-exec", "console", "unset environment LINES"},
		{"-interpreter-exec", "console", "unset environment COLUMNS"},
		{"-inferior-tty-set", s.slave.Name()},
		{"-file-exec-and-symbols", prog},
		append([]string{"-exec-arguments"}, args...),
	}
	steps = append(steps, followForksSteps(s.followMode())...)
	if s.cfg.Dir != "" {
		steps = append(steps, []string{"-environment-cd", s.cfg.Dir})
	}
	// glibc's SSE2 string functions, which `record full` can record (reverse stepping).
	steps = append(steps, []string{"-interpreter-exec", "console", "set environment GLIBC_TUNABLES=" + debugTunables(os.Getenv("GLIBC_TUNABLES"))})
	for _, kv := range s.sanitizerEnv() {
		steps = append(steps, []string{"-interpreter-exec", "console", "set environment " + kv})
	}
	softWatch := s.watchpointSteps()
	steps = append(steps, softWatch...)
	// startup-with-shell off would skip the wrapper silently: make sure it holds.
	steps = append(steps, []string{"-gdb-show", "startup-with-shell"})
	// All at once: gdb runs them in turn without a round trip between two (16 commands took
	// 10-25 ms one by one while gdb was starting).
	recs, err := s.miBatch(s.ctx, steps)
	if err != nil {
		if len(recs) < len(steps) {
			return fmt.Errorf("gdb %s: %w", strings.Join(steps[len(recs)], " "), err)
		}
		return fmt.Errorf("gdb: %w", err)
	}
	if recs[len(recs)-1].Get("value").String() != "on" {
		return fmt.Errorf("gdb refused startup-with-shell on: the sandbox cannot be applied")
	}
	if softWatch != nil {
		s.sayWatchpointsAreSoftware()
	}
	return nil
}
