package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// onEvents applies a batch of launcher events and re-issues the wait for the next ones.
func (m *Model) onEvents(msg eventsMsg) (tea.Cmd, bool) {
	var s Session
	var p *pump
	switch msg.sid {
	case m.dbgID:
		s, p = m.dbg, m.dbgPump
	case m.runID:
		s, p = m.run, m.runPump
	}
	if s == nil || (msg.pump != nil && p != msg.pump) {
		// A session the UI already replaced: nobody takes from its pump again.
		msg.pump.release()
		return nil, false
	}
	_, activeID := m.active()
	isActive := msg.sid == activeID
	var cmds []tea.Cmd
	visible := false
	for _, ev := range msg.evs {
		c, v := m.onEvent(s, msg.sid, isActive, ev)
		cmds = append(cmds, c)
		visible = visible || v
	}
	if msg.closed {
		if msg.sid == m.dbgID {
			m.dbg = nil
		}
		if msg.sid == m.runID {
			m.run = nil
		}
		if isActive && m.liveProgram() {
			m.setState(launcher.Exited)
		}
		visible = true
	} else if p != nil {
		cmds = append(cmds, waitEvents(msg.sid, p))
	}
	cmds = append(cmds, m.pollInput())
	return tea.Batch(cmds...), visible
}

// inputMsg says whether the program pid waits for input (probed in a command).
type inputMsg struct {
	pid     int
	waiting bool
}

// inputInterval is how often a running program is probed: quick enough that the screen says
// "waiting for input" before a student wonders, cheap (one small /proc read).
const inputInterval = 150 * time.Millisecond

// pollInput schedules the next probe while the program runs (one at a time).
func (m *Model) pollInput() tea.Cmd {
	if m.inputPoll || m.probeInput == nil || m.progPid <= 0 || m.state != launcher.Running {
		return nil
	}
	m.inputPoll = true
	pid, probe := m.progPid, m.probeInput
	return tea.Tick(inputInterval, func(time.Time) tea.Msg { return inputMsg{pid: pid, waiting: probe(pid)} })
}

// onInput applies a probe's answer and keeps probing while the program runs.
func (m *Model) onInput(msg inputMsg) (tea.Cmd, bool) {
	m.inputPoll = false
	was := m.waitInput
	now := msg.waiting && msg.pid == m.progPid && m.state == launcher.Running
	// One probe that finds the program busy does not end the waiting: a signal (SIGWINCH at a
	// resize, the crash tracer's stop) takes it out of read for an instant, and the student's
	// typing must not turn into debugger letters then (CI caught "still here" starting a run
	// with its r). Two in a row do; a program that stops running ends it at once (onEvent).
	switch {
	case now:
		m.inputBusy = 0
		m.waitInput = true
	case m.waitInput && msg.pid == m.progPid && m.state == launcher.Running && m.inputBusy == 0:
		m.inputBusy++
	default:
		m.inputBusy = 0
		m.waitInput = false
	}
	if m.waitInput && !was && !m.msgErr {
		m.msg = "" // the status line's news now is the waiting program
	}
	return m.pollInput(), was != m.waitInput
}

