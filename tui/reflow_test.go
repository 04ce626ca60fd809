package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sandbug/sandbug/launcher"
)

// allLines is everything the Program pane holds, scrollback and screen, as plain text.
func allLines(p *termPane) []string {
	n := p.emu.ScrollbackLen()
	off := p.offset
	p.offset = n
	lines := p.view(p.w, n+p.h)
	p.offset = off
	for i, l := range lines {
		lines[i] = strings.TrimRight(ansi.Strip(l), " ")
	}
	return lines
}

// 80x24 -> 200x50 -> 80x24 keeps every line the program printed (tick 6 and ticks 7-12 were
// lost), reflows a long line to the new width, and keeps following the newest line.
func TestProgramPaneResizeKeepsOutput(t *testing.T) {
	hs := started(t, 80, 24, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running})
	long := strings.Repeat("x", 70)
	var out strings.Builder
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&out, "tick %d\r\n", i)
		if i == 3 {
			out.WriteString(long + "\r\n")
		}
	}
	hs.events(launcher.OutputEvent{Data: []byte(out.String())})
	hs.m.prog.feed(0)
	last := 30
	check := func(size string) {
		t.Helper()
		text := strings.Join(allLines(hs.m.prog), "\n")
		for i := 1; i <= last; i++ {
			if !strings.Contains(text+"\n", fmt.Sprintf("tick %d\n", i)) {
				t.Errorf("%s: tick %d lost:\n%s", size, i, text)
			}
		}
		if strings.Count(text, "x") != 70 {
			t.Errorf("%s: the long line has %d of its 70 x", size, strings.Count(text, "x"))
		}
		scr := hs.screen()
		if !strings.Contains(scr, fmt.Sprintf("tick %d\n", last)) && !strings.Contains(scr, fmt.Sprintf("tick %d ", last)) {
			t.Errorf("%s: the newest line is not on screen:\n%s", size, scr)
		}
	}
	check("80x24")
	for _, sz := range []struct{ w, h int }{{200, 50}, {80, 24}, {120, 40}, {80, 24}} {
		hs.update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
		check(fmt.Sprintf("%dx%d", sz.w, sz.h))
		// The program goes on printing at the new size.
		var more strings.Builder
		for i := 0; i < 5; i++ {
			last++
			fmt.Fprintf(&more, "tick %d\r\n", last)
		}
		hs.events(launcher.OutputEvent{Data: []byte(more.String())})
		hs.m.prog.feed(0)
		check(fmt.Sprintf("%dx%d after more output", sz.w, sz.h))
	}
	// At 200 columns the long line is one row again.
	hs.update(tea.WindowSizeMsg{Width: 200, Height: 50})
	found := false
	for _, l := range allLines(hs.m.prog) {
		if l == long {
			found = true
		}
	}
	if !found {
		t.Errorf("the 70-column line did not reflow to one row in the 78-column pane at 200x50")
	}
	// Scrolled back, a resize keeps the view back instead of jumping to the end.
	hs.m.setFocus(paneProgram)
	hs.events(stopAt(t, 14, "breakpoint-hit"))
	hs.key("pgup")
	if hs.m.prog.offset == 0 {
		t.Fatal("PgUp in the stopped Program pane did not scroll back")
	}
	hs.update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if hs.m.prog.offset == 0 {
		t.Error("a resize dropped the scrolled-back position")
	}
	golden(t, "program-resized-80x24", hs.screen())
}
