package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/sandbug/sandbug/launcher"
)

// cardKind says which modal card is open, if any.
type cardKind int

const (
	cardNone cardKind = iota
	cardBlocked
	cardExit
	cardHelp
	cardQuit
	cardFiles
	cardPrompt
)

// errnoChoices are the errnos offered on the blocked-call card, after the rule's own.
var errnoChoices = []struct {
	Name string
	Nr   int
	Says string
}{
	{"EPERM", 1, "Operation not permitted"},
	{"EACCES", 13, "Permission denied"},
	{"ENOSYS", 38, "Function not implemented"},
	{"EINVAL", 22, "Invalid argument"},
	{"EAGAIN", 11, "Resource temporarily unavailable"},
}

// blockedCard draws the card for a program stopped at a call the sandbox denies: what it tried,
// where, why that kind of call is forbidden, and the choices.
func blockedCard(st *Styles, b launcher.Blocked, choice int, w int) string {
	inner := w - 4
	var body []string
	call := clean(b.Call)
	if call == "" {
		call = clean(b.Syscall) + "(…)"
	}
	body = append(body, st.CardLabel.Render("What  ")+call)
	where := clean(shortPaths(b.Where.Where()))
	if where == "" {
		where = "unknown (no source for this call)"
	}
	body = append(body, st.CardLabel.Render("Where ")+where)
	if b.Pid > 0 {
		who := fmt.Sprintf("pid %d", b.Pid)
		if b.Child {
			who += " (a child process)"
		}
		body = append(body, st.CardLabel.Render("Who   ")+who)
	}
	why := clean(b.Explain)
	if why == "" {
		why = "The sandbox's policy does not allow this system call."
	}
	rule := clean(b.Rule)
	if rule == "" {
		rule = "the policy default"
	}
	body = append(body, st.CardLabel.Render("Why   ")+st.Dim.Render("rule "+rule))
	for _, l := range wrap(why, inner-2) {
		body = append(body, "  "+l)
	}
	body = append(body, "")
	e := errnoChoices[choice%len(errnoChoices)]
	body = append(body, st.Key.Render("Enter")+fmt.Sprintf("  continue: the call fails with %s (%s)", e.Name, e.Says))
	body = append(body, st.Key.Render("←/→")+"    choose another errno")
	body = append(body, st.Key.Render("k")+"      let the sandbox kill the program")
	body = append(body, st.Key.Render("Esc")+"    look around first (the card comes back with F5)")
	return card(st, "Blocked: the program tried "+clean(b.Syscall), body, w)
}

// exitCard draws how the program ended, in plain words.
func exitCard(st *Styles, s launcher.ExitStatus, debug bool, w int) string {
	inner := w - 4
	var body []string
	for _, l := range wrap(shortPaths(s.Summary()), inner) {
		st2 := st.OK
		if !s.Success() {
			st2 = st.Error
		}
		body = append(body, st2.Render(l))
	}
	if s.SignalDesc != "" && s.Kind == launcher.KindSignaled && !strings.Contains(s.Summary(), s.SignalDesc) {
		body = append(body, st.Dim.Render(clean(s.SignalDesc)))
	}
	if s.Explanation != "" {
		for _, l := range wrap(clean(s.Explanation), inner) {
			body = append(body, l)
		}
	}
	if s.Kind == launcher.KindCompileError || (s.Kind == launcher.KindSandboxError && strings.Contains(s.Message, "\n")) ||
		(s.Kind == launcher.KindDebuggerEnded && s.Message != "") {
		body = append(body, "")
		msg := strings.Split(strings.TrimSpace(s.Message), "\n")
		if len(msg) > 12 {
			msg = append(msg[:12], fmt.Sprintf("… (%d more lines in the console)", len(msg)-12))
		}
		for _, l := range msg {
			body = append(body, st.Dim.Render(fit(clean(l), inner)))
		}
	}
	body = append(body, st.Dim.Render(fmt.Sprintf("A shell would see exit status %d.", s.ShellCode())))
	body = append(body, "")
	body = append(body, st.Key.Render("F5")+" debug again   "+st.Key.Render("Ctrl+R")+" run again   "+st.Key.Render("Enter")+" close   "+st.Key.Render("q")+" quit")
	title := "The program ended"
	if !debug {
		title += " (run without debugging)"
	}
	return card(st, title, body, w)
}

// quitCard asks before killing a live program.
func quitCard(st *Styles, w int) string {
	return card(st, "Quit?", []string{
		"The program still runs (or waits in the debugger). Quitting kills it.",
		"",
		st.Key.Render("y") + " quit and kill it    " + st.Key.Render("n") + "/" + st.Key.Render("Esc") + " stay",
	}, w)
}

