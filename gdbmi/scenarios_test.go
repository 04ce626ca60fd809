package gdbmi

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/machine"
	"github.com/sandbug/sandbug/internal/testbin"
)

var record = flag.Bool("record", false, "re-record testdata/transcripts/*.mi from the real gdb (and their goldens)")

// scenario drives a real gdb through Conn, asserting as it goes. With -record its gdb output
// becomes testdata/transcripts/<name>.mi, the corpus of the golden, fuzz and benchmark tests.
type scenario struct {
	name   string
	interp string
	run    func(s *session)
}

var scenarios = []scenario{
	{"breakpoints-mi4", "mi4", scenarioBreakpoints},
	{"breakpoints-mi3", "mi3", scenarioBreakpoints},
	{"multilocation-mi4", "mi4", scenarioMultiLocation},
	{"multilocation-mi2", "mi2", scenarioMultiLocation},
	{"stepping", "", scenarioStepping},
	{"variables", "", scenarioVariables},
	{"signals", "", scenarioSignals},
	{"exits", "", scenarioExits},
	{"fork", "", scenarioFork},
	{"threads", "", scenarioThreads},
	{"symbols", "", scenarioSymbols},
	{"errors", "", scenarioErrors},
	{"inspect", "", scenarioInspect},
}

func TestScenarios(t *testing.T) {
	testbin.NeedTool(t, "gdb")
	testbin.NeedTool(t, "gcc")
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			if testing.Short() && sc.name == "symbols" {
				t.Skip("-short: the 8000-function binary takes seconds to build")
			}
			s := startSession(t, Options{Interpreter: sc.interp})
			sc.run(s)
			s.close()
			if *record && !t.Failed() {
				writeTranscript(t, sc.name, s.log.String())
			}
		})
	}
}

// writeTranscript keeps gdb's side of the raw log, and renders its golden.
func writeTranscript(t *testing.T, name, log string) {
	var mi bytes.Buffer
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		// "15:04:05.000000 <- line"
		l := sc.Text()
		if i := strings.Index(l, " <- "); i == 15 {
			mi.WriteString(l[i+4:])
			mi.WriteByte('\n')
		}
	}
	dir := filepath.Join("testdata", "transcripts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".mi"), mi.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	golden, err := renderTranscript(mi.Bytes(), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".golden"), golden, 0o644); err != nil {
		t.Fatal(err)
	}
}

// run sets the program's arguments and starts it, returning the first stop.
func (s *session) run(args ...string) StopEvent {
	s.t.Helper()
	s.exec("-exec-arguments", args...)
	s.exec("-exec-run")
	st, _ := s.waitStop()
	return st
}

func (s *session) step(cmd string, args ...string) StopEvent {
	s.t.Helper()
	s.exec(cmd, args...)
	st, _ := s.waitStop()
	return st
}

func (s *session) want(st StopEvent, reason string) {
	s.t.Helper()
	if st.Reason != reason {
		s.t.Fatalf("stop reason %q, want %q: %+v", st.Reason, reason, st)
	}
}

func (s *session) wantLine(st StopEvent, line int) {
	s.t.Helper()
	if st.Frame == nil || st.Frame.Line != line {
		s.t.Fatalf("stopped at %+v, want line %d", st.Frame, line)
	}
}

func (s *session) console(cmd string) *Record {
	s.t.Helper()
	return s.exec("-interpreter-exec", "console", cmd)
}

