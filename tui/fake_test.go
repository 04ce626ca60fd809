package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sandbug/sandbug/launcher"
)

// fakeSession records every call and answers from canned data; tests push events into ev.
type fakeSession struct {
	debug bool
	ev    chan launcher.Event

	mu    sync.Mutex
	calls []string
	// consoleScope is the scope of the last Console call.
	consoleScope launcher.Scope
	input        []byte
	rows         int
	cols         int
	stack        []launcher.Frame
	locals       map[int][]launcher.Variable
	children     map[string][]launcher.Variable
	eval         map[string]string
	console      map[string]string
	main         launcher.Frame
	files        []string
	closed       bool
	views        fakeViews // canned registers, code, memory and threads (fake_views_test.go)
}

func newFake(debug bool) *fakeSession {
	return &fakeSession{
		debug:    debug,
		ev:       make(chan launcher.Event, 1024),
		locals:   map[int][]launcher.Variable{},
		children: map[string][]launcher.Variable{},
		eval:     map[string]string{},
		console:  map[string]string{},
	}
}

func (f *fakeSession) call(format string, a ...any) {
	f.mu.Lock()
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
	f.mu.Unlock()
}

// Calls returns the calls so far, in order.
func (f *fakeSession) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeSession) has(call string) bool {
	for _, c := range f.Calls() {
		if c == call {
			return true
		}
	}
	return false
}