// helpCard lists the whole key map in two columns; keys that do nothing right now are dimmed.
// When the screen is too short it scrolls (top is the first row shown).
func helpCard(st *Styles, km KeyMap, w, h, top int) string {
	inner := w - 4
	colW := inner / 2
	var bindings []key.Binding
	for _, col := range km.FullHelp() {
		bindings = append(bindings, col...)
	}
	// Two columns where each has room for a key and a few words, else one; a description
	// longer than its column wraps under itself (never cut).
	cols, cw := 2, colW-1
	if cw < 18+16 {
		cols, cw = 1, inner
	}
	var colLines [2][]string
	per := (len(bindings) + cols - 1) / cols
	for i, b := range bindings {
		c := min(i/per, cols-1)
		colLines[c] = append(colLines[c], helpItemLines(st, b, cw)...)
	}
	var rows []string
	for i := 0; i < max(len(colLines[0]), len(colLines[1])); i++ {
		l := ""
		for c := 0; c < cols; c++ {
			cell := ""
			if i < len(colLines[c]) {
				cell = colLines[c][i]
			}
			l += fit(cell, cw) + " "
		}
		rows = append(rows, l)
	}
	notes := wrap("Locals and Registers: a * after a value means it changed since the last stop; Memory: a * before a byte. Stack: Enter opens a folded recursion (rec() ×29,998). Source tabs (]): Processes, Asm (i/I step by instruction), Memory (a: an address); Registers and Threads (Enter shows one) are tabs of the right column.", inner)
	mouse := len(wrap("Mouse: click the gutter for a breakpoint, click to select, wheel to scroll.", inner))
	room := max(h-8-len(notes)-mouse, 3)
	more := ""
	if len(rows) > room {
		top = min(max(top, 0), len(rows)-room)
		rows = rows[top : top+room]
		more = "  ↑/↓ scroll this list."
	}
	var body []string
	for _, l := range wrap("Stopped: every key works in every pane. Running: typing goes to the program in the Program pane, and from any pane while it waits for input (⌨ in the status line); F-keys and Ctrl+Q stay here. Tab: next pane; ] and [: tabs in a pane.", inner) {
		body = append(body, st.Dim.Render(l))
	}
	body = append(body, rows...)
	body = append(body, "")
	for _, l := range notes {
		body = append(body, st.Dim.Render(l))
	}
	for _, l := range wrap("Mouse: click the gutter for a breakpoint, click to select, wheel to scroll.", inner) {
		body = append(body, st.Dim.Render(l))
	}
	body = append(body, st.Dim.Render("Esc closes."+more))
	return card(st, "Keys", body, w)
}

// helpItemLines is one binding: its key, then its description wrapped to the rest of w, the
// continuation lines indented under the description.
func helpItemLines(st *Styles, b key.Binding, w int) []string {
	h := b.Help()
	descs := wrap(h.Desc, max(w-18, 8))
	var out []string
	for i, d := range descs {
		k := fmt.Sprintf("%-17s", "")
		if i == 0 {
			k = fmt.Sprintf("%-17s", h.Key)
		}
		switch {
		case !b.Enabled():
			out = append(out, st.Dim.Render(k+" "+d))
		case i == 0:
			out = append(out, st.Key.Render(k)+" "+st.Desc.Render(d))
		default:
			out = append(out, k+" "+st.Desc.Render(d))
		}
	}
	return out
}

func helpItem(st *Styles, b key.Binding, w int) string {
	h := b.Help()
	k := fmt.Sprintf("%-17s", h.Key)
	if !b.Enabled() {
		return st.Dim.Render(fit(k+" "+h.Desc, w))
	}
	return fit(st.Key.Render(k)+" "+st.Desc.Render(h.Desc), w)
}

// filesCard lets the user pick another source file.
func filesCard(st *Styles, files []string, sel int, w, h int) string {
	var body []string
	if len(files) == 0 {
		body = append(body, st.Note.Render("No other source files are known yet."))
	}
	rows := max(h-6, 1)
	top := scrollTo(0, sel, rows, len(files))
	for i := top; i < len(files) && len(body) < rows; i++ {
		if i == sel {
			body = append(body, st.Selected.Render(fit(clean(files[i]), w-4)))
		} else {
			body = append(body, clean(files[i]))
		}
	}
	body = append(body, st.Dim.Render("Enter opens, Esc closes"))
	return card(st, "Open a source file", body, w)
}
