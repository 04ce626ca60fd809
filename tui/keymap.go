package tui

import (
	"charm.land/bubbles/v2/key"
)

// KeyMap holds every key binding of the TUI. The key model (README "Keys"):
//   - while the program is stopped, every debugger key (F-keys and the gdb letters r c n s f b
//     t u d) works whichever pane has focus, the Program pane included;
//   - the program receives typing only while it runs: in the Program pane, and from any pane
//     while it waits for input (the kernel shows it blocked reading its terminal);
//   - Tab and Shift+Tab move between panes only (also out of the Program pane); ] and [ switch
//     the tabs inside a pane (Locals/Watch, Stack/Breakpoints, Sandbox/Console);
//   - a key that does nothing where it is pressed says why in the status line.
//
// Every F-key with a modifier has a Ctrl key too, for terminals that cannot send it.
type KeyMap struct {
	// Program control.
	DebugContinue key.Binding // F5: start under the debugger, or continue
	RunNoDebug    key.Binding // Ctrl+F5 / Ctrl+R: run without the debugger
	Stop          key.Binding // Shift+F5 / Ctrl+X: kill the program
	Restart       key.Binding // Ctrl+Shift+F5 (as VS Code): restart the program (any pane)
	Interrupt     key.Binding // Ctrl+C: pause a running program (outside the Program pane)
	Next          key.Binding // F10
	Step          key.Binding // F11
	Finish        key.Binding // Shift+F11 / Ctrl+E
	RunToCursor   key.Binding // F4
	ToggleBreak   key.Binding // F9

	// gdb letters: any pane while the program is stopped.
	LetterRun, LetterContinue, LetterNext, LetterStep, LetterFinish key.Binding
	LetterBreak, LetterUntil, FrameUp, FrameDown                    key.Binding
	// One machine instruction (stepi, nexti) while the Asm tab is shown.
	StepInsn, NextInsn key.Binding
	LetterRestart      key.Binding // R: Restart, outside the program's typing
	// P: show the next process under the debugger (--follow-forks all) while stopped.
	SwitchProcess key.Binding

	// Reverse stepping (gdb's record full): v records, the capitals go back while it does.
	Record                                                   key.Binding // 'v'
	ReverseNext, ReverseStep, ReverseFinish, ReverseContinue key.Binding // N S F C

	// Source navigation.
	Search, SearchNext, GotoLine, SwitchFile key.Binding

	// Lists.
	Up, Down, PageUp, PageDown, Home, End, Select key.Binding
	Expand, Collapse                              key.Binding
	Add, Delete, Condition                        key.Binding
	WatchChange                                   key.Binding // locals: stop when this changes
	ShowArray                                     key.Binding // locals: *p@n, the elements a pointer points to
	ShowMemory                                    key.Binding // locals: the Memory view at this value (or where a pointer points)
	EnableBreak                                   key.Binding // Space in the Breakpoints pane
	LessonMore                                    key.Binding // Space in the Lesson pane
	ClearSearch                                   key.Binding // Esc in the Source pane

	// The Program pane's scrollback (the other keys there go to the program).
	ScrollBackUp, ScrollBackDown, ScrollBackPageUp, ScrollBackPageDown key.Binding

	// Focus and screens.
	FocusNext, FocusPrev key.Binding // Tab, Shift+Tab: panes only
	NextTab, PrevTab     key.Binding // ], [: the tabs inside a pane
	LeaveProgram         key.Binding // Ctrl+O: leave the Program pane
	Console              key.Binding // ':'
	Processes            key.Binding // 'p': the Processes view (and back to the source)
	Help                 key.Binding // '?'
	Quit                 key.Binding // 'q'

	// Keys that work in every pane, the Program pane included (globalKey).
	QuitAnywhere     key.Binding // Ctrl+Q
	HelpAnywhere     key.Binding // F1
	NextPaneAnywhere key.Binding // F6

	// The cards', prompts' and editors' own keys.
	Dialogs DialogKeyMap
}