func (f *fakeSession) Events() <-chan launcher.Event { return f.ev }
func (f *fakeSession) Input(b []byte) error {
	f.mu.Lock()
	f.input = append(f.input, b...)
	f.mu.Unlock()
	return nil
}
func (f *fakeSession) Resize(rows, cols int) error {
	f.mu.Lock()
	f.rows, f.cols = rows, cols
	f.mu.Unlock()
	f.call("Resize(%d,%d)", rows, cols)
	return nil
}
func (f *fakeSession) Run(context.Context) error      { f.call("Run"); return nil }
func (f *fakeSession) Continue(context.Context) error { f.call("Continue"); return nil }
func (f *fakeSession) Next(context.Context) error     { f.call("Next"); return nil }
func (f *fakeSession) Step(context.Context) error     { f.call("Step"); return nil }
func (f *fakeSession) Finish(context.Context, launcher.Scope) error {
	f.call("Finish")
	return nil
}
func (f *fakeSession) Interrupt(context.Context) error { f.call("Interrupt"); return nil }
func (f *fakeSession) SetRecording(_ context.Context, on bool) error {
	f.call("SetRecording(%v)", on)
	return nil
}
func (f *fakeSession) ReverseNext(context.Context) error     { f.call("ReverseNext"); return nil }
func (f *fakeSession) ReverseStep(context.Context) error     { f.call("ReverseStep"); return nil }
func (f *fakeSession) ReverseFinish(context.Context) error   { f.call("ReverseFinish"); return nil }
func (f *fakeSession) ReverseContinue(context.Context) error { f.call("ReverseContinue"); return nil }
func (f *fakeSession) Kill(context.Context) error            { f.call("Kill"); return nil }
func (f *fakeSession) Until(_ context.Context, file string, line int) error {
	f.call("Until(%s,%d)", file, line)
	return nil
}
func (f *fakeSession) Break(_ context.Context, loc string) error {
	f.call("Break(%s)", loc)
	return nil
}
func (f *fakeSession) Delete(_ context.Context, id string) error {
	f.call("Delete(%s)", id)
	return nil
}
func (f *fakeSession) Enable(_ context.Context, id string, on bool) error {
	f.call("Enable(%s,%v)", id, on)
	return nil
}
func (f *fakeSession) Watch(_ context.Context, sc launcher.Scope, expr, varobj string) error {
	f.call("Watch(%d,%s,%s)", sc.Frame, expr, varobj)
	return nil
}
func (f *fakeSession) Condition(_ context.Context, id, expr string) error {
	f.call("Condition(%s,%s)", id, expr)
	return nil
}
func (f *fakeSession) StackPage(_ context.Context, _, from, count int, args bool) (launcher.StackPage, error) {
	if from == 0 {
		f.call("Stack")
	} else {
		f.call("Stack(%d,%d,%v)", from, count, args)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	from = min(from, len(f.stack))
	to := min(from+count, len(f.stack))
	page := launcher.StackPage{Frames: append([]launcher.Frame(nil), f.stack[from:to]...), More: to < len(f.stack)}
	if !args {
		for i := range page.Frames {
			page.Frames[i].Args = ""
		}
	}
	return page, nil
}
func (f *fakeSession) Array(_ context.Context, sc launcher.Scope, expr, varobj string, n int) (launcher.Variable, error) {
	f.call("Array(%d,%s,%s,%d)", sc.Frame, expr, varobj, n)
	name := fmt.Sprintf("*%s@%d", expr, n)
	return launcher.Variable{Name: name, Type: fmt.Sprintf("int [%d]", n), Value: fmt.Sprintf("[%d]", n), VarObj: "arr:" + name, NumChild: n}, nil
}
func (f *fakeSession) Locals(_ context.Context, sc launcher.Scope) ([]launcher.Variable, error) {
	f.call("Locals(%d)", sc.Frame)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.locals[sc.Frame], nil
}
func (f *fakeSession) Children(_ context.Context, v string) ([]launcher.Variable, error) {
	f.call("Children(%s)", v)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.children[v], nil
}
func (f *fakeSession) Evaluate(_ context.Context, sc launcher.Scope, expr string) (string, error) {
	f.call("Evaluate(%d,%s)", sc.Frame, expr)
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.eval[expr]; ok {
		return v, nil
	}
	return "", fmt.Errorf("No symbol %q in current context.", expr)
}
func (f *fakeSession) Console(_ context.Context, sc launcher.Scope, cmd string) (string, error) {
	f.call("Console(%s)", cmd)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.consoleScope = sc
	return f.console[cmd], nil
}
func (f *fakeSession) ResolveBlocked(_ context.Context, v launcher.Verdict) error {
	f.call("ResolveBlocked(kill=%v,errno=%d)", v.Kill, v.Errno)
	return nil
}
func (f *fakeSession) MainLocation(context.Context) (launcher.Frame, error) {
	f.call("MainLocation")
	return f.main, nil
}
func (f *fakeSession) SourceFiles(context.Context) ([]string, error) {
	f.call("SourceFiles")
	return f.files, nil
}
func (f *fakeSession) Stop() error { f.call("Stop"); return nil }
func (f *fakeSession) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		f.calls = append(f.calls, "Close")
		close(f.ev)
	}
	return nil
}

// harness drives a Model like Bubble Tea does, but synchronously: it runs the commands an
// Update returns, feeds their messages back, and stops when nothing more arrives within a short
// wait (commands that wait for events or a 1 s clock simply stay pending).
type harness struct {
	t     *testing.T
	m     *Model
	dbg   *fakeSession
	run   *fakeSession
	msgs  chan tea.Msg
	quit  bool
	clock time.Time

	mu       sync.Mutex
	inflight map[int]time.Time // running commands and when they started
	nextCmd  int
	waiting  int // commands blocked waiting for session events
	starts   int // debug sessions started
}