// onEvent applies one event. Events of a background session (the debug session kept while
// running without debugging) only update breakpoints and the console.
func (m *Model) onEvent(s Session, sid int, isActive bool, ev launcher.Event) (tea.Cmd, bool) {
	switch ev := ev.(type) {
	case launcher.BreakpointsEvent:
		m.setBreakpoints(ev.List)
		return nil, true
	case launcher.ConsoleEvent:
		m.con.add(ev.Kind, ev.Text)
		return nil, m.slotShows(paneConsole)
	case launcher.DebuggerEndedEvent:
		return nil, m.onDebuggerEnded(sid, ev)
	case launcher.RecordEvent:
		return nil, isActive && m.onRecordEvent(ev)
	}
	if !isActive {
		return nil, false
	}
	switch ev := ev.(type) {
	case launcher.OutputEvent:
		m.prog.write(ev.Data)
		return m.scheduleFrame(), false
	case launcher.StateEvent:
		return m.onState(s, sid, ev), true
	case launcher.BlockedEvent:
		m.addBlocked(ev.B)
		if ev.B.Stopped {
			b := ev.B
			m.blocked = &b
			m.errnoSel = errnoIndex(b.ErrnoName)
			m.card = cardBlocked
		}
		return nil, true
	case launcher.VerifiedEvent:
		v := ev
		m.sbx.verified = &v
		if !v.OK {
			m.fail("sandbox NOT verified: %s", v.Detail)
		}
		return nil, true
	case launcher.AttachedEvent:
		a := ev
		m.sbx.attached = &a
		var cmd tea.Cmd
		if isActive {
			m.progPid = a.Pid
			cmd = m.followProcs(a.Pid)
		}
		if a.Policy != "" && m.cfg.PolicyFile == "" {
			m.sbx.profile = a.Policy
		}
		return cmd, true
	case launcher.CompileEvent:
		m.onCompile(ev, sid)
		return nil, true
	case launcher.ExitEvent:
		st := ev.Status
		if sid == m.dbgID && (st.Kind == launcher.KindCompileError || st.Kind == launcher.KindSandboxError || st.Kind == launcher.KindDebuggerEnded) {
			m.dbgDead = true // gdb may never have started: F5 starts a new session
		}
		m.exit = &st
		m.stop = nil
		m.blocked = nil
		m.setState(launcher.Exited)
		m.src.execAt = 0
		m.stack.clear("The program is not running.")
		m.locals.clear("The program is not running.")
		switch {
		case m.restartKill && st.Kind == launcher.KindStopped:
			m.restartKill = false // the program a restart killed: the new run follows, no card
		case m.card != cardHelp && m.card != cardQuit:
			m.restarting = false
			m.card = cardExit
		default:
			m.restarting = false
		}
		var cmd tea.Cmd
		if st.Kind == launcher.KindCompileError {
			m.con.add(launcher.ConsoleLog, st.Message+"\n")
			cmd = m.showCompileError(st.Message)
		}
		m.feedAll()
		return tea.Batch(cmd, m.procsEnded(st)), true
	case launcher.ErrorEvent:
		if ev.Err != nil {
			m.fail("%v", ev.Err)
			m.con.add(launcher.ConsoleLog, ev.Err.Error()+"\n")
		}
		return nil, true
	}
	return nil, false
}

// onDebuggerEnded: gdb died under the debug session. The screen stays as it is (the exit card
// follows when a program was running); the status line says how gdb ended and that F5 starts a
// new one, and the console keeps the end of gdb's stderr.
func (m *Model) onDebuggerEnded(sid int, ev launcher.DebuggerEndedEvent) bool {
	if sid != m.dbgID {
		return false
	}
	m.dbgDead = true
	m.con.add(launcher.ConsoleLog, ev.Summary()+"\n")
	if ev.Stderr != "" {
		m.con.add(launcher.ConsoleLog, ev.Stderr+"\n")
	}
	m.fail("%s: press F5 to debug again with a new gdb", ev.Summary())
	return true
}

// feedAll parses all pending program output (the program ended: show its last words).
func (m *Model) feedAll() {
	m.prog.feed(0)
}

