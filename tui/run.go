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
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
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

// launcherStarter starts real launcher sessions.
func launcherStarter(ctx context.Context, cfg launcher.Config, debug bool) (Session, error) {
	if debug {
		cfg.StopAtBlocked = true
		s, err := startDebug(ctx, cfg)
		if err != nil {
			return nil, err
		}
		return &launcherSession{s: s}, nil
	}
	cfg.IO = launcher.IOPty
	s, err := launcher.StartRun(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &launcherSession{s: s}, nil
}

// startDebug is replaced by launcher.StartDebug once debug sessions land.
var startDebug = func(ctx context.Context, cfg launcher.Config) (*launcher.Session, error) {
	return nil, errors.New("debug sessions are not available in this build yet: use Ctrl+R to run without debugging")
}

// launcherSession adapts *launcher.Session to Session.
type launcherSession struct{ s *launcher.Session }

var errNoDebug = launcher.ErrNotDebugging

func (l *launcherSession) Events() <-chan launcher.Event                          { return l.s.Events() }
func (l *launcherSession) Input(b []byte) error                                   { return l.s.Input(b) }
func (l *launcherSession) Resize(rows, cols int) error                            { return l.s.Resize(rows, cols) }
func (l *launcherSession) Run(ctx context.Context) error                          { return errNoDebug }
func (l *launcherSession) Continue(ctx context.Context) error                     { return errNoDebug }
func (l *launcherSession) Next(ctx context.Context) error                         { return errNoDebug }
func (l *launcherSession) Step(ctx context.Context) error                         { return errNoDebug }
func (l *launcherSession) Finish(ctx context.Context) error                       { return errNoDebug }
func (l *launcherSession) Until(ctx context.Context, file string, line int) error { return errNoDebug }
func (l *launcherSession) Interrupt(ctx context.Context) error                    { return errNoDebug }
func (l *launcherSession) Kill(ctx context.Context) error                         { return l.s.Close() }
func (l *launcherSession) Break(ctx context.Context, loc string) error            { return errNoDebug }
func (l *launcherSession) Delete(ctx context.Context, id string) error            { return errNoDebug }
func (l *launcherSession) Enable(ctx context.Context, id string, on bool) error   { return errNoDebug }
func (l *launcherSession) Condition(ctx context.Context, id, expr string) error   { return errNoDebug }
func (l *launcherSession) Stack(ctx context.Context) ([]launcher.Frame, error) {
	return nil, errNoDebug
}
func (l *launcherSession) SelectFrame(ctx context.Context, level int) error { return errNoDebug }
func (l *launcherSession) Locals(ctx context.Context, frame int) ([]launcher.Variable, error) {
	return nil, errNoDebug
}
func (l *launcherSession) Children(ctx context.Context, varobj string) ([]launcher.Variable, error) {
	return nil, errNoDebug
}
func (l *launcherSession) Evaluate(ctx context.Context, frame int, expr string) (string, error) {
	return "", errNoDebug
}
func (l *launcherSession) Console(ctx context.Context, cmd string) (string, error) {
	return "", errNoDebug
}
func (l *launcherSession) ResolveBlocked(ctx context.Context, v launcher.Verdict) error {
	return errNoDebug
}
func (l *launcherSession) MainLocation(ctx context.Context) (launcher.Frame, error) {
	return launcher.Frame{}, errNoDebug
}
func (l *launcherSession) SourceFiles(ctx context.Context) ([]string, error) { return nil, errNoDebug }
func (l *launcherSession) Stop() error                                       { return l.s.Close() }
func (l *launcherSession) Close() error                                      { return l.s.Close() }
