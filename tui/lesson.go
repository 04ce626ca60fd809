package tui

import (
	"strings"
)

// lessonPane shows a demo's lesson (markdown) beside the source: headings, lists, code blocks
// and inline code are drawn simply; the text wraps to the pane and scrolls.
type lessonPane struct {
	text string
	top  int
}

func (p *lessonPane) scroll(d int) { p.top = max(p.top+d, 0) }

func (p *lessonPane) view(st *Styles, w, h int) []string {
	lines := renderMarkdown(st, p.text, w)
	if p.top > len(lines)-h {
		p.top = max(len(lines)-h, 0)
	}
	end := min(p.top+h, len(lines))
	return lines[p.top:end]
}

// renderMarkdown draws a small subset of markdown into styled lines of at most w cells: the
// lines of a paragraph or a list item are joined before wrapping, so that inline markup split
// over source lines still pairs up; `code` is styled and **strong**, *em* and _em_ markers are
// dropped (they showed as *SIGSEGV…* and stray backticks).
func renderMarkdown(st *Styles, md string, w int) []string {
	var out []string
	blank := func() {
		if len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
	}
	var para, item, prefix string
	flush := func() {
		if para != "" {
			out = append(out, inlineLines(st, para, w, "", "")...)
			para = ""
		}
		if item != "" {
			out = append(out, inlineLines(st, item, w, prefix, strings.Repeat(" ", len([]rune(prefix))))...)
			item = ""
		}
	}
	inCode := false
	for _, raw := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		line := clean(raw)
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			flush()
			inCode = !inCode
			continue
		}
		if inCode {
			out = append(out, st.String.Render(fit("  "+line, w)))
			continue
		}
		marker := listMarker(trimmed)
		switch {
		case strings.HasPrefix(trimmed, "#"):
			flush()
			blank()
			t := strings.TrimSpace(strings.TrimLeft(trimmed, "#"))
			plain, _ := inlineMarkup(t)
			for _, l := range wrap(string(plain), w) {
				out = append(out, st.TitleFocused.Render(l))
			}
		case marker != "":
			flush()
			item, prefix = strings.TrimSpace(trimmed[len(marker):]), "• "
			if marker[0] >= '0' && marker[0] <= '9' {
				prefix = marker
			}
		case trimmed == "":
			flush()
			blank()
		case item != "" && line != trimmed: // an indented line continues the list item
			item += " " + trimmed
		case item != "":
			flush()
			para = trimmed
		default:
			if para != "" {
				para += " "
			}
			para += trimmed
		}
	}
	flush()
	return out
}

// listMarker returns "- ", "* ", "+ " or "N. " when s starts a list item, else "".
func listMarker(s string) string {
	if len(s) >= 2 && strings.ContainsRune("-*+", rune(s[0])) && s[1] == ' ' {
		return s[:2]
	}
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' ' {
		return s[:i+2]
	}
	return ""
}

// inlineLines wraps text (its markup removed) to w cells, the first line after first and the
// others after rest, and styles the code spans.
func inlineLines(st *Styles, text string, w int, first, rest string) []string {
	plain, code := inlineMarkup(text)
	var out []string
	pos := 0 // index into plain of the next rune to place
	for i, l := range wrap(string(plain), w-len([]rune(first))) {
		var b strings.Builder
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString(rest)
		}
		var run []rune
		inCode := false
		emit := func() {
			if len(run) == 0 {
				return
			}
			if inCode {
				b.WriteString(st.String.Render(string(run)))
			} else {
				b.WriteString(string(run))
			}
			run = run[:0]
		}
		for _, r := range l {
			// wrap drops spaces at breaks: find r in plain from pos on.
			for pos < len(plain) && plain[pos] != r && plain[pos] == ' ' {
				pos++
			}
			c := pos < len(plain) && code[pos]
			if c != inCode {
				emit()
				inCode = c
			}
			run = append(run, r)
			pos++
		}
		emit()
		out = append(out, b.String())
	}
	return out
}

// inlineMarkup removes inline markdown: backticks (the runes between them are marked code),
// ** and the * or _ that open or close emphasis (not those inside words, like snake_case).
func inlineMarkup(s string) ([]rune, []bool) {
	rs := []rune(s)
	var plain []rune
	var code []bool
	inCode := false
	ws := func(i int) bool { return i < 0 || i >= len(rs) || rs[i] == ' ' || rs[i] == '\t' }
	punct := func(i int) bool { return i >= 0 && i < len(rs) && strings.ContainsRune(".,;:!?()[]\"'", rs[i]) }
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '`':
			inCode = !inCode
			continue
		case inCode:
		case r == '*' && i+1 < len(rs) && rs[i+1] == '*':
			i++
			continue
		case (r == '*' || r == '_') && ((ws(i-1) || punct(i-1)) && !ws(i+1) || !ws(i-1) && (ws(i+1) || punct(i+1))):
			continue // opens or closes emphasis
		}
		plain = append(plain, r)
		code = append(code, inCode)
	}
	return plain, code
}
