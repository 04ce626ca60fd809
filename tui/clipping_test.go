package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// What may end in "…" on a screen: the program's own text cut to its pane (a source line after
// its line number, a blocked-call row after its time stamp, a process row's command line) and
// the key hints of the last line,
// which drop whole items. Anything else cut is a sentence of sandbug's own.
var (
	sourceRow = regexp.MustCompile(`[┃│][●⊘▶ ]*\s*\d+[▶ ]+\S.*…`)
	eventRow  = regexp.MustCompile(`\d\d:\d\d:\d\d\.\d{3} \d+ .*…|^[▶ ]*\d+ +\d+ +[a-z]+ .*…`) // a blocked call; a process row (its command line is cut first)
)

// TestNoOwnSentenceClipped: every golden screen at 80x24 and 160x48 (stopped, blocked card, exit card,
// help card, lesson, compile error, waiting for input, resized program pane, no colour) has no
// sentence of sandbug's own cut short: notes and the sandbox pane's lines wrap, the help card
// goes to one column, pane titles drop their hints whole.
func TestNoOwnSentenceClipped(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*[0-9]x[0-9]*.golden")
	if err != nil || len(files) < 10 {
		t.Fatalf("screen goldens: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		for i, l := range lines {
			for _, seg := range clippedSegments(l) {
				switch {
				case i == len(lines)-1 && strings.HasSuffix(strings.TrimRight(l, " "), " …"):
				case sourceRow.MatchString(seg), eventRow.MatchString(seg):
				default:
					t.Errorf("%s line %d cuts a sentence: %q", filepath.Base(f), i+1, strings.TrimSpace(seg))
				}
			}
		}
	}
}

// clippedSegments returns, for each "…" in a screen line, the text of its pane up to it (from
// the previous border character).
func clippedSegments(l string) []string {
	var out []string
	rs := []rune(l)
	for i, r := range rs {
		if r != '…' {
			continue
		}
		j := i - 1
		for j >= 0 && !strings.ContainsRune("│┃", rs[j]) {
			j--
		}
		out = append(out, string(rs[max(j, 0):i+1]))
	}
	return out
}

// The check itself catches what it must: a cut note, a cut help row, a cut title.
func TestClippingCheckCatchesCuts(t *testing.T) {
	for _, l := range []string{
		"┃│ The program is not runni…│",
		"┃│ Ctrl+F5/Ctrl+R    run without debug… Home              top   ││",
		"┏━ Program (scrolled back 18) — stopped:… ━┓",
	} {
		segs := clippedSegments(l)
		cut := false
		for _, s := range segs {
			if !sourceRow.MatchString(s) && !eventRow.MatchString(s) {
				cut = true
			}
		}
		if !cut {
			t.Errorf("not caught: %q", l)
		}
	}
	for _, l := range []string{"┃   20      if (ptrace(PTRACE_TRACEME, 0, 0, 0) < …││", "││02:00:01.000 4242 ptrace(PTRACE_T…│"} {
		for _, s := range clippedSegments(l) {
			if !sourceRow.MatchString(s) && !eventRow.MatchString(s) {
				t.Errorf("program text taken for a cut sentence: %q", s)
			}
		}
	}
}
