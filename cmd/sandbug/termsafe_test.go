package main

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/sandbug/sandbug/internal/testbin"
)

func TestTermFilter(t *testing.T) {
	tests := []struct {
		name string
		in   []string // chunks, as they arrive
		want string
	}{
		{"plain text and colours pass", []string{"a\x1b[31mred\x1b[0m\r\n"}, "a\x1b[31mred\x1b[0m\r\n"},
		{"clipboard (OSC 52, BEL)", []string{"x\x1b]52;c;SGVsbG8=\x07y"}, "xy"},
		{"title (OSC 0, ST)", []string{"x\x1b]0;owned\x1b\\y"}, "xy"},
		{"split across chunks", []string{"x\x1b", "]52;c;", "AAAA", "\x07", "y"}, "xy"},
		{"tmux passthrough (DCS)", []string{"x\x1bPtmux;\x1b\x1b]52;c;QQ==\x07\x1b\\y"}, "xy"},
		{"APC, PM, SOS", []string{"a\x1b_apc\x1b\\b\x1b^pm\x1b\\c\x1bXsos\x1b\\d"}, "abcd"},
		{"window operations (CSI t)", []string{"a\x1b[21tb\x1b[8;100;100tc"}, "abc"},
		{"CSI split, kept", []string{"a\x1b[", "1;3", "2m", "b"}, "a\x1b[1;32mb"},
		{"other escapes kept", []string{"\x1b7\x1b8\x1b(B\x1b="}, "\x1b7\x1b8\x1b(B\x1b="},
		{"an escape inside a string starts a new sequence", []string{"\x1b]52;c;AA\x1b[1mB"}, "\x1b[1mB"},
		{"no final byte: passes as text", []string{"\x1b[" + strings.Repeat("1;", 200) + "x"}, "\x1b[" + strings.Repeat("1;", 200) + "x"},
	}
	for _, tt := range tests {
		var f termFilter
		var got []byte
		for _, c := range tt.in {
			got = append(got, f.filter([]byte(c))...)
		}
		if string(got) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// hostileTermC tries to act outside the screen and to hide what follows it: clipboard, title,
// the alternate screen, invisible text and a scroll region.
const hostileTermC = `#include <stdio.h>
int main(void) {
	printf("\033]52;c;c3RvbGVu\007\033]0;owned\007\033[?1049h\033[8m\033[2;3rhidden\n");
	return 0;
}
`

// TestRunOnATerminalIsSafe: on a terminal, the program's clipboard and title strings never
// reach the user's terminal (unless --raw-output), and the report comes after a reset of what
// the program changed, marked.
func TestRunOnATerminalIsSafe(t *testing.T) {
	prog := testbin.CompileC(t, "hostileterm", hostileTermC)
	for _, raw := range []bool{false, true} {
		args := []string{"run", prog}
		if raw {
			args = []string{"run", "--raw-output", prog}
		}
		cmd := exec.Command(testbin.Sandbug(t), args...)
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
		if err != nil {
			t.Fatal(err)
		}
		var out lockedBuffer
		done := make(chan struct{})
		go func() { io.Copy(&out, f); close(done) }()
		cmd.Wait()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
		f.Close()
		s := out.String()
		leaked := strings.Contains(s, "\x1b]52;") || strings.Contains(s, "\x1b]0;owned")
		if leaked != raw {
			t.Errorf("raw=%v: control strings reached the terminal: %v\n%q", raw, leaked, s)
		}
		hidden := strings.Index(s, "hidden")
		reset := bytes.Index([]byte(s), terminalReset)
		mark := strings.Index(s, "━━━━ sandbug ━━━━")
		card := strings.Index(s, "exited normally")
		if hidden < 0 || reset < hidden || mark < reset || card < mark {
			t.Errorf("raw=%v: want the output, then the reset, the mark and the card, in order (%d %d %d %d):\n%q", raw, hidden, reset, mark, card, s)
		}
	}
}
