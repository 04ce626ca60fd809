package tui

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"

	"github.com/sandbug/sandbug/launcher"
)

// The log keeps plain lines: escape sequences gone, a carriage return overwriting the line as
// on a terminal, a line split across writes joined, the unfinished last line readable.
func TestOutputLogPlainLines(t *testing.T) {
	l := newOutputLog()
	l.write([]byte("\x1b[31mred\x1b[0m text\r\n10%\r50%\r100%\npar"))
	defer l.close()
	l.write([]byte("tial\n\x07bell\tTab\n\x1b]0;title\x07x\x1b[?25ly\x1bPdcs\x1b\\z\xc2\x9bq\n\x1b(Bé\nlast"))
	want := []string{"red text", "100%", "partial", "bell\tTab", "xyzq", "é", "last"}
	l.flush()
	if l.len() != len(want) {
		t.Fatalf("%d lines, want %d", l.len(), len(want))
	}
	for i, w := range want {
		if got := l.line(i); got != w {
			t.Errorf("line %d = %q, want %q", i, got, w)
		}
	}
}

// Past its memory budget the log spills the older lines to a file it reads back: 100k lines
// (about 2.4 MB) with a 256 KB budget are all still there, in order, and found by search.
func TestOutputLogSpillsAndFinds(t *testing.T) {
	l := newOutputLog()
	l.flush()
	l.memMax = 256 << 10
	defer l.close()
	for i := 1; i <= 100000; i++ {
		fmt.Fprintf(writerFunc(l.write), "line %d of the flood\n", i)
	}
	l.flush()
	l.segMax = 512 << 10 // several spill files
	if l.len() != 100000 || l.spilled() == 0 || l.dropped != 0 {
		t.Fatalf("len %d, spilled %d, dropped %d", l.len(), l.spilled(), l.dropped)
	}
	if len(l.mem)+8*len(l.memOffs) > l.memMax {
		t.Errorf("memory %d over its budget %d", len(l.mem), l.memMax)
	}
	if _, err := os.Stat(l.segs[0].f.Name()); !os.IsNotExist(err) {
		t.Errorf("the spill file %s is still in the file system (%v): it must be deleted at once", l.segs[0].f.Name(), err)
	}
	for _, i := range []int{0, 1, 4241, l.spilled() - 1, l.spilled(), 99999} {
		if got, want := l.line(i), fmt.Sprintf("line %d of the flood", i+1); got != want {
			t.Errorf("line %d = %q, want %q", i, got, want)
		}
	}
	if i := l.find("line 4242 of", l.len(), true); i != 4241 {
		t.Errorf("backward search found %d, want 4241", i)
	}
	if i := l.find("LINE 4242 OF", l.len(), true); i != -1 {
		t.Errorf("an upper-case search is case-sensitive, found %d", i)
	}
	if i := l.find("line 99999 of", 0, false); i != 99998 {
		t.Errorf("forward search found %d", i)
	}
	// The disk budget drops the oldest spill files, and counts their lines.
	l.diskMax = 1 << 20
	for i := 100001; i <= 200000; i++ {
		fmt.Fprintf(writerFunc(l.write), "line %d of the flood\n", i)
	}
	l.flush()
	var disk int64
	for _, g := range l.segs {
		disk += g.end
	}
	if disk > l.diskMax+l.segMax || l.dropped == 0 || l.line(0) != fmt.Sprintf("line %d of the flood", l.dropped+1) || l.len()+l.dropped != 200000 {
		t.Errorf("disk budget: %d bytes on disk, %d dropped, first %q, %d kept", disk, l.dropped, l.line(0), l.len())
	}
	// The line cap drops the oldest lines and counts them.
	l.maxLines = 1000
	l.write([]byte("one more\n"))
	l.flush()
	if l.len() != 1000 || l.dropped != 199001 || l.line(999) != "one more" {
		t.Errorf("after the cap: len %d dropped %d last %q", l.len(), l.dropped, l.line(999))
	}
}

type writerFunc func([]byte)

// Write hands f a copy: fmt reuses its buffer, and the log keeps what it is given.
func (f writerFunc) Write(b []byte) (int, error) { f(append([]byte(nil), b...)); return len(b), nil }