func scenarioBreakpoints(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "prog", progC)
	src := filepath.Join(filepath.Dir(bin), "prog.c")
	s.exec("-file-exec-and-symbols", bin)
	b := ParseBreakpoints(s.exec("-break-insert", "main"))
	if len(b) != 1 || b[0].Func != "main" || !b[0].Enabled {
		t.Fatalf("break main: %+v", b)
	}
	// A conditional breakpoint on a file:line location.
	loop := lineOf(t, progC, "L_LOOP")
	b = ParseBreakpoints(s.exec("-break-insert", "-c", "i == 3", src+":"+strconv.Itoa(loop)))
	if len(b) != 1 || b[0].Cond != "i == 3" || b[0].Line != loop {
		t.Fatalf("conditional: %+v", b)
	}
	cond := b[0].Number
	s.exec("-break-insert", "-t", "square")
	// Commands attached through MI: MI2/MI3 render them as the invalid script={..}.
	b = ParseBreakpoints(s.exec("-break-insert", "sum"))
	s.exec("-break-commands", b[0].Number, "silent", "print n", "continue")
	s.exec("-break-disable", b[0].Number)
	list := ParseBreakpoints(s.exec("-break-list"))
	if len(list) != 4 {
		t.Fatalf("break-list: %+v", list)
	}
	if sc := list[3].Script; len(sc) != 3 || sc[1] != "print n" || list[3].Enabled {
		t.Fatalf("script of disabled bp: %+v", list[3])
	}
	st := s.run()
	s.want(st, ReasonBreakpointHit)
	if st.BkptNo != "1" || st.Frame.Func != "main" {
		t.Fatalf("first stop: %+v", st)
	}
	// A watchpoint on a global, hit by the program. Where hardware watchpoints are accepted
	// but never trigger (a VM without debug-register passthrough), it runs as a software one.
	hw := machine.HardwareWatchpoints()
	if !hw.Present {
		t.Logf("%v: this scenario's watchpoints run as software watchpoints", hw)
		s.exec("-gdb-set", "can-use-hw-watchpoints", "0")
	}
	w := s.exec("-break-watch", "counter")
	// gdb 13 answers -break-watch with "wpt" even for a watchpoint it then inserts in a debug
	// register: its breakpoint table says which one it made.
	if kind := w.Results[0].Name; kind != "wpt" && kind != "hw-wpt" {
		t.Fatalf("-break-watch answered %q", kind)
	}
	typ := ""
	for _, b := range ParseBreakpoints(s.exec("-break-list")) {
		if b.Number == w.Results[0].Value.Get("number").String() {
			typ = b.Type
		}
	}
	if want := map[bool]string{true: "hw watchpoint", false: "watchpoint"}[hw.Present]; typ != want {
		t.Fatalf("watchpoint type %q in -break-list with %v, want %q", typ, hw, want)
	}
	t.Logf("%v: the watchpoint is a %s", hw, typ)
	st = s.step("-exec-continue")
	s.want(st, ReasonBreakpointHit) // the temporary breakpoint on square comes first
	if st.Disp != "del" || st.Frame.Func != "square" {
		t.Fatalf("tbreak: %+v", st)
	}
	st = s.step("-exec-continue")
	s.want(st, ReasonBreakpointHit)
	if st.BkptNo != cond {
		t.Fatalf("conditional hit: %+v", st)
	}
	if v := s.exec("-data-evaluate-expression", "i").Get("value").String(); v != "3" {
		t.Fatalf("condition i == 3 stopped with i = %s", v)
	}
	s.exec("-break-delete", cond)
	st = s.step("-exec-continue")
	s.want(st, ReasonWatchpointTrigger)
	if st.OldValue != "0" || st.NewValue != "55" || st.WatchExp != "counter" {
		t.Fatalf("watchpoint: %+v", st)
	}
	if hw.Present {
		s.exec("-break-watch", "-r", "counter")
		s.exec("-break-watch", "-a", "counter")
		st = s.step("-exec-continue")
		if st.Reason != ReasonWatchpointTrigger && st.Reason != ReasonReadWatchpointTrigger && st.Reason != ReasonAccessWatchpointTrigger {
			t.Fatalf("read/access watchpoints: %+v", st)
		}
	} else {
		// Read and access watchpoints exist only in hardware: gdb must refuse them plainly.
		t.Logf("read/access watchpoints need hardware ones: asserting gdb refuses them instead")
		for _, flag := range []string{"-r", "-a"} {
			_, err := s.c.Exec(bgctx(), "-break-watch", flag, "counter")
			var me *MIError
			if !errors.As(err, &me) || !strings.Contains(me.Msg, "read/access watchpoint") {
				t.Fatalf("-break-watch %s with software watchpoints: %v", flag, err)
			}
		}
	}
	s.exec("-break-delete")
	st = s.step("-exec-continue")
	s.want(st, ReasonExitedNormally)
	if st.ExitCode != 0 {
		t.Fatalf("exit: %+v", st)
	}
}

