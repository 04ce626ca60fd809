package tui

import (
	"context"
	"fmt"

	"github.com/sandbug/sandbug/launcher"
)

// fakeViews is what the fake answers for the debugger views; guarded by fakeSession.mu.
type fakeViews struct {
	regs    map[int][]launcher.Register // by frame level
	code    map[int]launcher.Disassembly
	mem     map[string]launcher.Memory // by expression
	threads []launcher.Thread
	procs   []launcher.Process
}

func (f *fakeSession) Registers(_ context.Context, sc launcher.Scope) ([]launcher.Register, error) {
	f.call("Registers(%d,%d)", sc.Thread, sc.Frame)
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]launcher.Register(nil), f.views.regs[sc.Frame]...), nil
}

func (f *fakeSession) Disassemble(_ context.Context, sc launcher.Scope) (launcher.Disassembly, error) {
	f.call("Disassemble(%d,%d)", sc.Thread, sc.Frame)
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.views.code[sc.Frame]
	if !ok {
		return d, fmt.Errorf("No function contains specified address.")
	}
	return d, nil
}

func (f *fakeSession) PathExpression(_ context.Context, varobj string) (string, error) {
	f.call("PathExpression(%s)", varobj)
	return "path(" + varobj + ")", nil
}

func (f *fakeSession) Memory(_ context.Context, sc launcher.Scope, expr string, n int) (launcher.Memory, error) {
	f.call("Memory(%d,%s,%d)", sc.Frame, expr, n)
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.views.mem[expr]
	if !ok {
		return m, fmt.Errorf("No symbol %q in current context.", expr)
	}
	m.Bytes = append([]byte(nil), m.Bytes[:min(n, len(m.Bytes))]...)
	return m, nil
}

func (f *fakeSession) Threads(context.Context) ([]launcher.Thread, error) {
	f.call("Threads")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]launcher.Thread(nil), f.views.threads...), nil
}

func (f *fakeSession) Processes(context.Context) ([]launcher.Process, error) {
	f.call("Processes")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]launcher.Process(nil), f.views.procs...), nil
}

func (f *fakeSession) SelectThread(_ context.Context, id int) (launcher.Frame, error) {
	f.call("SelectThread(%d)", id)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.views.threads {
		if t.ID == id {
			return t.Frame, nil
		}
	}
	return launcher.Frame{}, fmt.Errorf("Invalid thread id: %d", id)
}

func (f *fakeSession) StepInstruction(_ context.Context, sc launcher.Scope) error {
	f.call("StepInstruction(%d)", sc.Thread)
	return nil
}

func (f *fakeSession) NextInstruction(_ context.Context, sc launcher.Scope) error {
	f.call("NextInstruction(%d)", sc.Thread)
	return nil
}
