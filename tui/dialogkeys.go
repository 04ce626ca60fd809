package tui

import "charm.land/bubbles/v2/key"

// Each card, prompt and editor owns a small key map, answered with key.Matches like the panes'
// (crush's dialogs do the same): no key is compared as a string anywhere in the UI.

// HelpCardKeys are the keys of the '?' card.
type HelpCardKeys struct{ Close, Up, Down, PageUp, PageDown key.Binding }

// QuitCardKeys are the keys of the "Quit?" card.
type QuitCardKeys struct{ Yes, No key.Binding }

// ExitCardKeys are the keys of the card that says how the program ended; any other key does
// what it does on the main screen.
type ExitCardKeys struct{ Close, Quit key.Binding }

// BlockedCardKeys are the keys of the card of a blocked call the program is stopped at.
type BlockedCardKeys struct{ Prev, Next, Continue, Kill, Close, Quit key.Binding }

// FilesCardKeys are the keys of the "open another file" card.
type FilesCardKeys struct{ Close, Up, Down, Open key.Binding }

// PromptKeys are the keys of a one-line prompt (search, go to line, watch, condition).
type PromptKeys struct{ Cancel, Submit key.Binding }

// ConsoleKeys are the keys of the gdb console while typing a command. FKeys are the function
// keys that still drive the program while typing (F5, F10, ...: the global bindings decide).
type ConsoleKeys struct {
	Leave, Run, Older, Newer, PageUp, PageDown, FocusNext, FocusPrev, FKeys key.Binding
}

// EditKeys are the line editor's keys (emacs-like, as in a shell).
type EditKeys struct {
	Left, Right, Home, End, Backspace, Delete, KillBefore, KillAfter key.Binding
}

// DialogKeyMap holds the key maps of every card, prompt and editor.
type DialogKeyMap struct {
	Help    HelpCardKeys
	Quit    QuitCardKeys
	Exit    ExitCardKeys
	Blocked BlockedCardKeys
	Files   FilesCardKeys
	Prompt  PromptKeys
	Console ConsoleKeys
	Edit    EditKeys
}

// DefaultDialogKeyMap returns the cards' and editors' keys.
func DefaultDialogKeyMap() DialogKeyMap {
	b := func(keys ...string) key.Binding { return key.NewBinding(key.WithKeys(keys...)) }
	return DialogKeyMap{
		Help: HelpCardKeys{Close: b("esc", "?", "q", "enter", "f1"), Up: b("up", "k"), Down: b("down", "j"),
			PageUp: b("pgup"), PageDown: b("pgdown", "space")},
		Quit: QuitCardKeys{Yes: b("y", "enter", "q", "ctrl+q"), No: b("n", "esc")},
		Exit: ExitCardKeys{Close: b("enter", "esc", "space"), Quit: b("q", "ctrl+q")},
		Blocked: BlockedCardKeys{Prev: b("left", "h"), Next: b("right", "l", "tab"), Continue: b("enter", "f5", "c"),
			Kill: b("k"), Close: b("esc"), Quit: b("q", "ctrl+q")},
		Files:  FilesCardKeys{Close: b("esc"), Up: b("up", "k"), Down: b("down", "j"), Open: b("enter")},
		Prompt: PromptKeys{Cancel: b("esc"), Submit: b("enter")},
		Console: ConsoleKeys{Leave: b("esc"), Run: b("enter"), Older: b("up"), Newer: b("down"),
			PageUp: b("pgup"), PageDown: b("pgdown"), FocusNext: b("tab"), FocusPrev: b("shift+tab"),
			FKeys: b("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12")},
		Edit: EditKeys{Left: b("left", "ctrl+b"), Right: b("right", "ctrl+f"), Home: b("home", "ctrl+a"),
			End: b("end", "ctrl+e"), Backspace: b("backspace", "ctrl+h"), Delete: b("delete", "ctrl+d"),
			KillBefore: b("ctrl+u"), KillAfter: b("ctrl+k")},
	}
}