func (m *Model) onState(s Session, sid int, ev launcher.StateEvent) tea.Cmd {
	prev := m.state
	m.setState(ev.State)
	switch ev.State {
	case launcher.Running:
		cancelTrim()
		m.stop = nil
		m.src.execAt = 0
		if prev == launcher.Starting || prev == launcher.NotStarted || prev == launcher.Exited {
			m.exit = nil
			m.sbx.reset()
			m.ranFor = 0
			m.regs.reset() // a new run: no marks against the last one's registers
			m.mem.setExpr(m.mem.expr)
			m.asm.clear("")
			m.threads.clear("")
			if m.card == cardExit {
				m.card = cardNone
			}
		}
		if m.card == cardBlocked {
			m.card = cardNone
			m.blocked = nil
		}
		procs := m.procTicker()
		if !m.clockOn && !m.noClock {
			m.clockOn = true
			return tea.Batch(clockTick(), procs)
		}
		return procs
	case launcher.Stopped:
		if ev.Stop == nil {
			return nil
		}
		st := *ev.Stop
		m.stop = &st
		m.frameSel = 0
		m.threadSel = st.Thread
		if st.Crash != nil {
			if e := st.Crash.Explanation(); e != "" {
				m.con.add(launcher.ConsoleOutput, "crash: "+e)
			}
		}
		m.feedAll()
		cmds := []tea.Cmd{m.refreshProcs(), trimWhenIdle()} // every process, as it is at this stop
		where := st.Source
		if where.File == "" {
			where = st.Frame
		}
		cmds = append(cmds, m.showFrame(where, true))
		m.frameSel = where.Level
		m.locals.reading(where.Func)
		m.stack.gen++
		cmds = append(cmds, fetchStack(m.ctx, s, sid, m.stack.gen, st.Thread, 0), fetchLocals(m.ctx, s, sid, m.scope(), where.Func))
		cmds = append(cmds, m.evalWatches(s, sid)...)
		cmds = append(cmds, m.readViews(true)...)
		if st.Entry && m.untilRun {
			// Run to cursor from a fresh start: the temporary breakpoint is set; go on to it.
			m.untilRun = false
			cmds = append(cmds, do(sid, "continue", func() error { return s.Continue(m.ctx) }))
		}
		if st.Reason == launcher.StopBlockedSyscall && st.Blocked != nil {
			b := *st.Blocked
			m.blocked = &b
			m.errnoSel = errnoIndex(b.ErrnoName)
			m.card = cardBlocked
		}
		return tea.Batch(cmds...)
	case launcher.NotStarted:
		m.starting = false
	}
	return nil
}

func errnoIndex(name string) int {
	for i, e := range errnoChoices {
		if e.Name == name {
			return i
		}
	}
	return 0
}

func (m *Model) addBlocked(b launcher.Blocked) {
	m.sbx.add(b)
	if b.Where.Line > 0 {
		for _, k := range posKeys(b.Where.FullName, b.Where.File) {
			if m.src.blocked[k] == nil {
				m.src.blocked[k] = map[int]int{}
			}
			m.src.blocked[k][b.Where.Line] += max(b.Count, 1)
		}
	}
}

// posKeys are the keys a source position is filed under: the full path and the base name, so a
// breakpoint or event that only knows "demo.c" still marks /tmp/x/demo.c.
func posKeys(full, file string) []string {
	var ks []string
	if full != "" {
		ks = append(ks, full)
	}
	name := file
	if name == "" {
		name = full
	}
	if name != "" {
		ks = append(ks, "base:"+filepath.Base(name))
	}
	return ks
}

func (m *Model) setBreakpoints(list []launcher.Breakpoint) {
	m.bps.set(list)
	m.src.bps = map[string]map[int]bool{}
	for _, b := range list {
		if b.Line <= 0 {
			continue
		}
		for _, k := range posKeys(b.FullName, b.File) {
			if m.src.bps[k] == nil {
				m.src.bps[k] = map[int]bool{}
			}
			m.src.bps[k][b.Line] = m.src.bps[k][b.Line] || b.Enabled
		}
		m.addKnown(b.FullName)
	}
}

func (m *Model) addKnown(path string) {
	if path == "" {
		return
	}
	for _, k := range m.known {
		if k == path {
			return
		}
	}
	m.known = append(m.known, path)
}