func newHarness(t *testing.T, w, h int, opts Options) *harness {
	t.Helper()
	hs := &harness{t: t, dbg: newFake(true), run: newFake(false), msgs: make(chan tea.Msg, 4096), inflight: map[int]time.Time{}}
	dark := true
	if opts.Dark == nil {
		opts.Dark = &dark
	}
	opts.Start = func(_ context.Context, _ launcher.Config, debug bool) (Session, error) {
		if debug {
			hs.mu.Lock()
			defer hs.mu.Unlock()
			if hs.starts > 0 {
				hs.dbg = newFake(true) // a new debug session, like the launcher
			}
			hs.starts++
			return hs.dbg, nil
		}
		// A fresh run session each time, like the launcher.
		hs.run = newFake(false)
		return hs.run, nil
	}
	hook := func(d int) {
		hs.mu.Lock()
		hs.waiting += d
		hs.mu.Unlock()
	}
	waitHook.Store(&hook)
	hs.clock = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	cfg := launcher.Config{Program: "/work/demo/demo.c", Profile: "default"}
	m := New(context.Background(), cfg, opts)
	m.now = func() time.Time { return hs.clock }
	m.noClock = true
	m.probeInput = nil // tests deliver inputMsg themselves (a real probe would keep polling)
	m.procNew = nil    // no live /proc reads: tests set the Processes view's tree
	hs.m = m
	hs.send(m.Init())
	hs.update(tea.WindowSizeMsg{Width: w, Height: h})
	t.Cleanup(func() {
		hs.dbg.Close()
		hs.run.Close()
		m.prog.close()
	})
	return hs
}

// send runs cmd (and what it batches) in goroutines delivering to msgs.
func (h *harness) send(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	h.mu.Lock()
	h.nextCmd++
	id := h.nextCmd
	h.inflight[id] = time.Now()
	h.mu.Unlock()
	go func() {
		msg := cmd()
		h.deliver(msg)
		h.mu.Lock()
		delete(h.inflight, id)
		h.mu.Unlock()
	}()
}

// busy reports whether a command is running other than those waiting for session events.
func (h *harness) busy() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.inflight) > h.waiting
}

func (h *harness) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.send(c)
		}
	default:
		h.msgs <- msg
	}
}

// update applies msg and settles.
func (h *harness) update(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.send(cmd)
	h.settle()
}

// settle applies arriving messages until none comes for a short while.
func (h *harness) settle() {
	for {
		select {
		case msg := <-h.msgs:
			if _, ok := msg.(tea.QuitMsg); ok {
				h.quit = true
				continue
			}
			if _, ok := msg.(clockMsg); ok {
				continue
			}
			_, cmd := h.m.Update(msg)
			h.send(cmd)
		case <-time.After(20 * time.Millisecond):
			if !h.busy() && len(h.msgs) == 0 {
				return
			}
		}
	}
}

// events pushes launcher events through the debug session's stream and settles.
func (h *harness) events(evs ...launcher.Event) {
	for _, e := range evs {
		h.dbg.ev <- e
	}
	h.settle()
}

func (h *harness) key(k string) {
	h.t.Helper()
	h.update(keyMsg(k))
}

func (h *harness) screen() string {
	h.m.cache.valid = false
	return ansi.Strip(h.m.View().Content)
}

// keyMsg builds the KeyPressMsg a terminal sends for a key name like "f5", "shift+f11", "a".
func keyMsg(k string) tea.KeyPressMsg {
	var mod tea.KeyMod
	parts := strings.Split(k, "+")
	name := parts[len(parts)-1]
	if k == "+" {
		name, parts = "+", []string{"+"}
	}
	for _, p := range parts[:len(parts)-1] {
		switch p {
		case "ctrl":
			mod |= tea.ModCtrl
		case "shift":
			mod |= tea.ModShift
		case "alt":
			mod |= tea.ModAlt
		}
	}
	named := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "space": tea.KeySpace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"backspace": tea.KeyBackspace, "delete": tea.KeyDelete,
		"f1": tea.KeyF1, "f4": tea.KeyF4, "f5": tea.KeyF5, "f6": tea.KeyF6, "f9": tea.KeyF9,
		"f10": tea.KeyF10, "f11": tea.KeyF11,
	}
	if c, ok := named[name]; ok {
		km := tea.KeyPressMsg{Code: c, Mod: mod}
		if name == "space" {
			km.Text = " "
		}
		return km
	}
	r := []rune(name)[0]
	km := tea.KeyPressMsg{Code: r, Mod: mod}
	if mod == 0 {
		km.Text = name
	}
	return km
}
