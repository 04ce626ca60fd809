package tui

import (
	"context"

	"github.com/sandbug/sandbug/launcher"
)

// launcherStarter starts real launcher sessions.
func launcherStarter(ctx context.Context, cfg launcher.Config, debug bool) (Session, error) {
	cfg = sessionConfig(cfg, debug)
	if debug {
		s, err := launcher.StartDebug(ctx, cfg)
		if err != nil {
			return nil, err
		}
		return &launcherSession{s: s}, nil
	}
	s, err := launcher.StartRun(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &launcherSession{s: s}, nil
}

// launcherSession adapts *launcher.Session to Session. Controls check ctx before they reach
// gdb (a command gdb has is not taken back); queries pass ctx down to gdb's command.
type launcherSession struct{ s *launcher.Session }

// ctl runs a control unless ctx is already done.
func ctl(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return f()
}

func (l *launcherSession) Events() <-chan launcher.Event { return l.s.Events() }
func (l *launcherSession) Input(b []byte) error          { return l.s.Input(b) }
func (l *launcherSession) Resize(rows, cols int) error   { return l.s.Resize(rows, cols) }
func (l *launcherSession) Run(ctx context.Context) error { return ctl(ctx, l.s.Run) }
func (l *launcherSession) Continue(ctx context.Context) error {
	return ctl(ctx, l.s.Continue)
}
func (l *launcherSession) Next(ctx context.Context) error { return ctl(ctx, l.s.Next) }
func (l *launcherSession) Step(ctx context.Context) error { return ctl(ctx, l.s.Step) }
func (l *launcherSession) Finish(ctx context.Context, sc launcher.Scope) error {
	return l.s.FinishIn(ctx, sc)
}
func (l *launcherSession) Interrupt(ctx context.Context) error { return ctl(ctx, l.s.Interrupt) }
func (l *launcherSession) SetRecording(ctx context.Context, on bool) error {
	return ctl(ctx, func() error { return l.s.SetRecording(on) })
}
func (l *launcherSession) ReverseNext(ctx context.Context) error { return ctl(ctx, l.s.ReverseNext) }
func (l *launcherSession) ReverseStep(ctx context.Context) error { return ctl(ctx, l.s.ReverseStep) }
func (l *launcherSession) ReverseFinish(ctx context.Context) error {
	return ctl(ctx, l.s.ReverseFinish)
}
func (l *launcherSession) ReverseContinue(ctx context.Context) error {
	return ctl(ctx, l.s.ReverseContinue)
}
func (l *launcherSession) Kill(ctx context.Context) error { return ctl(ctx, l.s.Kill) }
func (l *launcherSession) Delete(ctx context.Context, id string) error {
	return ctl(ctx, func() error { return l.s.Delete(id) })
}
func (l *launcherSession) Until(ctx context.Context, file string, line int) error {
	return ctl(ctx, func() error { return l.s.Until(file, line) })
}
func (l *launcherSession) Break(ctx context.Context, loc string) error {
	return ctl(ctx, func() error { _, err := l.s.Break(loc); return err })
}
func (l *launcherSession) Watch(ctx context.Context, sc launcher.Scope, expr, varobj string) error {
	return ctl(ctx, func() error { _, err := l.s.WatchIn(ctx, sc, expr, varobj); return err })
}
func (l *launcherSession) Enable(ctx context.Context, id string, on bool) error {
	return ctl(ctx, func() error { return l.s.Enable(id, on) })
}
func (l *launcherSession) Condition(ctx context.Context, id, expr string) error {
	return ctl(ctx, func() error { return l.s.Condition(id, expr) })
}
func (l *launcherSession) StackPage(ctx context.Context, thread, from, count int, args bool) (launcher.StackPage, error) {
	return l.s.StackPageIn(ctx, thread, from, count, args)
}
func (l *launcherSession) Array(ctx context.Context, sc launcher.Scope, expr, varobj string, n int) (launcher.Variable, error) {
	return l.s.ArrayIn(ctx, sc, expr, varobj, n)
}
func (l *launcherSession) Locals(ctx context.Context, sc launcher.Scope) ([]launcher.Variable, error) {
	return l.s.LocalsIn(ctx, sc)
}
func (l *launcherSession) Children(ctx context.Context, varobj string) ([]launcher.Variable, error) {
	return l.s.ChildrenIn(ctx, varobj)
}
func (l *launcherSession) Evaluate(ctx context.Context, sc launcher.Scope, expr string) (string, error) {
	return l.s.EvaluateIn(ctx, sc, expr)
}

// Console runs the command; its output arrives as ConsoleEvents.
func (l *launcherSession) Console(ctx context.Context, sc launcher.Scope, cmd string) (string, error) {
	return "", l.s.ConsoleIn(ctx, sc, cmd)
}
func (l *launcherSession) ResolveBlocked(ctx context.Context, v launcher.Verdict) error {
	return ctl(ctx, func() error { return l.s.ResolveBlocked(v) })
}
func (l *launcherSession) MainLocation(ctx context.Context) (launcher.Frame, error) {
	return l.s.MainLocation(ctx)
}
func (l *launcherSession) SourceFiles(ctx context.Context) ([]string, error) {
	return ctl2(ctx, l.s.SourceFiles)
}
func (l *launcherSession) Registers(ctx context.Context, sc launcher.Scope) ([]launcher.Register, error) {
	return l.s.RegistersIn(ctx, sc)
}
func (l *launcherSession) Disassemble(ctx context.Context, sc launcher.Scope) (launcher.Disassembly, error) {
	return l.s.DisassembleIn(ctx, sc)
}
func (l *launcherSession) Memory(ctx context.Context, sc launcher.Scope, expr string, n int) (launcher.Memory, error) {
	return l.s.MemoryIn(ctx, sc, expr, n)
}
func (l *launcherSession) PathExpression(ctx context.Context, varobj string) (string, error) {
	return l.s.PathExpression(ctx, varobj)
}
func (l *launcherSession) Threads(ctx context.Context) ([]launcher.Thread, error) {
	return l.s.Threads(ctx)
}
func (l *launcherSession) Processes(context.Context) ([]launcher.Process, error) {
	return l.s.Processes(), nil
}
func (l *launcherSession) SelectThread(ctx context.Context, id int) (launcher.Frame, error) {
	return l.s.SelectThread(ctx, id)
}
func (l *launcherSession) StepInstruction(ctx context.Context, sc launcher.Scope) error {
	return l.s.StepInstructionIn(ctx, sc)
}
func (l *launcherSession) NextInstruction(ctx context.Context, sc launcher.Scope) error {
	return l.s.NextInstructionIn(ctx, sc)
}
func (l *launcherSession) Stop() error  { return l.s.Stop() }
func (l *launcherSession) Close() error { return l.s.Close() }

// ctl2 runs a query without a context of its own unless ctx is already done.
func ctl2[T any](ctx context.Context, f func() (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	return f()
}