// DefaultKeyMap returns the contract key map (issue 5: F5, Ctrl+F5, Shift+F5, F9, F10, F11,
// Shift+F11, F4; r c n s f b u d in the Source pane; Tab, ':', '?', 'q').
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		DebugContinue: b([]string{"f5"}, "F5", "debug/continue"),
		RunNoDebug:    b([]string{"ctrl+f5", "ctrl+r"}, "Ctrl+F5/Ctrl+R", "run without debugging"),
		Stop:          b([]string{"shift+f5", "ctrl+x"}, "Shift+F5/Ctrl+X", "stop (kill the program)"),
		Restart:       b([]string{"ctrl+shift+f5"}, "Ctrl+Shift+F5", "restart (breakpoints kept)"),
		Interrupt:     b([]string{"ctrl+c"}, "Ctrl+C", "pause a running program"),
		Next:          b([]string{"f10"}, "F10", "next line"),
		Step:          b([]string{"f11"}, "F11", "step into"),
		Finish:        b([]string{"shift+f11", "ctrl+e"}, "Shift+F11/Ctrl+E", "finish (step out)"),
		RunToCursor:   b([]string{"f4"}, "F4", "run to cursor"),
		ToggleBreak:   b([]string{"f9"}, "F9", "toggle breakpoint"),

		LetterRun:      b([]string{"r"}, "r", "run"),
		LetterContinue: b([]string{"c"}, "c", "continue"),
		LetterNext:     b([]string{"n"}, "n", "next"),
		LetterStep:     b([]string{"s"}, "s", "step"),
		LetterFinish:   b([]string{"f"}, "f", "finish"),
		LetterBreak:    b([]string{"b"}, "b", "breakpoint at cursor"),
		LetterUntil:    b([]string{"t"}, "t", "run to cursor"),
		FrameUp:        b([]string{"u"}, "u", "frame up (caller)"),
		FrameDown:      b([]string{"d"}, "d", "frame down"),
		StepInsn:       b([]string{"i"}, "i", "step one instruction (Asm tab)"),
		NextInsn:       b([]string{"I"}, "I", "next instruction, over calls (Asm tab)"),
		LetterRestart:  b([]string{"R"}, "R", "restart the program"),
		SwitchProcess:  b([]string{"P"}, "P", "show the next process (--follow-forks all)"),

		Record:          b([]string{"v"}, "v", "record on/off (for reverse steps)"),
		ReverseNext:     b([]string{"N"}, "N", "reverse next"),
		ReverseStep:     b([]string{"S"}, "S", "reverse step"),
		ReverseFinish:   b([]string{"F"}, "F", "reverse finish"),
		ReverseContinue: b([]string{"C"}, "C", "reverse continue"),

		Search:     b([]string{"/"}, "/", "search"),
		SearchNext: b([]string{"ctrl+n"}, "Ctrl+N", "next match"),
		GotoLine:   b([]string{"g", "ctrl+g"}, "g", "go to line"),
		SwitchFile: b([]string{"o", "ctrl+p"}, "o", "open another file"),

		Up:          b([]string{"up", "k"}, "↑/k", "up"),
		Down:        b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:      b([]string{"pgup"}, "PgUp", "page up"),
		PageDown:    b([]string{"pgdown"}, "PgDn", "page down"),
		Home:        b([]string{"home"}, "Home", "top"),
		End:         b([]string{"end"}, "End", "bottom"),
		Select:      b([]string{"enter"}, "Enter", "select / show"),
		Expand:      b([]string{"right", "l", "space"}, "→/Space", "expand"),
		Collapse:    b([]string{"left", "h"}, "←", "collapse"),
		Add:         b([]string{"a", "+"}, "a", "add (watch, memory address)"),
		WatchChange: b([]string{"w"}, "w", "stop when this changes (locals)"),
		ShowArray:   b([]string{"@"}, "@", "show *p@n (locals)"),
		ShowMemory:  b([]string{"m"}, "m", "its memory (locals; a pointer: where it points)"),
		Delete:      b([]string{"x", "delete"}, "x", "delete"),
		Condition:   b([]string{"e"}, "e", "edit condition (breakpoints)"),
		EnableBreak: b([]string{"space"}, "Space", "enable/disable (breakpoints)"),
		LessonMore:  b([]string{"space"}, "Space", "scroll (lesson)"),
		ClearSearch: b([]string{"esc"}, "Esc", "clear the search (source)"),

		ScrollBackUp:       b([]string{"shift+up"}, "Shift+↑", "scroll back (program)"),
		ScrollBackDown:     b([]string{"shift+down"}, "Shift+↓", "scroll forward (program)"),
		ScrollBackPageUp:   b([]string{"shift+pgup"}, "Shift+PgUp", "page back (program)"),
		ScrollBackPageDown: b([]string{"shift+pgdown"}, "Shift+PgDn", "page forward (program)"),

		FocusNext:    b([]string{"tab"}, "Tab", "next pane"),
		FocusPrev:    b([]string{"shift+tab"}, "Shift+Tab", "previous pane"),
		NextTab:      b([]string{"]"}, "]", "next tab in a pane"),
		PrevTab:      b([]string{"["}, "[", "previous tab in a pane"),
		LeaveProgram: b([]string{"ctrl+o"}, "Ctrl+O", "leave the Program pane"),
		Console:      b([]string{":"}, ":", "gdb console"),
		Processes:    b([]string{"p"}, "p", "processes and file descriptors"),
		Help:         b([]string{"?"}, "?", "help"),
		Quit:         b([]string{"q"}, "q", "quit"),

		QuitAnywhere:     b([]string{"ctrl+q"}, "Ctrl+Q", "quit (any pane)"),
		HelpAnywhere:     b([]string{"f1"}, "F1", "help (any pane)"),
		NextPaneAnywhere: b([]string{"f6"}, "F6", "next pane (any pane)"),

		Dialogs: DefaultDialogKeyMap(),
	}
}

