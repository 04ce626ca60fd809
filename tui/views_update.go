package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// The debugger views (Asm and Memory beside Source; Registers beside Locals; Threads beside
// Stack) read the stopped program in the scope the screen shows. Each read carries the views
// generation it was asked in: a stop, a frame or a thread shown starts a new one, and answers
// of an older one are dropped. Registers (and memory, once an expression is set) are read at
// every stop, so their change marks compare stop with stop; code and threads only while their
// tab is shown, and when it is shown again after the screen moved on.

type (
	regsMsg struct {
		sid, gen int
		stop     bool
		regs     []launcher.Register
		err      error
	}
	asmMsg struct {
		sid, gen int
		d        launcher.Disassembly
		err      error
	}
	memMsg struct {
		sid, gen int
		stop     bool
		expr     string
		m        launcher.Memory
		err      error
	}
	threadsMsg struct {
		sid, gen int
		ts       []launcher.Thread
		err      error
	}
	threadSelMsg struct {
		sid, id int
		frame   launcher.Frame
		err     error
	}
)

func fetchRegs(ctx context.Context, s Session, sid, gen int, sc launcher.Scope, stop bool) tea.Cmd {
	return func() tea.Msg {
		r, err := s.Registers(ctx, sc)
		return regsMsg{sid: sid, gen: gen, stop: stop, regs: r, err: err}
	}
}

func fetchAsm(ctx context.Context, s Session, sid, gen int, sc launcher.Scope) tea.Cmd {
	return func() tea.Msg {
		d, err := s.Disassemble(ctx, sc)
		return asmMsg{sid: sid, gen: gen, d: d, err: err}
	}
}

func fetchMem(ctx context.Context, s Session, sid, gen int, sc launcher.Scope, expr string, stop bool) tea.Cmd {
	return func() tea.Msg {
		m, err := s.Memory(ctx, sc, expr, memBytes)
		return memMsg{sid: sid, gen: gen, stop: stop, expr: expr, m: m, err: err}
	}
}

func fetchThreads(ctx context.Context, s Session, sid, gen int) tea.Cmd {
	return func() tea.Msg {
		ts, err := s.Threads(ctx)
		return threadsMsg{sid: sid, gen: gen, ts: ts, err: err}
	}
}

func selectThreadCmd(ctx context.Context, s Session, sid, id int) tea.Cmd {
	return func() tea.Msg {
		f, err := s.SelectThread(ctx, id)
		return threadSelMsg{sid: sid, id: id, frame: f, err: err}
	}
}

// shown reports whether pane p is the visible tab of its slot.
func (m *Model) shown(p paneID) bool {
	i := m.lay.slotOf(p)
	return !m.lay.TooSmall && i >= 0 && m.visible(m.lay.Slots[i]) == p
}

// viewsReady reports whether the views can read the program now.
func (m *Model) viewsReady() bool {
	return m.debugMode && m.dbg != nil && m.state == launcher.Stopped && m.stop != nil
}

// readViews starts a views generation for what the screen shows now (a stop when stop is set,
// else another frame or thread) and reads the views that follow it.
func (m *Model) readViews(stop bool) []tea.Cmd {
	m.viewGen++
	if !m.viewsReady() {
		return nil
	}
	s, sid, gen, sc := m.dbg, m.dbgID, m.viewGen, m.scope()
	cmds := []tea.Cmd{fetchRegs(m.ctx, s, sid, gen, sc, stop)}
	if m.mem.expr != "" {
		cmds = append(cmds, fetchMem(m.ctx, s, sid, gen, sc, m.mem.expr, stop))
	}
	if m.shown(paneAsm) {
		cmds = append(cmds, fetchAsm(m.ctx, s, sid, gen, sc))
	}
	if m.shown(paneThreads) {
		cmds = append(cmds, fetchThreads(m.ctx, s, sid, gen))
	}
	return cmds
}

// showView reads a view that has just been brought to the front, unless what it shows is of
// this generation already.
func (m *Model) showView(p paneID) tea.Cmd {
	if !m.viewsReady() {
		return nil
	}
	s, sid, gen, sc := m.dbg, m.dbgID, m.viewGen, m.scope()
	switch {
	case p == paneAsm && m.asm.gen != gen:
		return fetchAsm(m.ctx, s, sid, gen, sc)
	case p == paneThreads && m.threads.gen != gen:
		return fetchThreads(m.ctx, s, sid, gen)
	}
	return nil
}

// onViews takes the answers of the views' reads.
func (m *Model) onViews(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case memPathMsg:
		if msg.sid != m.dbgID {
			return nil, true
		}
		if msg.err != nil {
			m.fail("memory: %v", msg.err)
			return nil, true
		}
		return m.openMemoryAt(memTarget(msg.path, msg.typ)), true
	case regsMsg:
		if msg.sid != m.dbgID || msg.gen != m.viewGen {
			return nil, false
		}
		m.regs.set(msg.regs, msg.err, msg.gen, msg.stop)
	case asmMsg:
		if msg.sid != m.dbgID || msg.gen != m.viewGen {
			return nil, false
		}
		m.asm.set(msg.d, msg.err, msg.gen)
	case memMsg:
		if msg.sid != m.dbgID || msg.gen != m.viewGen {
			return nil, false
		}
		m.mem.set(msg.expr, msg.m, msg.err, msg.gen, msg.stop)
	case threadsMsg:
		if msg.sid != m.dbgID || msg.gen != m.viewGen {
			return nil, false
		}
		m.threads.set(msg.ts, msg.err, msg.gen, m.scope().Thread)
	case threadSelMsg:
		if msg.sid != m.dbgID || !m.viewsReady() {
			return nil, false
		}
		if msg.err != nil {
			m.fail("thread %d: %v", msg.id, msg.err)
			return nil, true
		}
		return m.showThread(msg.id, msg.frame), true
	case procSelMsg:
		if msg.sid != m.dbgID || !m.viewsReady() {
			return nil, false
		}
		if msg.err != nil {
			m.fail("%v", msg.err)
			return nil, true
		}
		c := m.showThread(msg.thread, msg.frame)
		m.say("Showing process %d.", msg.pid)
		return c, true
	}
	return nil, true
}

