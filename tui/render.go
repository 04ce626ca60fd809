package tui

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// clean makes untrusted text (source files, gdb values, program names, compiler output) safe to
// draw: invalid UTF-8 becomes U+FFFD, tabs become spaces, and every other control character
// (ESC included) becomes a visible U+FFFD, so nothing in it can reach the real terminal as an
// escape sequence.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	col := 0
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		switch {
		case r == '\t':
			sp := 4 - col%4
			b.WriteString(strings.Repeat(" ", sp))
			col += sp
			continue
		case r == utf8.RuneError && n <= 1:
			r = utf8.RuneError
		case unicode.IsControl(r) || r == 0x7f || (r >= 0x80 && r < 0xa0):
			r = utf8.RuneError
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

// fit truncates a (possibly styled) line to w cells and pads it with spaces to exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := width(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// width is ansi.StringWidth with a fast path for plain ASCII (most lines of a frame).
func width(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// block fits lines into exactly w x h cells.
func block(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := 0; i < h; i++ {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}

// wrap breaks plain text into lines of at most w cells at spaces (hard-breaking long words).
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if para == "" {
			out = append(out, "")
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(para, w, ""), "\n")...)
	}
	return out
}

// noteLines renders a pane's note wrapped to w (a sentence of sandbug's own is never cut), one
// space in from the edge, each line padded to w.
func noteLines(st *Styles, note string, w int) []string {
	var out []string
	for _, l := range wrap(strings.TrimSpace(note), max(w-1, 1)) {
		out = append(out, st.Note.Render(fit(" "+l, w)))
	}
	return out
}

// firstTab is the first of a slot's tab titles its top edge draws: 0, unless the tabs before
// the active one would push it out of w cells (frame leaves out the tabs that do not fit); then
// the leading tabs are left out, so the edge always names the tab shown.
func firstTab(titles []string, active, w int) int {
	for first := 0; first < active; first++ {
		used := 1
		for _, t := range titles[first:active] {
			used += 1 + ansi.StringWidth(t) + 2
		}
		if used+ansi.StringWidth(shortTitle(titles[active]))+2+2 <= w {
			return first
		}
	}
	return max(active, 0)
}

// shortTitle is a title without its hints (" — ...", a final " (...)"), as frame shortens it.
func shortTitle(t string) string {
	if i := strings.Index(t, " — "); i > 0 {
		t = t[:i]
	}
	if i := strings.LastIndex(t, " ("); i > 0 && strings.HasSuffix(t, ")") {
		t = t[:i]
	}
	return t
}

// frame draws a border around body with tab titles in the top edge; active is the visible tab.
func frame(st *Styles, titles []string, active int, focused bool, body []string, w, h int) string {
	if w < 2 || h < 2 {
		return strings.Repeat(" ", max(w, 0))
	}
	// The focused pane has a heavy border: focus shows without colour (NO_COLOR, a
	// monochrome terminal, a screen reader's text) too.
	bs := st.Border
	tl, tr, bl, br, hz, vt := "╭", "╮", "╰", "╯", "─", "│"
	if focused {
		bs = st.BorderFocused
		tl, tr, bl, br, hz, vt = "┏", "┓", "┗", "┛", "━", "┃"
	}
	var top strings.Builder
	top.WriteString(bs.Render(tl))
	used := 1
	for i, t := range titles {
		label := " " + t + " "
		lw := ansi.StringWidth(label)
		// Too long: the hints after " — " and the parts in parentheses go first, whole, from the
		// end (a title is sandbug's own sentence: cut only as a last resort).
		for used+lw+2 > w {
			short := t
			if i := strings.LastIndex(t, " — "); i > 0 {
				short = t[:i]
			} else if i := strings.LastIndex(t, " ("); i > 0 && strings.HasSuffix(t, ")") {
				short = t[:i]
			}
			if short == t {
				break
			}
			t = short
			label = " " + t + " "
			lw = ansi.StringWidth(label)
		}
		if used+lw+2 > w {
			// Still too long: the first title is cut to fit (a pane always says what it is); the
			// tabs after it are left out.
			if i > 0 || w-used-3 < 6 {
				break
			}
			label = ansi.Truncate(label, w-used-3, "… ")
			lw = ansi.StringWidth(label)
		}
		top.WriteString(bs.Render(hz))
		used++
		ts := st.Tab
		if i == active {
			ts = st.Title
			if focused {
				ts = st.TitleFocused
			}
			if len(titles) > 1 {
				label = "[" + label[1:len(label)-1] + "]"
			}
		}
		top.WriteString(ts.Render(label))
		used += lw
	}
	if w-1-used > 0 {
		top.WriteString(bs.Render(strings.Repeat(hz, w-1-used)))
	}
	top.WriteString(bs.Render(tr))

	lines := make([]string, 0, h)
	lines = append(lines, top.String())
	side := bs.Render(vt)
	for _, l := range block(body, w-2, h-2) {
		lines = append(lines, side+l+side)
	}
	lines = append(lines, bs.Render(bl+strings.Repeat(hz, w-2)+br))
	return strings.Join(lines, "\n")
}

// card draws a modal box of width w with a title bar and body lines.
func card(st *Styles, title string, body []string, w int) string {
	inner := w - 4
	var lines []string
	lines = append(lines, st.Border.Render("╭"+strings.Repeat("─", w-2)+"╮"))
	lines = append(lines, st.Border.Render("│ ")+st.CardTitle.Render(fit(" "+title, inner))+st.Border.Render(" │"))
	for _, b := range body {
		lines = append(lines, st.Border.Render("│ ")+fit(b, inner)+st.Border.Render(" │"))
	}
	lines = append(lines, st.Border.Render("╰"+strings.Repeat("─", w-2)+"╯"))
	return strings.Join(lines, "\n")
}

// scrollTo returns the first visible row so that row sel is within a window of h rows.
func scrollTo(top, sel, h, n int) int {
	if h <= 0 {
		return 0
	}
	if sel < top {
		top = sel
	}
	if sel >= top+h {
		top = sel - h + 1
	}
	if top > n-h {
		top = n - h
	}
	if top < 0 {
		top = 0
	}
	return top
}

var pathLineRE = regexp.MustCompile(`(?:/[^/\s:()"']+)+/([^/\s:()"']+:\d+)`)

// shortPaths turns "/long/dir/demo.c:12" into "demo.c:12" in text meant for one line: the
// status bar, cards and lists name files the way the Source pane's title does.
func shortPaths(s string) string {
	if !strings.Contains(s, "/") {
		return s
	}
	return pathLineRE.ReplaceAllString(s, "$1")
}