// showFrame shows a frame's source (loading the file when needed) and marks its line.
func (m *Model) showFrame(f launcher.Frame, top bool) tea.Cmd {
	path := f.FullName
	if path == "" {
		path = f.File
	}
	// A library frame is never shown as a file, even when gdb resolved its name to one: glibc's
	// ../sysdeps/unix/sysv/linux/ptrace.c gets the FullName of the user's own ptrace.c.
	if path == "" || f.Line <= 0 || f.Library() {
		where := f.Where()
		if where == "" {
			where = "this frame"
		}
		msg := fmt.Sprintf("No source for %s: it was compiled without -g, or it is in a library.", where)
		if f.Library() && f.Func != "" {
			loc := f.From
			if f.File != "" {
				loc = fmt.Sprintf("%s:%d", f.File, f.Line)
			}
			msg = fmt.Sprintf("No source for %s(): it is in a system library (%s).", f.Func, clean(loc))
		}
		m.src.note = msg + " Select a frame with source in the Stack pane (u/d)."
		m.src.execAt = 0
		return nil
	}
	m.exec = execPos{path: path, line: f.Line, top: top}
	m.addKnown(path)
	if file, ok := m.files[path]; ok {
		m.applyExec(file)
		return nil
	}
	if m.loading[path] {
		return nil
	}
	m.loading[path] = true
	return loadFile(path, f.Line)
}

// showCompileError opens the file of the compiler's first error at its line; once the file is
// loaded the source pane replaces the exit card (compileErrorShown). Without a line (a link
// error) the exit card stays, with the compiler's text.
func (m *Model) showCompileError(output string) tea.Cmd {
	m.src.diag = nil
	d, ok := launcher.FirstError(output)
	if !ok {
		return nil
	}
	path := d.File
	if !filepath.IsAbs(path) && m.compileDir != "" {
		path = filepath.Join(m.compileDir, path) // make's messages name files from its folder
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return nil
	}
	m.src.diag = &compileDiag{path: path, line: d.Line, col: max(d.Col, 1), severity: d.Severity, text: clean(d.Text)}
	if f, ok := m.files[path]; ok {
		m.compileErrorShown(f)
		return nil
	}
	m.loading[path] = true
	return loadFile(path, d.Line)
}

func (m *Model) compileErrorShown(f *sourceFile) {
	m.addKnown(f.Path)
	m.src.showDiag(f)
	m.setFocus(paneSource)
	if m.card == cardExit {
		m.card = cardNone
	}
	m.fail("fix it, then F5")
}

func (m *Model) applyExec(f *sourceFile) {
	m.src.show(f, m.exec.line)
	if m.stop != nil && f.Path == m.exec.path {
		m.src.execAt = m.exec.line
		m.src.execTop = m.exec.top
	}
}

func (m *Model) evalWatches(s Session, sid int) []tea.Cmd {
	var cmds []tea.Cmd
	for i, it := range m.watch.items {
		cmds = append(cmds, evalWatch(m.ctx, s, sid, m.scope(), i, it.Expr))
	}
	return cmds
}

// slotShows reports whether p is currently drawn (its slot shows it).
func (m *Model) slotShows(p paneID) bool {
	i := m.lay.slotOf(p)
	return i >= 0 && m.visible(m.lay.Slots[i]) == p
}

