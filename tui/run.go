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
	m.dbgPump.release()
	m.runPump.release()
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
