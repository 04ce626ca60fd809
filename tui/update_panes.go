package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// paneKey handles keys meant for the focused pane; false when the pane has no use for k.
func (m *Model) paneKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	km := m.keys
	if c, ok := m.viewKey(k); ok {
		return c, true
	}
	if move, page := m.lineMover(); move != nil {
		if d, ok := listMove(k, km, page); ok {
			move(d)
			return nil, true
		}
	}
	switch m.focus {
	case paneSource:
		return m.sourceKey(k)
	case paneLocals:
		switch {
		case key.Matches(k, km.Expand), key.Matches(k, km.Select), key.Matches(k, km.Collapse):
			if key.Matches(k, km.Collapse) {
				if n := m.locals.selected(); n == nil || !n.Expanded {
					return nil, true
				}
			}
			if n := m.locals.toggle(); n != nil && m.dbg != nil {
				return fetchChildren(m.ctx, m.dbg, m.dbgID, n.Path, n.V.VarObj), true
			}
		case key.Matches(k, km.ShowArray):
			m.askArray()
		case key.Matches(k, km.ShowMemory):
			return m.memoryOfSelected(), true
		case key.Matches(k, km.WatchChange):
			// "Stop when this changes": a local by its name, a field or an element through its
			// varobj (gdb turns that into the expression, h.count[3]).
			if n := m.locals.selected(); n != nil && n.V.Shadowed {
				m.say("%s is hidden by an inner %s: gdb cannot watch it from here.", n.V.Name, n.V.Name)
				return nil, true
			}
			if n := m.locals.selected(); n != nil && m.dbg != nil && m.state == launcher.Stopped {
				s, sc, expr, vo := m.dbg, m.scope(), n.V.Name, ""
				if n.Depth > 0 {
					expr, vo = n.Path, n.V.VarObj
				}
				return do(m.dbgID, "watch "+expr, func() error { return s.Watch(m.ctx, sc, expr, vo) }), true
			}
			return nil, true
		case key.Matches(k, km.Add):
			if n := m.locals.selected(); n != nil {
				m.watch.add(n.V.Name)
				if m.dbg != nil && m.state == launcher.Stopped {
					return evalWatch(m.ctx, m.dbg, m.dbgID, m.scope(), len(m.watch.items)-1, n.V.Name), true
				}
			}
		default:
			return nil, false
		}
	case paneStack:
		d := 0
		switch {
		case key.Matches(k, km.Up):
			d = -1
		case key.Matches(k, km.Down):
			d = 1
		case key.Matches(k, km.PageUp):
			d = -max(m.stack.h-1, 1)
		case key.Matches(k, km.PageDown):
			d = max(m.stack.h-1, 1)
		case key.Matches(k, km.Home):
			d = -len(m.stack.rows)
		case key.Matches(k, km.End):
			d = len(m.stack.rows)
		case key.Matches(k, km.FrameDown), key.Matches(k, km.FrameUp):
			step := 1
			if key.Matches(k, km.FrameDown) {
				step = -1
			}
			if m.stack.stepFrame(step) {
				return tea.Batch(m.selectFrame(), m.stackArgs()), true
			}
			return nil, true
		case key.Matches(k, km.Select), key.Matches(k, km.Expand):
			// Enter opens or closes a folded recursion; on a frame it shows that frame.
			if m.stack.toggle() {
				return m.stackArgs(), true
			}
			if key.Matches(k, km.Select) {
				return m.selectFrame(), true
			}
			return nil, false
		default:
			return nil, false
		}
		if m.stack.move(d) {
			return tea.Batch(m.selectFrame(), m.stackArgs()), true
		}
	case paneBreakpoints:
		switch {
		case key.Matches(k, km.EnableBreak):
			if b, ok := m.bps.selected(); ok && m.dbg != nil {
				s, id, on := m.dbg, b.ID, !b.Enabled
				return do(m.dbgID, "enable breakpoint", func() error { return s.Enable(m.ctx, id, on) }), true
			}
		case key.Matches(k, km.Delete):
			if b, ok := m.bps.selected(); ok && m.dbg != nil {
				s, id := m.dbg, b.ID
				return do(m.dbgID, "delete breakpoint", func() error { return s.Delete(m.ctx, id) }), true
			}
		case key.Matches(k, km.Condition):
			if b, ok := m.bps.selected(); ok {
				m.openPrompt(promptCondition, "condition for breakpoint "+b.ID+" (empty clears)", b.Cond)
				m.prompt.bpID = b.ID
			}
		case key.Matches(k, km.Select):
			if b, ok := m.bps.selected(); ok && b.FullName != "" {
				m.setFocus(paneSource)
				return m.openFile(b.FullName, b.Line), true
			}
		default:
			return nil, false
		}
	case paneWatch:
		switch {
		case key.Matches(k, km.Add):
			m.openPrompt(promptWatch, "watch expression", "")
		case key.Matches(k, km.Delete):
			m.watch.remove()
		default:
			return nil, false
		}
	case paneSandbox:
		switch {
		case key.Matches(k, km.End):
			m.sbx.move(len(m.sbx.events))
		case key.Matches(k, km.Select):
			return m.showEvent(), true
		default:
			return nil, false
		}
	case paneConsole:
		switch {
		case key.Matches(k, km.Select):
			m.con.editing = true
		case key.Matches(k, km.PageUp), key.Matches(k, km.Up):
			m.con.scroll(5)
		case key.Matches(k, km.PageDown), key.Matches(k, km.Down):
			m.con.scroll(-5)
		case key.Matches(k, km.End):
			m.con.offset = 0
		default:
			return nil, false
		}
	case paneProcs:
		switch {
		case key.Matches(k, km.Up), key.Matches(k, km.Down):
			d := 1
			if key.Matches(k, km.Up) {
				d = -1
			}
			m.procs.move(d)
			return m.refreshProcs(), true // the newly selected table, fresh
		case key.Matches(k, km.PageUp):
			m.procs.scrollFds(-max(m.procs.h-1, 1))
		case key.Matches(k, km.PageDown):
			m.procs.scrollFds(max(m.procs.h-1, 1))
		case key.Matches(k, km.Home):
			m.procs.fdTop = 0
		case key.Matches(k, km.Select) && m.cfg.FollowForks == launcher.FollowAll:
			if !m.viewsReady() {
				m.say("Enter shows a process under the debugger while the program is stopped.")
				return nil, true
			}
			return m.switchProcess(m.procs.selectedPid()), true
		default:
			return nil, false
		}
	case paneLesson:
		if !key.Matches(k, km.LessonMore) {
			return nil, false
		}
		m.lesson.scroll(10)
	case paneProgram:
		// The program does not run: its output scrolls like a list.
		switch {
		case key.Matches(k, km.Up), key.Matches(k, km.ScrollBackUp):
			m.prog.scroll(1)
		case key.Matches(k, km.Down), key.Matches(k, km.ScrollBackDown):
			m.prog.scroll(-1)
		case key.Matches(k, km.PageUp), key.Matches(k, km.ScrollBackPageUp):
			m.prog.scroll(m.prog.h)
		case key.Matches(k, km.PageDown), key.Matches(k, km.ScrollBackPageDown):
			m.prog.scroll(-m.prog.h)
		case key.Matches(k, km.End):
			m.prog.live()
		case key.Matches(k, km.Home):
			m.prog.home()
		case key.Matches(k, km.Search):
			m.openPrompt(promptOutputSearch, "search the output", m.prog.search)
		case key.Matches(k, km.SearchNext):
			if m.prog.search != "" && !m.prog.find(m.prog.search) {
				m.say("%q: no earlier line has it", m.prog.search)
			}
		default:
			return nil, false
		}
	default:
		return nil, false
	}
	return nil, true
}