func scenarioMultiLocation(s *session) {
	t := s.t
	bin := buildMulti(t)
	s.exec("-file-exec-and-symbols", bin)
	r := s.exec("-break-insert", "helper")
	b := ParseBreakpoints(r)
	if len(b) != 1 || b[0].Addr != "<MULTIPLE>" || len(b[0].Locations) != 2 {
		t.Fatalf("helper in two files: %+v (%s)", b, r)
	}
	if b[0].Locations[0].Number != b[0].Number+".1" || b[0].Locations[1].Func != "helper" {
		t.Fatalf("locations: %+v", b[0].Locations)
	}
	list := ParseBreakpoints(s.exec("-break-list"))
	if len(list) != 1 || len(list[0].Locations) != 2 {
		t.Fatalf("break-list: %+v", list)
	}
	st := s.run()
	s.want(st, ReasonBreakpointHit)
	if st.LocNo != "1" {
		t.Fatalf("first location: %+v", st)
	}
	s.exec("-break-disable", b[0].Number+".2")
	list = ParseBreakpoints(s.exec("-break-list"))
	if list[0].Locations[1].Enabled || !list[0].Locations[0].Enabled {
		t.Fatalf("disabling location .2: %+v", list[0].Locations)
	}
	s.want(s.step("-exec-continue"), ReasonExitedNormally)
}

func scenarioStepping(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "prog", progC)
	s.exec("-file-exec-and-symbols", bin)
	s.exec("-gdb-set", "stop-on-solib-events", "1")
	st := s.run()
	s.want(st, ReasonSolibEvent)
	s.exec("-gdb-set", "stop-on-solib-events", "0")
	s.exec("-break-insert", "sum")
	st = s.step("-exec-continue")
	s.want(st, ReasonBreakpointHit)
	st = s.step("-exec-next")
	s.want(st, ReasonEndSteppingRange)
	st = s.step("-exec-next")
	s.wantLine(st, lineOf(t, progC, "L_LOOP"))
	st = s.step("-exec-step")
	s.want(st, ReasonEndSteppingRange)
	if st.Frame.Func != "square" {
		t.Fatalf("step into square: %+v", st.Frame)
	}
	frames := ParseFrames(s.exec("-stack-list-frames"))
	if len(frames) != 3 || frames[0].Func != "square" || frames[2].Func != "main" || frames[1].Level != 1 {
		t.Fatalf("frames: %+v", frames)
	}
	st = s.step("-exec-finish")
	s.want(st, ReasonFunctionFinished)
	if st.ReturnValue != "1" || st.GDBResultVar == "" {
		t.Fatalf("finish: %+v", st)
	}
	ret := lineOf(t, progC, "L_RET")
	st = s.step("-exec-until", strconv.Itoa(ret))
	s.want(st, ReasonLocationReached)
	s.wantLine(st, ret)
	// A watchpoint on a local goes out of scope when sum returns.
	s.exec("-break-watch", "s")
	st = s.step("-exec-continue")
	s.want(st, ReasonWatchpointScope)
	// Reverse execution past the start of the recording.
	s.console("record")
	s.exec("-exec-next")
	s.waitStop()
	// gdb 13 with `record full` reports the end of the history as a *stopped without a reason
	// (the console says "No more reverse-execution history."); remote targets send no-history.
	st = s.step("-exec-continue", "--reverse")
	if st.Reason != "" && st.Reason != ReasonNoHistory {
		t.Fatalf("end of reverse history: %+v", st)
	}
	s.console("record stop")
	s.exec("-break-delete")
	st = s.step("-exec-continue")
	s.want(st, ReasonExitedNormally)
}

