package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Lessons show no markdown leftovers: emphasis markers, and backticks of a code span that the
// source breaks over two lines or that wrapping splits, are gone; snake_case stays.
func TestLessonMarkdownNoLeftovers(t *testing.T) {
	md := "# Why `nobody`\n\nThe program dies of *SIGSEGV (segmentation fault)*: it wrote through a\n" +
		"null pointer. Break on the `printf(\"fork #%d failed...`\nline and print `errno` and my_count.\n\n" +
		"1. Press **F5**, then look at\n   `started` and at `errno` (`:` then `print errno`).\n- _Try_ it.\n"
	hs := started(t, 80, 24, Options{})
	for _, w := range []int{24, 40, 78} {
		lines := renderMarkdown(&hs.m.st, md, w)
		text := ansi.Strip(strings.Join(lines, "\n"))
		for _, bad := range []string{"`", "*", "_Try"} {
			if strings.Contains(text, bad) {
				t.Errorf("width %d: %q left in:\n%s", w, bad, text)
			}
		}
		for _, want := range []string{"Why nobody", "SIGSEGV (segmentation", "my_count", "1. Press F5", "• Try it."} {
			if !strings.Contains(strings.ReplaceAll(text, "\n", " "), want) {
				t.Errorf("width %d: %q missing:\n%s", w, want, text)
			}
		}
		for _, l := range lines {
			if lw := ansi.StringWidth(l); lw > w {
				t.Errorf("width %d: line of %d cells: %q", w, lw, ansi.Strip(l))
			}
		}
	}
	golden(t, "lesson-markdown-40", ansi.Strip(strings.Join(renderMarkdown(&hs.m.st, md, 40), "\n")))
}