// lineMover is how the focused pane moves its selection (or scrolls) by lines, and its page in
// lines (0: no page keys); nil for the panes that move their own way (stack, console, program).
func (m *Model) lineMover() (func(int), int) {
	switch m.focus {
	case paneSource:
		return m.src.move, max(m.src.h-1, 1)
	case paneLocals:
		return m.locals.move, max(m.locals.h-1, 1)
	case paneBreakpoints:
		return m.bps.move, 0
	case paneWatch:
		return m.watch.move, 0
	case paneSandbox:
		return m.sbx.move, 10
	case paneLesson:
		return m.lesson.scroll, 10
	}
	return nil, 0
}

// listMove is how far Up, Down, PageUp and PageDown move a list whose page is page lines (0:
// the list takes no page keys); false for any other key.
func listMove(k tea.KeyPressMsg, km KeyMap, page int) (int, bool) {
	switch {
	case key.Matches(k, km.Up):
		return -1, true
	case key.Matches(k, km.Down):
		return 1, true
	case page > 0 && key.Matches(k, km.PageUp):
		return -page, true
	case page > 0 && key.Matches(k, km.PageDown):
		return page, true
	}
	return 0, false
}

func (m *Model) sourceKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	km := m.keys
	switch {
	case key.Matches(k, km.Home):
		m.src.cursor = 1
		m.src.clamp()
	case key.Matches(k, km.End):
		m.src.cursor = m.src.lines()
		m.src.clamp()
	case key.Matches(k, km.Search):
		m.openPrompt(promptSearch, "search", m.src.search)
	case key.Matches(k, km.SearchNext):
		if m.src.search != "" && !m.src.find(m.src.search, m.src.cursor) {
			m.say("%q not found", m.src.search)
		}
	case key.Matches(k, km.GotoLine):
		m.openPrompt(promptGoto, "go to line", "")
	case key.Matches(k, km.SwitchFile):
		m.card = cardFiles
		m.filesSel = 0
		if m.dbg != nil {
			return fetchFiles(m.ctx, m.dbg, m.dbgID), true
		}
	case key.Matches(k, km.ClearSearch):
		m.src.search = ""
	default:
		return nil, false
	}
	return nil, true
}