func scenarioVariables(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "prog", progC)
	s.exec("-file-exec-and-symbols", bin)
	after := lineOf(t, progC, "L_AFTER")
	s.exec("-break-insert", "prog.c:"+strconv.Itoa(after))
	st := s.run()
	s.want(st, ReasonBreakpointHit)
	all := ParseVariables(s.exec("-stack-list-variables", "--thread", "1", "--frame", "0", "--all-values").Get("variables"))
	byName := map[string]Variable{}
	for _, v := range all {
		byName[v.Name] = v
	}
	if v := byName["arr"]; v.Value != "{1, 2, 3, 4, 5}" {
		t.Errorf("arr = %q", v.Value)
	}
	// gdb's display text keeps its own C escapes for bytes that are not printable UTF-8.
	if v := byName["local"]; !strings.Contains(v.Value, `\376\377\001ok`) {
		t.Errorf("local = %q", v.Value)
	}
	if v := byName["it"]; !strings.Contains(v.Value, "café") {
		t.Errorf("it = %q", v.Value)
	}
	if !byName["argc"].Arg || byName["total"].Value != "55" {
		t.Errorf("args/locals: %+v", all)
	}
	simple := ParseVariables(s.exec("-stack-list-variables", "--simple-values").Get("variables"))
	for _, v := range simple {
		if v.Name == "it" && (v.HasValue || v.Type != "struct item") {
			t.Errorf("--simple-values it: %+v", v)
		}
		if v.Name == "total" && (v.Value != "55" || v.Type != "int") {
			t.Errorf("--simple-values total: %+v", v)
		}
	}
	for _, e := range []string{"greeting", "bad", "it.raw", "un", "it.weight"} {
		s.exec("-data-evaluate-expression", e)
	}
	v := s.exec("-data-evaluate-expression", "bad").Get("value").String()
	if !strings.Contains(v, `\377\376`) || !strings.Contains(v, `\033[31mred`) {
		t.Errorf("bad = %q", v)
	}
	// Variable objects.
	vo := ParseVarObj(s.exec("-var-create", "-", "*", "it").Results)
	if vo.NumChild != 5 || vo.Type != "struct item" {
		t.Fatalf("var-create: %+v", vo)
	}
	kids := VarChildren(s.exec("-var-list-children", "--all-values", vo.Name))
	if len(kids) != 5 || kids[2].Exp != "label" || kids[2].Type != "char [16]" || kids[2].NumChild != 16 || kids[1].Value != "1.5" {
		t.Fatalf("children: %+v", kids)
	}
	ctr := ParseVarObj(s.exec("-var-create", "ctr", "*", "counter").Results)
	s.step("-exec-next")
	ch := VarChanges(s.exec("-var-update", "--all-values", "*"))
	if len(ch) != 1 || ch[0].Name != ctr.Name || ch[0].Value != "56" || ch[0].InScope != "true" {
		t.Fatalf("var-update: %+v", ch)
	}
	// Console output of CLI commands arrives as fragments of ~ records.
	s.console("print bad")
	s.console("info frame")
	s.exec("-data-list-register-values", "x", "0", "1", "2")
	s.exec("-break-delete")
	s.want(s.step("-exec-continue"), ReasonExitedNormally)
	if !strings.Contains(s.out.String(), "héllo wörld ✓") {
		// The program's output reached its terminal, not MI.
		waitOutput(s, "héllo wörld ✓")
	}
}

func waitOutput(s *session, want string) {
	s.t.Helper()
	for i := 0; i < 200 && !strings.Contains(s.out.String(), want); i++ {
		sleepShort()
	}
	if !strings.Contains(s.out.String(), want) {
		s.t.Errorf("program output %q lacks %q", s.out.String(), want)
	}
}

func scenarioSignals(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "signals", signalsC)
	s.exec("-file-exec-and-symbols", bin)
	for _, tc := range []struct{ arg, sig, meaning string }{
		{"segv", "SIGSEGV", "Segmentation fault"},
		{"abort", "SIGABRT", "Aborted"},
		{"sigsys", "SIGSYS", "Bad system call"},
	} {
		st := s.run(tc.arg)
		s.want(st, ReasonSignalReceived)
		if st.SignalName != tc.sig || st.SignalMeaning != tc.meaning || st.Frame == nil {
			t.Fatalf("%s: %+v", tc.arg, st)
		}
		if tc.arg == "sigsys" {
			si := s.exec("-data-evaluate-expression", "$_siginfo.si_signo").Get("value").String()
			if si != "31" {
				t.Errorf("$_siginfo.si_signo = %s", si)
			}
		}
		st = s.step("-exec-continue")
		s.want(st, ReasonExitedSignalled)
		if st.SignalName != tc.sig || st.ExitCode != -1 {
			t.Fatalf("%s death: %+v", tc.arg, st)
		}
	}
}

func scenarioExits(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "signals", signalsC)
	s.exec("-file-exec-and-symbols", bin)
	for _, code := range []int{0, 3, 10, 255} {
		s.exec("-exec-arguments", "exit", strconv.Itoa(code))
		s.exec("-exec-run")
		var group ThreadGroupEvent
		var st StopEvent
		for done := false; !done; {
			_, evs := s.waitStop()
			for _, e := range evs {
				if g, ok := ParseThreadGroupEvent(e); ok && g.Class == "thread-group-exited" {
					group = g
				}
				if x, ok := ParseStop(e); ok {
					st, done = x, true
				}
			}
		}
		if st.ExitCode != code || !st.Exited() {
			t.Errorf("exit %d: %+v", code, st)
		}
		if !group.HasExitCode || group.ExitCode != code {
			t.Errorf("exit %d: thread group %+v", code, group)
		}
		if v := s.exec("-data-evaluate-expression", "$_exitcode").Get("value").String(); v != strconv.Itoa(code) {
			t.Errorf("$_exitcode = %s, want %d", v, code)
		}
	}
}