// showThread makes thread id (at frame f, its innermost) the one the screen shows: Stack,
// Locals, Source and the views follow it.
func (m *Model) showThread(id int, f launcher.Frame) tea.Cmd {
	m.threadSel, m.frameSel = id, 0
	m.locals.clear("")
	m.locals.reading(f.Func)
	m.stack.gen++
	s, sid := m.dbg, m.dbgID
	cmds := []tea.Cmd{
		m.showFrame(f, true),
		fetchStack(m.ctx, s, sid, m.stack.gen, id, 0),
		fetchLocals(m.ctx, s, sid, m.scope(), f.Func),
	}
	cmds = append(cmds, m.evalWatches(s, sid)...)
	cmds = append(cmds, m.readViews(false)...)
	m.say("Showing thread %d.", id)
	return tea.Batch(cmds...)
}

// stepInsn is i and I: one machine instruction, when the Asm tab is shown.
func (m *Model) stepInsn(over bool) tea.Cmd {
	what, b := "stepi", m.keys.StepInsn
	if over {
		what, b = "nexti", m.keys.NextInsn
	}
	if !m.shown(paneAsm) {
		m.say("%s steps by machine instruction while the Asm tab is shown (] in the Source pane).", b.Help().Key)
		return nil
	}
	sc := m.scope()
	return m.stepCmd(what, func(s Session) error {
		if over {
			return s.NextInstruction(m.ctx, sc)
		}
		return s.StepInstruction(m.ctx, sc)
	})
}

// viewKey handles the keys of the four views; false when the focused pane is not one of them
// or has no use for k.
func (m *Model) viewKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	km := m.keys
	switch m.focus {
	case paneAsm:
		if key.Matches(k, km.Home) {
			m.asm.home()
		} else if d, ok := listMove(k, km, max(m.asm.h-1, 1)); ok {
			m.asm.scroll(d)
		} else {
			return nil, false
		}
	case paneRegisters:
		d, ok := listMove(k, km, 0)
		if !ok {
			return nil, false
		}
		m.regs.scroll(d)
	case paneMemory:
		if key.Matches(k, km.Add) || key.Matches(k, km.Select) {
			m.openPrompt(promptMemory, "memory at (address or pointer)", m.mem.expr)
		} else if d, ok := listMove(k, km, max(m.mem.h-2, 1)); ok {
			m.mem.scroll(d)
		} else {
			return nil, false
		}
	case paneThreads:
		if key.Matches(k, km.Select) {
			t, ok := m.threads.selected()
			if !ok || !m.viewsReady() {
				return nil, true
			}
			return selectThreadCmd(m.ctx, m.dbg, m.dbgID, t.ID), true
		}
		d, ok := listMove(k, km, 0)
		if !ok {
			return nil, false
		}
		m.threads.move(d)
	default:
		return nil, false
	}
	return nil, true
}

// submitMemory shows the memory at expr.
func (m *Model) submitMemory(expr string) tea.Cmd {
	if expr == "" {
		return nil
	}
	m.mem.setExpr(expr)
	if !m.viewsReady() {
		return nil
	}
	return fetchMem(m.ctx, m.dbg, m.dbgID, m.viewGen, m.scope(), expr, false)
}

// memPathMsg carries the C expression of a Locals child whose memory was asked for (m).
type memPathMsg struct {
	sid       int
	path, typ string
	err       error
}

// memoryOfSelected shows the Memory view at the selected Locals value: where a pointer points,
// else the value's own bytes (&x). A field or element's C expression comes from gdb first.
func (m *Model) memoryOfSelected() tea.Cmd {
	n := m.locals.selected()
	if n == nil || !m.viewsReady() {
		m.say("m needs a stopped program.")
		return nil
	}
	if n.V.Shadowed {
		m.say("%s is hidden by an inner %s: its memory cannot be named from here.", n.V.Name, n.V.Name)
		return nil
	}
	if n.Depth == 0 || n.V.VarObj == "" {
		return m.openMemoryAt(memTarget(n.V.Name, n.V.Type))
	}
	s, sid, vo, typ, ctx := m.dbg, m.dbgID, n.V.VarObj, n.V.Type, m.ctx
	return func() tea.Msg {
		p, err := s.PathExpression(ctx, vo)
		return memPathMsg{sid: sid, path: p, typ: typ, err: err}
	}
}

// openMemoryAt brings the Memory view to the front at expr and reads it.
func (m *Model) openMemoryAt(expr string) tea.Cmd {
	m.setFocus(paneMemory)
	return m.submitMemory(expr)
}

// memTarget is the address expression for a value: a pointer's own value (where it points),
// else the value's address.
func memTarget(expr, typ string) string {
	if strings.HasSuffix(strings.TrimSpace(typ), "*") {
		return expr
	}
	if isIdent(expr) {
		return "&" + expr
	}
	return "&(" + expr + ")"
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
