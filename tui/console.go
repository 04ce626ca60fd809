package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sandbug/sandbug/launcher"
)

// maxConsoleLines bounds the console's memory; older lines scroll away.
const maxConsoleLines = 5000

// consoleLine is one line of the console: gdb output, a user command, or an MI command from the
// transcript of what each UI action issued.
type consoleLine struct {
	Kind launcher.ConsoleKind
	User bool // a command the user typed
	Text string
}

// consolePane shows gdb's console: what the user typed after ':' with its output, and the
// transcript of MI commands the UI sent (F10 shows up as -exec-next: a teaching aid).
type consolePane struct {
	lines   []consoleLine
	offset  int // lines scrolled back from the bottom
	input   lineInput
	editing bool
	history []string
	hpos    int
}

// add appends console text. The launcher sends whole lines (it assembles gdb's fragments), with
// or without their newline; several lines in one event are split.
func (p *consolePane) add(kind launcher.ConsoleKind, text string) {
	text = strings.TrimSuffix(text, "\n")
	for _, l := range strings.Split(text, "\n") {
		p.push(consoleLine{Kind: kind, Text: l})
	}
}

func (p *consolePane) push(l consoleLine) {
	p.lines = append(p.lines, l)
	if len(p.lines) > maxConsoleLines {
		p.lines = append(p.lines[:0:0], p.lines[len(p.lines)-maxConsoleLines:]...)
	}
	if p.offset > 0 {
		p.offset++
	}
}

// user records a command the user typed.
func (p *consolePane) user(cmd string) {
	p.push(consoleLine{User: true, Text: "(gdb) " + cmd})
	if cmd != "" && (len(p.history) == 0 || p.history[len(p.history)-1] != cmd) {
		p.history = append(p.history, cmd)
	}
	p.hpos = len(p.history)
}

func (p *consolePane) recall(d int) {
	if len(p.history) == 0 {
		return
	}
	p.hpos = min(max(p.hpos+d, 0), len(p.history))
	if p.hpos == len(p.history) {
		p.input.set("")
	} else {
		p.input.set(p.history[p.hpos])
	}
}

func (p *consolePane) scroll(d int) {
	p.offset = min(max(p.offset+d, 0), max(len(p.lines)-1, 0))
}

func (p *consolePane) view(st *Styles, w, h int, focused bool) []string {
	rows := h
	if p.editing || focused {
		rows--
	}
	if rows < 0 {
		rows = 0
	}
	end := len(p.lines) - p.offset
	start := max(end-rows, 0)
	var out []string
	if len(p.lines) == 0 {
		out = append(out, noteLines(st, "Press : and type a gdb command (e.g. print x, info registers).", w)...)
	}
	for _, l := range p.lines[start:max(end, 0)] {
		t := clean(l.Text)
		switch {
		case l.User:
			out = append(out, st.ConsoleCmd.Render(fit(t, w)))
		case l.Kind == launcher.ConsoleCommand:
			out = append(out, st.ConsoleMI.Render(fit("→ "+t, w)))
		case l.Kind == launcher.ConsoleLog:
			out = append(out, st.ConsoleLog.Render(fit(t, w)))
		default:
			out = append(out, fit(t, w))
		}
	}
	for len(out) < rows {
		out = append(out, "")
	}
	if p.editing || focused {
		prompt := "(gdb) "
		if !p.editing {
			out = append(out, st.Dim.Render(fit(prompt+"press : or Enter to type a command", w)))
		} else {
			out = append(out, p.input.view(st, prompt, w))
		}
	}
	return out
}

// lineInput is a one-line editor without blinking (no timers: an idle UI costs nothing).
type lineInput struct {
	text []rune
	pos  int
}

func (l *lineInput) set(s string)  { l.text = []rune(s); l.pos = len(l.text) }
func (l *lineInput) value() string { return string(l.text) }

// key edits the line with one key press; it reports whether the key was an editing key or text.
func (l *lineInput) key(k tea.KeyPressMsg, km EditKeys) bool {
	switch {
	case key.Matches(k, km.Left):
		l.pos = max(l.pos-1, 0)
	case key.Matches(k, km.Right):
		l.pos = min(l.pos+1, len(l.text))
	case key.Matches(k, km.Home):
		l.pos = 0
	case key.Matches(k, km.End):
		l.pos = len(l.text)
	case key.Matches(k, km.Backspace):
		if l.pos > 0 {
			l.text = append(l.text[:l.pos-1], l.text[l.pos:]...)
			l.pos--
		}
	case key.Matches(k, km.Delete):
		if l.pos < len(l.text) {
			l.text = append(l.text[:l.pos], l.text[l.pos+1:]...)
		}
	case key.Matches(k, km.KillBefore):
		l.text = l.text[l.pos:]
		l.pos = 0
	case key.Matches(k, km.KillAfter):
		l.text = l.text[:l.pos]
	default:
		return l.insert(k.Text)
	}
	return true
}

// insert types text at the cursor (a key's text or a paste); false when there is none.
func (l *lineInput) insert(text string) bool {
	if text == "" {
		return false
	}
	rs := []rune(clean(text))
	nt := make([]rune, 0, len(l.text)+len(rs))
	nt = append(nt, l.text[:l.pos]...)
	nt = append(nt, rs...)
	nt = append(nt, l.text[l.pos:]...)
	l.text = nt
	l.pos += len(rs)
	return true
}

func (l *lineInput) view(st *Styles, prompt string, w int) string {
	before := string(l.text[:l.pos])
	at := " "
	after := ""
	if l.pos < len(l.text) {
		at = string(l.text[l.pos])
		after = string(l.text[l.pos+1:])
	}
	return fit(st.ConsoleCmd.Render(prompt)+before+st.Selected.Reverse(true).Render(at)+after, w)
}