func scenarioFork(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "fork", forkC)
	s.exec("-file-exec-and-symbols", bin)
	s.console("catch fork")
	s.console("catch syscall getppid")
	st := s.run()
	s.want(st, ReasonSyscallEntry)
	if st.SyscallName != "getppid" || st.SyscallNumber != 110 {
		t.Fatalf("syscall entry: %+v", st)
	}
	s.want(s.step("-exec-continue"), ReasonSyscallReturn)
	st = s.step("-exec-continue")
	s.want(st, ReasonFork)
	if st.NewPID <= 0 {
		t.Fatalf("fork: %+v", st)
	}
	st = s.step("-exec-continue")
	s.want(st, ReasonExited)
	if st.ExitCode != 7 {
		t.Fatalf("exit: %+v", st)
	}
	s.exec("-break-delete")
	s.console("catch exec")
	st = s.run("exec")
	s.want(st, ReasonExec)
	if !strings.HasSuffix(st.NewExec, "true") {
		t.Fatalf("exec: %+v", st)
	}
	s.want(s.step("-exec-continue"), ReasonExitedNormally)
}

func scenarioThreads(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "threads", threadsC, "-pthread")
	s.exec("-file-exec-and-symbols", bin)
	s.exec("-break-insert", "threads.c:"+strconv.Itoa(lineOf(t, threadsC, "L_WORKER")))
	st := s.run()
	s.want(st, ReasonBreakpointHit)
	if st.ThreadID < 2 || !st.AllStopped {
		t.Fatalf("stop in a worker: %+v", st)
	}
	threads, cur := ParseThreads(s.exec("-thread-info"))
	if len(threads) < 2 || cur != st.ThreadID {
		t.Fatalf("threads %+v current %d", threads, cur)
	}
	for _, th := range threads {
		if th.State != "stopped" || th.TargetID == "" || th.Frame == nil {
			t.Errorf("thread: %+v", th)
		}
	}
	s.exec("-thread-list-ids")
	s.exec("-stack-list-frames", "--thread", strconv.Itoa(st.ThreadID))
	s.exec("-break-delete")
	s.want(s.step("-exec-continue"), ReasonExitedNormally)
}

func scenarioSymbols(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "big", bigC(8000))
	s.exec("-file-exec-and-symbols", bin)
	r := s.exec("-symbol-info-functions", "--name", "generated_function")
	files := r.Get("symbols").Get("debug")
	if len(files.Items) != 1 {
		t.Fatalf("debug files: %d", len(files.Items))
	}
	syms := files.Items[0].Value.Get("symbols")
	if len(syms.Items) != 8000 {
		t.Fatalf("symbols: %d", len(syms.Items))
	}
	if n := len(r.String()); n < 512<<10 {
		t.Fatalf("-symbol-info-functions line only %d bytes", n)
	}
	s.exec("-file-list-exec-source-files")
}

func scenarioErrors(s *session) {
	t := s.t
	bin := testbin.CompileC(t, "prog", progC)
	for _, tc := range []struct {
		cmd  string
		args []string
		msg  string
	}{
		{"-no-such-command", nil, "Undefined MI command"},
		{"-exec-continue", nil, "The program is not being run."},
		{"-file-exec-and-symbols", []string{"/nonexistent/pr og"}, "No such file"},
		{"-data-evaluate-expression", []string{"1 +"}, "A syntax error"},
		{"-stack-list-frames", nil, "No registers."},
		{"-var-create", []string{"-", "*", "nosuch"}, "-var-create: unable to create variable object"},
	} {
		_, err := s.c.Exec(bgctx(), tc.cmd, tc.args...)
		me, ok := err.(*MIError)
		if !ok || !strings.Contains(me.Msg, tc.msg) {
			t.Errorf("%s: %v, want an MIError with %q", tc.cmd, err, tc.msg)
		}
	}
	s.exec("-file-exec-and-symbols", bin)
	_, err := s.c.Exec(bgctx(), "-break-insert", "nosuchfunction")
	if me, ok := err.(*MIError); !ok || !strings.Contains(me.Msg, `Function "nosuchfunction" not defined.`) {
		t.Errorf("break on missing function: %v", err)
	}
	r := s.exec("-break-insert", "-f", "nosuchfunction")
	if b := ParseBreakpoints(r); len(b) != 1 || b[0].Addr != "<PENDING>" || b[0].Pending != "nosuchfunction" {
		t.Errorf("pending breakpoint: %+v", b)
	}
}
