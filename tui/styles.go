package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles holds every style the TUI draws with, so that light and dark terminals and NO_COLOR are
// decided in one place. Marks that carry meaning (breakpoint, current line, blocked call) are
// glyphs first and colours second, so the screen still reads without colour.
type Styles struct {
	Dark    bool // built for a dark background
	NoColor bool // NO_COLOR: attributes only (bold, reverse, underline)

	Border, BorderFocused lipgloss.Style
	Title, TitleFocused   lipgloss.Style
	Tab                   lipgloss.Style // an inactive tab title in a pane group

	// Source pane.
	LineNo, LineNoCurrent     lipgloss.Style
	Breakpoint, BreakpointOff lipgloss.Style // gutter marks
	CurrentLine               lipgloss.Style // the line the program is stopped at
	CurrentArrow              lipgloss.Style
	Cursor                    lipgloss.Style // the source cursor line (F9 and F4 act on it)
	BlockedMark               lipgloss.Style // a line where a syscall was blocked
	Match                     lipgloss.Style // a search match
	Keyword, Type, String     lipgloss.Style
	Comment, Number, Preproc  lipgloss.Style
	Function, Operator        lipgloss.Style

	// Lists and values.
	Selected      lipgloss.Style // the selected row in a focused list
	SelectedBlur  lipgloss.Style // the selected row when the pane has no focus
	Name, VarType lipgloss.Style
	Value         lipgloss.Style
	Changed       lipgloss.Style // a value that changed since the last stop
	Dim           lipgloss.Style
	Note          lipgloss.Style // friendly notes ("no source for this frame")

	// States and verdicts.
	OK, Warn, Error lipgloss.Style
	Running         lipgloss.Style
	Stopped         lipgloss.Style

	// Status bar and key hints.
	Status    lipgloss.Style
	StatusKey lipgloss.Style
	Key, Desc lipgloss.Style

	// Cards (blocked call, exit, help, quit question).
	Card, CardTitle, CardLabel lipgloss.Style

	// Console.
	ConsoleCmd, ConsoleMI, ConsoleLog lipgloss.Style
}

