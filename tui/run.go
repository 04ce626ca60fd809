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
	if m.debugMode {
		m.preStartDebug()
	}
	// The colour profile is detected while the debug session starts: inside tmux, Detect runs
	// `tmux info` (20-40 ms on a slow machine), which sandbug's start-up no longer waits for
	// (internal/tmuxhide).
	var profile chan colorprofile.Profile
	if !m.noColor && opts.Output == nil {
		profile = make(chan colorprofile.Profile, 1)
		go func() { profile <- colorprofile.Detect(os.Stdout, os.Environ()) }()
	}
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
	switch {
	case m.noColor:
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	case profile != nil:
		popts = append(popts, tea.WithColorProfile(<-profile))
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
	m.pre.abandon(cancel)
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

// preStart is the first debug session, started by Run before the UI: gdb's start-up, the
// longest part of the first frame, then overlaps Bubble Tea's own start (terminal set-up and
// colour detection, which runs `tmux info` twice under tmux: ~60-130 ms here). Init hands its
// result to the model as the usual sessionMsg.
type preStart struct {
	done chan struct{}
	msg  tea.Msg // a sessionMsg once done is closed
}

// preStartDebug starts the first debug session now, as Init would have.
func (m *Model) preStartDebug() {
	cmd := m.startSession(true)
	p := &preStart{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.msg = cmd()
	}()
	m.pre = p
}

// result is Init's command for a pre-started session: its sessionMsg once it has started.
func (p *preStart) result() tea.Msg {
	<-p.done
	return p.msg
}

// abandon is Run's last word on a pre-started session: when the UI ended before the session
// reached the model (a quit during start-up, a terminal error), it is cancelled, waited for and
// closed, so nothing is left running. Closing one the model took is harmless.
func (p *preStart) abandon(cancel context.CancelFunc) {
	if p == nil {
		return
	}
	cancel()
	<-p.done
	if sm, ok := p.msg.(sessionMsg); ok && sm.sess != nil {
		sm.pump.release()
		_ = sm.sess.Close()
	}
}