// TestProgramHistorySearch: a 100k-line flood is skipped on screen (the emulator cannot keep up)
// but not lost: after the run, / in the Program pane finds any line, Home shows the first, End
// the live screen again.
func TestProgramHistorySearch(t *testing.T) {
	hs := started(t, 120, 40, Options{})
	hs.events(launcher.StateEvent{State: launcher.Running})
	var b strings.Builder
	for i := 1; i <= 100000; i++ {
		fmt.Fprintf(&b, "tick %d.\r\n", i)
	}
	hs.events(launcher.OutputEvent{Data: []byte(b.String())})
	// A 1.2 MB event may take longer than the harness's quiet period to come through the pump.
	waitFor(t, func() bool { hs.settle(); return hs.m.prog.total == int64(b.Len()) },
		func() string { return fmt.Sprint(hs.m.prog.total) })
	hs.events(launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindExited}}, launcher.StateEvent{State: launcher.Exited})
	if hs.m.prog.skipped == 0 {
		t.Fatalf("the flood was not skipped on screen: this test needs a flood (total %d, pending %d)", hs.m.prog.total, len(hs.m.prog.pending))
	}
	if hs.m.card != cardExit {
		t.Fatalf("no exit card")
	}
	hs.key("enter") // close the exit card
	hs.m.setFocus(paneProgram)
	// Paging back past the emulator's scrollback goes on into the history.
	for i := 0; !strings.Contains(hs.screen(), "(history "); i++ {
		if i == 1000 {
			t.Fatalf("PgUp never reached the history:\n%s", hs.screen())
		}
		hs.key("pgup")
	}
	hs.key("end")
	hs.key("/")
	for _, r := range "tick 4242." {
		hs.key(string(r))
	}
	hs.key("enter")
	scr := hs.screen()
	if !strings.Contains(scr, "tick 4242.") {
		t.Fatalf("search did not show tick 4242:\n%s", scr)
	}
	if !strings.Contains(scr, "(history ") || !strings.Contains(scr, "of 100000") {
		t.Fatalf("no history title:\n%s", scr)
	}
	hs.key("ctrl+n") // the next match back: no line before it has "tick 4242."
	if !strings.Contains(hs.screen(), "no earlier line") {
		t.Errorf("Ctrl+N past the first match says nothing:\n%s", hs.screen())
	}
	hs.key("home")
	if scr := hs.screen(); !strings.Contains(scr, "tick 1.") || !strings.Contains(scr, "(history 1-") {
		t.Errorf("Home does not show the first line:\n%s", scr)
	}
	hs.key("end")
	if scr := hs.screen(); strings.Contains(scr, "(history ") || !strings.Contains(scr, "tick 100000") {
		t.Errorf("End does not show the live screen:\n%s", scr)
	}
}

// BenchmarkOutputLog: the log's cost per byte of ordinary output (80-column lines with a colour
// sequence each), the price of never losing a line; it runs on every byte, floods included.
func BenchmarkOutputLog(b *testing.B) {
	var chunk []byte
	for i := 0; len(chunk) < 64<<10; i++ {
		chunk = fmt.Appendf(chunk, "\x1b[32mok\x1b[0m %6d: the quick brown fox jumps over the lazy dog, again and again\r\n", i)
	}
	b.Run("log", func(b *testing.B) {
		l := newOutputLog()
		defer l.close()
		b.SetBytes(int64(len(chunk)))
		for i := 0; i < b.N; i++ {
			l.write(chunk)
			l.flush()
		}
	})
	// The emulator the pane feeds, on the same bytes: the log must cost a small part of it.
	b.Run("emulator", func(b *testing.B) {
		p := newTermPane(80, 24, nil)
		defer p.close()
		b.SetBytes(int64(len(chunk)))
		for i := 0; i < b.N; i++ {
			p.emu.Write(chunk)
		}
	})
}

// TestOutputLogSpilledIndexIsSmall: the index of spilled lines costs 4 bytes a line and no
// spare room in a full file (a 1 GB flood keeps two million lines on disk: their index was
// 30 MB, most of the TUI's heap then). One million short lines in several spill files: the
// index takes 4 MB, well under the 8 MB of 64-bit offsets alone.
func TestOutputLogSpilledIndexIsSmall(t *testing.T) {
	l := newOutputLog()
	l.flush()
	l.memMax, l.segMax = 256<<10, 2<<20
	defer l.close()
	line := []byte("0123456789\n")
	chunk := bytes.Repeat(line, 1000)
	for i := 0; i < 1000; i++ {
		l.write(append([]byte(nil), chunk...))
	}
	l.flush()
	if l.len() != 1_000_000 || l.dropped != 0 || len(l.segs) < 3 {
		t.Fatalf("len %d, dropped %d, %d spill files", l.len(), l.dropped, len(l.segs))
	}
	index := 0
	for _, g := range l.segs {
		index += cap(g.offs) * int(unsafe.Sizeof(g.offs[0]))
	}
	if spilled := l.spilled(); index > 4*spilled+4*(1<<20)/len(line) {
		t.Errorf("the index of %d spilled lines takes %d bytes", spilled, index)
	}
	if got := l.line(123456); got != "0123456789" {
		t.Errorf("line 123456 = %q", got)
	}
}
