package tui

import (
	"context"

	"github.com/sandbug/sandbug/launcher"
)

// Session is what the TUI calls on a launcher session. It mirrors *launcher.Session so that
// model tests can drive the UI with a fake. Every method may block on gdb or the program: the
// TUI only calls them from tea.Cmds, never from Update. Run sessions answer the debugger methods
// with an error.
type Session interface {
	// Events is the session's ordered event stream; it is closed when the session ends.
	Events() <-chan launcher.Event
	// Input types bytes into the program's terminal.
	Input(b []byte) error
	// Resize sets the program terminal's size.
	Resize(rows, cols int) error

	Run(ctx context.Context) error // start (or restart) the program under the debugger
	Continue(ctx context.Context) error
	Next(ctx context.Context) error
	Step(ctx context.Context) error
	Finish(ctx context.Context) error
	Until(ctx context.Context, file string, line int) error
	Interrupt(ctx context.Context) error
	Kill(ctx context.Context) error

	Break(ctx context.Context, location string) error
	Delete(ctx context.Context, id string) error
	Enable(ctx context.Context, id string, on bool) error
	Condition(ctx context.Context, id, expr string) error

	Stack(ctx context.Context) ([]launcher.Frame, error)
	SelectFrame(ctx context.Context, level int) error
	Locals(ctx context.Context, frame int) ([]launcher.Variable, error)
	Children(ctx context.Context, varobj string) ([]launcher.Variable, error)
	Evaluate(ctx context.Context, frame int, expr string) (string, error)
	// Console runs a gdb CLI command (through -interpreter-exec console) and returns its output.
	Console(ctx context.Context, cmd string) (string, error)
	// ResolveBlocked answers a call the program is stopped at (continue with an errno, or kill).
	ResolveBlocked(ctx context.Context, v launcher.Verdict) error
	// MainLocation says where main is, to show its source before the program runs.
	MainLocation(ctx context.Context) (launcher.Frame, error)
	// SourceFiles lists the program's source files (for "open another file").
	SourceFiles(ctx context.Context) ([]string, error)

	// Stop kills the program (and its children); the session stays usable in debug mode.
	Stop() error
	// Close ends the session: program, gdb, supervisor, temp files.
	Close() error
}

// Starter starts a session: debug (under gdb) or run (the wrapper alone).
type Starter func(ctx context.Context, cfg launcher.Config, debug bool) (Session, error)