// selectFrame makes the stack pane's selection the frame Source and Locals show.
func (m *Model) selectFrame() tea.Cmd {
	f, ok := m.stack.selected()
	if !ok || m.dbg == nil {
		return nil
	}
	// The frame travels with each later query (Scope): nothing to select in gdb.
	m.frameSel = f.Level
	m.locals.clear("") // another frame: even the same function's values are not its own
	m.locals.reading(f.Func)
	s, sid := m.dbg, m.dbgID
	cmds := []tea.Cmd{
		m.showFrame(f, f.Level == 0),
		fetchLocals(m.ctx, s, sid, m.scope(), f.Func),
	}
	cmds = append(cmds, m.evalWatches(s, sid)...)
	cmds = append(cmds, m.readViews(false)...)
	return tea.Batch(cmds...)
}

// showEvent moves the source to where the selected sandbox event happened.
func (m *Model) showEvent() tea.Cmd {
	b, ok := m.sbx.selected()
	if !ok {
		return nil
	}
	path := b.Where.FullName
	if path == "" {
		path = b.Where.File
	}
	if path == "" || b.Where.Line <= 0 {
		m.say("No source position is known for this event (run under the debugger to see where).")
		return nil
	}
	m.touch(paneSource)
	return m.openFile(path, b.Where.Line)
}