// keyState is what decides which bindings are enabled.
type keyState struct {
	debug   bool // a debug session (not run-without-debugging)
	running bool // the program runs
	stopped bool // the program is stopped under the debugger
	live    bool // the program exists (running or stopped)
	ended   bool // a run without the debugger ended: R runs it again
	// recording: gdb records the program (record full), so the reverse keys work when stopped
	recording bool
}

// applyState enables the bindings that make sense in st, so help only shows keys that work.
func (k *KeyMap) applyState(st keyState) {
	k.Next.SetEnabled(st.stopped)
	k.Step.SetEnabled(st.stopped)
	k.Finish.SetEnabled(st.stopped)
	k.RunToCursor.SetEnabled(st.debug && !st.running)
	k.Stop.SetEnabled(st.live)
	k.Restart.SetEnabled(st.live || st.ended)
	k.LetterRestart.SetEnabled(st.live || st.ended)
	k.Interrupt.SetEnabled(st.debug && st.running)
	k.WatchChange.SetEnabled(st.stopped)
	k.ShowArray.SetEnabled(st.stopped)
	k.FrameUp.SetEnabled(st.stopped)
	k.FrameDown.SetEnabled(st.stopped)
	k.StepInsn.SetEnabled(st.stopped)
	k.SwitchProcess.SetEnabled(st.stopped)
	k.NextInsn.SetEnabled(st.stopped)
	for _, b := range []*key.Binding{&k.LetterContinue, &k.LetterNext, &k.LetterStep, &k.LetterFinish} {
		b.SetEnabled(st.stopped)
	}
	k.Record.SetEnabled(st.debug && st.stopped)
	for _, b := range []*key.Binding{&k.ReverseNext, &k.ReverseStep, &k.ReverseFinish, &k.ReverseContinue} {
		b.SetEnabled(st.stopped && st.recording)
	}
	k.LetterRun.SetEnabled(!st.running)
	k.LetterUntil.SetEnabled(st.debug && !st.running)
	if st.stopped {
		k.DebugContinue.SetHelp("F5", "continue")
	} else {
		k.DebugContinue.SetHelp("F5", "debug")
	}
}

// ShortHelp returns the one-line hint: the keys most useful right now.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.DebugContinue, k.Next, k.Step, k.ToggleBreak, k.RunNoDebug, k.Stop,
		k.FocusNext, k.Console, k.Help, k.Quit}
}

// FullHelp returns every binding in columns for the '?' screen. Disabled bindings are kept (the
// help screen lists the whole map); the renderer marks those that do not apply now.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.DebugContinue, k.RunNoDebug, k.Stop, k.Restart, k.Interrupt, k.Next, k.Step, k.Finish, k.RunToCursor, k.ToggleBreak},
		{k.LetterRun, k.LetterContinue, k.LetterNext, k.LetterStep, k.LetterFinish, k.LetterBreak, k.LetterUntil, k.FrameUp, k.FrameDown, k.LetterRestart, k.StepInsn, k.NextInsn},
		{k.Search, k.SearchNext, k.GotoLine, k.SwitchFile, k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.Select},
		{k.Expand, k.Collapse, k.Add, k.Delete, k.Condition, k.FocusNext, k.FocusPrev, k.NextTab, k.PrevTab, k.LeaveProgram, k.Console, k.Processes, k.Help, k.Quit},
		{k.WatchChange, k.ShowArray, k.ShowMemory, k.EnableBreak, k.LessonMore, k.ClearSearch, k.QuitAnywhere, k.HelpAnywhere, k.NextPaneAnywhere},
		{k.Record, k.ReverseNext, k.ReverseStep, k.ReverseFinish, k.ReverseContinue},
	}
}