// onResult handles the answers of commands.
func (m *Model) onResult(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case sessionMsg:
		return m.onSession(msg), true
	case doneMsg:
		if msg.err != nil && !errors.Is(msg.err, launcher.ErrClosed) {
			m.fail("%s: %v", msg.what, msg.err)
			m.con.add(launcher.ConsoleLog, fmt.Sprintf("%s: %v\n", msg.what, msg.err))
		}
		return nil, msg.err != nil
	case stackMsg:
		return m.onStack(msg)
	case localsMsg:
		if msg.sid != m.dbgID || msg.frame != m.frameSel {
			return nil, false
		}
		if msg.err != nil {
			m.locals.clear("Locals unavailable: " + msg.err.Error())
			return nil, true
		}
		again := m.locals.set(msg.fn, msg.vars)
		if m.dbg == nil {
			return m.expandAgain(again), true
		}
		return tea.Batch(append(m.fetchArrays(), m.expandAgain(again))...), true
	case arrayMsg:
		return m.onArray(msg)
	case childrenMsg:
		if msg.sid != m.dbgID {
			return nil, false
		}
		if msg.err != nil {
			if n := m.locals.find(msg.path); n != nil {
				n.Loading = false
			}
			m.fail("expand %s: %v", msg.path, msg.err)
			return nil, true
		}
		return m.expandAgain(m.locals.setChildren(msg.path, msg.vars)), true
	case watchMsg:
		if msg.sid != m.dbgID {
			return nil, false
		}
		if msg.err != nil {
			m.watch.setValue(msg.i, msg.expr, msg.err.Error(), true)
		} else {
			m.watch.setValue(msg.i, msg.expr, msg.value, false)
		}
		return nil, true
	case consoleMsg:
		if msg.err != nil {
			m.con.add(launcher.ConsoleLog, msg.err.Error()+"\n")
		} else if msg.out != "" {
			out := msg.out
			if !strings.HasSuffix(out, "\n") {
				out += "\n"
			}
			m.con.add(launcher.ConsoleOutput, out)
		}
		return nil, true
	case fileMsg:
		delete(m.loading, msg.path)
		if msg.err != nil {
			if msg.path == m.exec.path {
				m.src.note = fmt.Sprintf("Cannot show %s: %v", msg.path, msg.err)
			}
			return nil, true
		}
		m.files[msg.path] = msg.file
		if d := m.src.diag; d != nil && msg.path == d.path && m.exit != nil && m.exit.Kind == launcher.KindCompileError {
			m.compileErrorShown(msg.file)
		} else if msg.path == m.exec.path {
			m.applyExec(msg.file)
		} else if msg.line >= 0 {
			m.src.show(msg.file, msg.line)
			m.src.execAt = 0
		}
		return nil, true
	case mainMsg:
		if msg.err != nil || m.stop != nil || m.mainShown || msg.frame.Line <= 0 {
			return nil, false
		}
		m.mainShown = true
		return m.showFrame(msg.frame, false), true
	case filesMsg:
		for _, f := range msg.files {
			m.addKnown(f)
		}
		return nil, m.card == cardFiles
	}
	return nil, false
}

func (m *Model) expandAgain(nodes []*varNode) tea.Cmd {
	if len(nodes) == 0 || m.dbg == nil {
		return nil
	}
	var cmds []tea.Cmd
	for _, n := range nodes {
		cmds = append(cmds, fetchChildren(m.ctx, m.dbg, m.dbgID, n.Path, n.V.VarObj))
	}
	return tea.Batch(cmds...)
}

func (m *Model) onSession(msg sessionMsg) tea.Cmd {
	if (msg.debug && msg.sid != m.dbgID) || (!msg.debug && msg.sid != m.runID) {
		if msg.sess != nil {
			return closeQuiet(msg.sess) // superseded while starting
		}
		return nil
	}
	m.starting = false
	if msg.err != nil {
		m.setState(launcher.NotStarted)
		m.fail("could not start: %v", msg.err)
		m.con.add(launcher.ConsoleLog, msg.err.Error()+"\n")
		return nil
	}
	s := msg.sess
	var cmds []tea.Cmd
	cmds = append(cmds, waitEvents(msg.sid, msg.pump))
	if msg.debug {
		m.dbg, m.dbgPump = s, msg.pump
	} else {
		m.run, m.runPump = s, msg.pump
	}
	if msg.debug == m.debugMode {
		m.prog.setSink(func(b []byte) { _ = s.Input(b) })
		cmds = append(cmds, resizeCmd(s, m.prog.h, m.prog.w))
	}
	if msg.debug {
		if m.state == launcher.Starting {
			m.setState(launcher.NotStarted)
		}
		// A debug session runs the program to main by itself (launcher.StartDebug).
		cmds = append(cmds, fetchMain(m.ctx, s, msg.sid))
		m.dbgDead = false
	}
	return tea.Batch(cmds...)
}
