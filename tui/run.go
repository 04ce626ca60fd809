package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/sandbug/sandbug/launcher"
)

// Run opens the TUI on cfg's program and returns when the user quits. By default it starts a
// debug session (stopped before main, the source of main shown); opts.RunWithoutDebug starts by
// running the program with the wrapper alone. On return every session is closed: no program,
// gdb or temp file is left behind, also after SIGTERM or SIGHUP.
func Run(ctx context.Context, cfg launcher.Config, opts Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(ctx, cfg, opts)
	// About 60 frames a second: the renderer's ticker is the only thing that wakes an idle UI
	// (120 measured ~0.2% more idle CPU for a few ms less latency: docs/bench/tui.md).
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(60)}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	if opts.Width > 0 && opts.Height > 0 {
		popts = append(popts, tea.WithWindowSize(opts.Width, opts.Height))
	}
	if m.noColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	p := tea.NewProgram(m, popts...)

	// Bubble Tea turns SIGTERM into a quit; SIGHUP (the terminal went away) must end the UI too.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		select {
		case <-hup:
			p.Quit()
		case <-ctx.Done():
		}
	}()

	_, err := p.Run()
	// Whatever ended the UI (q, SIGTERM, SIGHUP, a panic caught by Bubble Tea), close the
	// sessions here too: Close is idempotent and kills the program and gdb.
	m.prog.close()
	for _, s := range []Session{m.run, m.dbg} {
		if s != nil {
			_ = s.Close()
		}
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		if errors.Is(err, tea.ErrInterrupted) {
			return nil
		}
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}

// sessionConfig is the launcher configuration of one session. The TUI keeps the caller's
// settings, StopAtBlocked included (the CLI sets it unless --no-stop-at-blocked was given); a run
// without debugging gets the program pane's pty.
func sessionConfig(cfg launcher.Config, debug bool) launcher.Config {
	if !debug {
		cfg.IO = launcher.IOPty
	}
	return cfg
}

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

// errUnsupported answers the optional Session methods the launcher does not offer.
var errUnsupported = errors.New("not supported by this session")

// launcherSession adapts *launcher.Session to Session. The launcher's calls use the session's
// own context; ctx is accepted for the interface's fakes.
type launcherSession struct{ s *launcher.Session }

func (l *launcherSession) Events() <-chan launcher.Event             { return l.s.Events() }
func (l *launcherSession) Input(b []byte) error                      { return l.s.Input(b) }
func (l *launcherSession) Resize(rows, cols int) error               { return l.s.Resize(rows, cols) }
func (l *launcherSession) Run(context.Context) error                 { return l.s.Run() }
func (l *launcherSession) Continue(context.Context) error            { return l.s.Continue() }
func (l *launcherSession) Next(context.Context) error                { return l.s.Next() }
func (l *launcherSession) Step(context.Context) error                { return l.s.Step() }
func (l *launcherSession) Finish(context.Context) error              { return l.s.Finish() }
func (l *launcherSession) Interrupt(context.Context) error           { return l.s.Interrupt() }
func (l *launcherSession) Kill(context.Context) error                { return l.s.Kill() }
func (l *launcherSession) Delete(_ context.Context, id string) error { return l.s.Delete(id) }
func (l *launcherSession) Until(_ context.Context, file string, line int) error {
	return l.s.Until(file, line)
}
func (l *launcherSession) Break(_ context.Context, loc string) error {
	_, err := l.s.Break(loc)
	return err
}
func (l *launcherSession) Enable(_ context.Context, id string, on bool) error {
	return l.s.Enable(id, on)
}
func (l *launcherSession) Condition(_ context.Context, id, expr string) error {
	return l.s.Condition(id, expr)
}
func (l *launcherSession) Stack(context.Context) ([]launcher.Frame, error) { return l.s.Stack() }
func (l *launcherSession) SelectFrame(_ context.Context, level int) error {
	return l.s.SelectFrame(level)
}
func (l *launcherSession) Locals(_ context.Context, frame int) ([]launcher.Variable, error) {
	return l.s.Locals(frame)
}
func (l *launcherSession) Children(_ context.Context, varobj string) ([]launcher.Variable, error) {
	return l.s.Children(varobj)
}

// Evaluate selects the frame first: the launcher evaluates in the selected frame.
func (l *launcherSession) Evaluate(_ context.Context, frame int, expr string) (string, error) {
	if err := l.s.SelectFrame(frame); err != nil {
		return "", err
	}
	return l.s.Evaluate(expr)
}

// Console runs the command; its output arrives as ConsoleEvents.
func (l *launcherSession) Console(_ context.Context, cmd string) (string, error) {
	return "", l.s.Console(cmd)
}
func (l *launcherSession) ResolveBlocked(_ context.Context, v launcher.Verdict) error {
	return l.s.ResolveBlocked(v)
}

// MainLocation is not needed with the launcher: a debug session stops at main by itself.
func (l *launcherSession) MainLocation(context.Context) (launcher.Frame, error) {
	return launcher.Frame{}, errUnsupported
}
func (l *launcherSession) SourceFiles(context.Context) ([]string, error) { return l.s.SourceFiles() }
func (l *launcherSession) Stop() error                                   { return l.s.Stop() }
func (l *launcherSession) Close() error                                  { return l.s.Close() }