// onClick focuses what was clicked and acts on it: gutter clicks toggle breakpoints, rows
// select frames, events, variables and breakpoints; tab titles switch tabs.
func (m *Model) onClick(ms tea.Mouse) tea.Cmd {
	if m.card != cardNone || m.lay.TooSmall || ms.Button != tea.MouseLeft {
		return nil
	}
	for _, sl := range m.lay.Slots {
		if !sl.R.contains(ms.X, ms.Y) {
			continue
		}
		if ms.Y == sl.R.Y && len(sl.Panes) > 1 {
			if p, ok := m.tabAt(sl, ms.X-sl.R.X); ok {
				m.setFocus(p)
				return m.showView(p)
			}
			return nil
		}
		p := m.visible(sl)
		m.setFocus(p)
		in := sl.R.inner()
		row, col := ms.Y-in.Y, ms.X-in.X
		if row < 0 || row >= in.H {
			return nil
		}
		switch p {
		case paneSource:
			if m.src.note != "" && m.src.file != nil {
				row--
			}
			ln := m.src.lineAt(row)
			if ln == 0 {
				return nil
			}
			if col < m.src.gutterWidth()-1 {
				return m.toggleBreak(ln)
			}
			m.src.cursor = ln
		case paneStack:
			i := m.stack.top + row
			if i < len(m.stack.rows) && i != m.stack.sel {
				m.stack.sel = i
				return m.selectFrame()
			}
		case paneLocals:
			i := m.locals.top + row
			if i < len(m.locals.visible()) {
				if i == m.locals.sel {
					if n := m.locals.toggle(); n != nil && m.dbg != nil {
						return fetchChildren(m.ctx, m.dbg, m.dbgID, n.Path, n.V.VarObj)
					}
				}
				m.locals.sel = i
			}
		case paneBreakpoints:
			if i := m.bps.top + row; i < len(m.bps.list) {
				m.bps.sel = i
			}
		case paneWatch:
			if i := m.watch.top + row; i < len(m.watch.items) {
				m.watch.sel = i
			}
		case paneProcs:
			// Row 0 is the column header; the process rows follow.
			if t := m.procs.tree; t != nil && row >= 1 {
				if i := m.procs.top + row - 1; i < len(t.Procs) && row-1 < max(in.H/2-1, 2) {
					m.procs.move(i - m.procs.index())
					return m.refreshProcs()
				}
			}
		case paneSandbox:
			hdr := len(m.sbx.header(&m.st, in.W))
			if m.sbx.dropped > 0 {
				hdr++
			}
			if i := m.sbx.top + row - hdr; row >= hdr && i < len(m.sbx.events) {
				m.sbx.sel = i
				m.sbx.follow = i == len(m.sbx.events)-1
				return m.showEvent()
			}
		}
		return nil
	}
	return nil
}

// tabAt maps an x offset in a slot's top border to the tab drawn there (see frame).
func (m *Model) tabAt(sl slot, x int) (paneID, bool) {
	pos := 1
	var titles []string
	active := 0
	for i, p := range sl.Panes {
		titles = append(titles, m.paneTitle(p))
		if p == m.visible(sl) {
			active = i
		}
	}
	for _, p := range sl.Panes[firstTab(titles, active, sl.R.W):] {
		w := len([]rune(m.paneTitle(p))) + 2
		if x >= pos+1 && x < pos+1+w {
			return p, true
		}
		pos += 1 + w
	}
	return 0, false
}

func (m *Model) onWheel(ms tea.Mouse) tea.Cmd {
	if m.lay.TooSmall {
		return nil
	}
	d := 3
	if ms.Button == tea.MouseWheelUp {
		d = -3
	} else if ms.Button != tea.MouseWheelDown {
		return nil
	}
	for _, sl := range m.lay.Slots {
		if !sl.R.contains(ms.X, ms.Y) {
			continue
		}
		switch m.visible(sl) {
		case paneSource:
			m.src.scroll(d)
		case paneProgram:
			m.prog.scroll(-d)
		case paneConsole:
			m.con.scroll(-d)
		case paneLesson:
			m.lesson.scroll(d)
		case paneLocals:
			m.locals.move(d / 3)
		case paneStack:
			m.stack.move(d / 3)
			return m.stackArgs()
		case paneSandbox:
			m.sbx.move(d / 3)
		case paneBreakpoints:
			m.bps.move(d / 3)
		case paneWatch:
			m.watch.move(d / 3)
		case paneProcs:
			m.procs.scrollFds(d)
		}
	}
	return nil
}
