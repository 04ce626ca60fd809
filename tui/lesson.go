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

// renderMarkdown draws a small subset of markdown into styled lines of at most w cells.
func renderMarkdown(st *Styles, md string, w int) []string {
	var out []string
	inCode := false
	for _, raw := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		line := clean(raw)
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			out = append(out, st.String.Render(fit("  "+line, w)))
			continue
		}
		switch {
		case strings.HasPrefix(trimmed, "#"):
			t := strings.TrimSpace(strings.TrimLeft(trimmed, "#"))
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
			for _, l := range wrap(t, w) {
				out = append(out, st.TitleFocused.Render(l))
			}
		case strings.HasPrefix(trimmed, "- ") || strings.HasPrefix(trimmed, "* "):
			for i, l := range wrap(trimmed[2:], w-2) {
				prefix := "• "
				if i > 0 {
					prefix = "  "
				}
				out = append(out, prefix+inlineCode(st, l))
			}
		case trimmed == "":
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
		default:
			for _, l := range wrap(trimmed, w) {
				out = append(out, inlineCode(st, l))
			}
		}
	}
	return out
}

// inlineCode styles `code` spans and drops ** emphasis markers.
func inlineCode(st *Styles, s string) string {
	s = strings.ReplaceAll(s, "**", "")
	parts := strings.Split(s, "`")
	if len(parts) < 3 {
		return s
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString(st.String.Render(p))
		} else {
			b.WriteString(p)
		}
	}
	return b.String()
}
