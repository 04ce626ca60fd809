package tui

import (
	"context"

	"github.com/sandbug/sandbug/launcher"
)

// Session is what the TUI calls on a launcher session. It mirrors *launcher.Session so that
// model tests can drive the UI with a fake. Every method may block on gdb or the program: the
// TUI only calls them from tea.Cmds, never from Update. Run sessions answer the debugger methods
// with an error.
//
// ctx bounds each call: a query gives up when it is done; a control not yet sent to gdb is
// not sent (one gdb has is not taken back). Queries of a stopped program take their Scope
// (thread, frame) with each call: there is no selected frame to get out of step with the screen.
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
	Finish(ctx context.Context, sc launcher.Scope) error // until the frame sc returns
	Until(ctx context.Context, file string, line int) error
	Interrupt(ctx context.Context) error
	Kill(ctx context.Context) error

	// SetRecording starts or stops gdb's process record (record full) of the stopped program;
	// the Reverse* controls go back through what it recorded (launcher.ErrNotRecording when
	// it does not record).
	SetRecording(ctx context.Context, on bool) error
	ReverseNext(ctx context.Context) error
	ReverseStep(ctx context.Context) error
	ReverseFinish(ctx context.Context) error
	ReverseContinue(ctx context.Context) error

	Break(ctx context.Context, location string) error
	Delete(ctx context.Context, id string) error
	Enable(ctx context.Context, id string, on bool) error
	Condition(ctx context.Context, id, expr string) error
	// Watch sets a watchpoint (stop when the value changes) on expr in the frame sc, or on the
	// variable a Locals varobj shows (a field, an array element) when varobj is not "".
	Watch(ctx context.Context, sc launcher.Scope, expr, varobj string) error

	// StackPage lists count frames of a thread (0: the last stop's) from level from, with their
	// arguments when args is set, and says whether deeper frames follow.
	StackPage(ctx context.Context, thread, from, count int, args bool) (launcher.StackPage, error)
	Locals(ctx context.Context, sc launcher.Scope) ([]launcher.Variable, error)
	// Array shows the n elements a pointer points to (gdb's *expr@n) as an expandable variable:
	// the pointer expr of frame sc, or the one a Locals varobj shows.
	Array(ctx context.Context, sc launcher.Scope, expr, varobj string, n int) (launcher.Variable, error)
	Children(ctx context.Context, varobj string) ([]launcher.Variable, error)
	Evaluate(ctx context.Context, sc launcher.Scope, expr string) (string, error)
	// Console runs a gdb CLI command (through -interpreter-exec console) in the frame sc and
	// returns its output (the launcher returns "": its output arrives as ConsoleEvents).
	Console(ctx context.Context, sc launcher.Scope, cmd string) (string, error)
	// ResolveBlocked answers a call the program is stopped at (continue with an errno, or kill).
	ResolveBlocked(ctx context.Context, v launcher.Verdict) error
	// MainLocation says where main is, to show its source while the program starts.
	MainLocation(ctx context.Context) (launcher.Frame, error)
	// SourceFiles lists the program's source files (for "open another file").
	SourceFiles(ctx context.Context) ([]string, error)

	// Registers reads the general-purpose registers (launcher.GeneralRegisters) as the frame sc
	// sees them.
	Registers(ctx context.Context, sc launcher.Scope) ([]launcher.Register, error)
	// Disassemble reads the machine code around the pc of the frame sc, with its source lines.
	Disassemble(ctx context.Context, sc launcher.Scope) (launcher.Disassembly, error)
	// Memory reads n bytes at the address expr gives in the frame sc.
	Memory(ctx context.Context, sc launcher.Scope, expr string, n int) (launcher.Memory, error)
	// PathExpression is the C expression of a child value (a field, an element) by its varobj.
	PathExpression(ctx context.Context, varobj string) (string, error)
	// Threads lists the program's threads with their innermost frames.
	Threads(ctx context.Context) ([]launcher.Thread, error)
	// SelectThread makes thread id gdb's own selection and returns its frame 0.
	SelectThread(ctx context.Context, id int) (launcher.Frame, error)
	// Processes lists the processes under the debugger in this run (launcher.Config.FollowForks
	// "all" keeps more than the program), the program first.
	Processes(ctx context.Context) ([]launcher.Process, error)
	// StepInstruction and NextInstruction run one machine instruction of the thread sc names
	// (into calls, over calls).
	StepInstruction(ctx context.Context, sc launcher.Scope) error
	NextInstruction(ctx context.Context, sc launcher.Scope) error

	// Stop kills the program (and its children); the session stays usable in debug mode.
	Stop() error
	// Close ends the session: program, gdb, supervisor, temp files.
	Close() error
}

// Starter starts a session: debug (under gdb) or run (the wrapper alone).
type Starter func(ctx context.Context, cfg launcher.Config, debug bool) (Session, error)