// NewStyles returns the styles for a dark or light background; noColor drops every colour and
// keeps only attributes (what NO_COLOR asks for).
func NewStyles(dark, noColor bool) Styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, darkHex string) color.Color {
		return ld(lipgloss.Color(light), lipgloss.Color(darkHex))
	}
	s := lipgloss.NewStyle
	st := Styles{Dark: dark, NoColor: noColor}
	if noColor {
		st.Border = s()
		st.BorderFocused = s().Bold(true)
		st.Title = s()
		st.TitleFocused = s().Bold(true).Reverse(true)
		st.Tab = s().Faint(true)
		st.LineNo = s().Faint(true)
		st.LineNoCurrent = s().Bold(true)
		st.Breakpoint = s().Bold(true)
		st.BreakpointOff = s().Faint(true)
		st.CurrentLine = s().Reverse(true)
		st.CurrentArrow = s().Bold(true)
		st.Cursor = s().Underline(true)
		st.BlockedMark = s().Bold(true)
		st.Match = s().Underline(true).Bold(true)
		st.Keyword = s().Bold(true)
		st.Type, st.String, st.Comment, st.Number = s(), s(), s().Faint(true), s()
		st.Preproc, st.Function, st.Operator = s().Bold(true), s(), s()
		st.Selected = s().Reverse(true)
		st.SelectedBlur = s().Underline(true)
		st.Name, st.VarType, st.Value = s().Bold(true), s().Faint(true), s()
		st.Changed = s().Bold(true).Underline(true)
		st.Dim = s().Faint(true)
		st.Note = s().Italic(true)
		st.OK, st.Warn, st.Error = s().Bold(true), s().Bold(true), s().Bold(true).Reverse(true)
		st.Running, st.Stopped = s().Bold(true), s().Bold(true)
		st.Status = s().Reverse(true)
		st.StatusKey = s().Reverse(true).Bold(true)
		st.Key, st.Desc = s().Bold(true), s()
		st.Card, st.CardTitle, st.CardLabel = s(), s().Bold(true).Reverse(true), s().Bold(true)
		st.ConsoleCmd, st.ConsoleMI, st.ConsoleLog = s().Bold(true), s().Faint(true), s().Italic(true)
		return st
	}
	accent := c("#1f5fbf", "#7aa2f7")
	muted := c("#8a8a8a", "#5c6370")
	fg := c("#202020", "#d0d0d0")
	st.Border = s().Foreground(muted)
	st.BorderFocused = s().Foreground(accent).Bold(true)
	st.Title = s().Foreground(c("#505050", "#a0a0a0"))
	st.TitleFocused = s().Foreground(accent).Bold(true)
	st.Tab = s().Foreground(muted)
	st.LineNo = s().Foreground(muted)
	st.LineNoCurrent = s().Foreground(c("#b35900", "#e5c07b")).Bold(true)
	st.Breakpoint = s().Foreground(c("#c0152f", "#ff5f5f")).Bold(true)
	st.BreakpointOff = s().Foreground(muted)
	st.CurrentLine = s().Background(c("#fff2b3", "#3b3a20"))
	st.CurrentArrow = s().Foreground(c("#b35900", "#e5c07b")).Bold(true)
	st.Cursor = s().Background(c("#e8eef8", "#262b36"))
	st.BlockedMark = s().Foreground(c("#a0009f", "#ff79c6")).Bold(true)
	st.Match = s().Background(c("#ffd75f", "#875f00")).Foreground(fg)
	st.Keyword = s().Foreground(c("#8700af", "#c678dd")).Bold(true)
	st.Type = s().Foreground(c("#005f87", "#56b6c2"))
	st.String = s().Foreground(c("#1a7f37", "#98c379"))
	st.Comment = s().Foreground(c("#7a7a7a", "#7f848e")).Italic(true)
	st.Number = s().Foreground(c("#b35900", "#d19a66"))
	st.Preproc = s().Foreground(c("#af005f", "#e06c75"))
	st.Function = s().Foreground(c("#0550ae", "#61afef"))
	st.Operator = s().Foreground(fg)
	st.Selected = s().Background(c("#cfe0fc", "#2c3e66")).Foreground(fg)
	st.SelectedBlur = s().Background(c("#ececec", "#2a2d33"))
	st.Name = s().Foreground(c("#0550ae", "#61afef"))
	st.VarType = s().Foreground(muted)
	st.Value = s().Foreground(fg)
	st.Changed = s().Foreground(c("#c0152f", "#ff875f")).Bold(true)
	st.Dim = s().Foreground(muted)
	st.Note = s().Foreground(muted).Italic(true)
	st.OK = s().Foreground(c("#1a7f37", "#98c379")).Bold(true)
	st.Warn = s().Foreground(c("#9a6700", "#e5c07b")).Bold(true)
	st.Error = s().Foreground(c("#c0152f", "#ff5f5f")).Bold(true)
	st.Running = s().Foreground(c("#1a7f37", "#98c379")).Bold(true)
	st.Stopped = s().Foreground(c("#9a6700", "#e5c07b")).Bold(true)
	st.Status = s().Background(c("#dde3ee", "#24283b")).Foreground(fg)
	st.StatusKey = s().Background(c("#dde3ee", "#24283b")).Foreground(accent).Bold(true)
	st.Key = s().Foreground(accent).Bold(true)
	st.Desc = s().Foreground(c("#505050", "#a0a0a0"))
	st.Card = s().Foreground(fg)
	st.CardTitle = s().Foreground(c("#ffffff", "#1a1b26")).Background(c("#c0152f", "#ff757f")).Bold(true)
	st.CardLabel = s().Foreground(accent).Bold(true)
	st.ConsoleCmd = s().Foreground(accent).Bold(true)
	st.ConsoleMI = s().Foreground(muted)
	st.ConsoleLog = s().Foreground(c("#9a6700", "#e5c07b"))
	return st
}
