package main

// termFilter drops, from a program's output on its way to the user's own terminal, the control
// strings that act outside the screen: every OSC (clipboard 52, window title 0/1/2, colour
// palette 4/10/11, notifications), DCS (terminal queries, tmux and screen passthrough), APC, PM
// and SOS strings, and CSI ... t (window operations and reports). Everything else, CSI colours
// and cursor movement included, passes unchanged. It keeps its state across writes, so a
// sequence split between two chunks is still caught. --raw-output turns it off.
type termFilter struct {
	state int
	dcs   bool   // the string is a DCS: an escape inside it (tmux doubles them) does not end it
	csi   []byte // a CSI sequence held until its final byte decides
}

const (
	tfGround = iota
	tfEsc
	tfCSI
	tfString    // inside OSC/DCS/APC/PM/SOS: dropped up to BEL or ST
	tfStringEsc // ESC inside a string: ST if '\\' follows
)

// maxCSI bounds a held CSI sequence: a longer one is not a real control and passes as text.
const maxCSI = 256

// filter returns b without the dropped control strings.
func (f *termFilter) filter(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		switch f.state {
		case tfGround:
			if c == 0x1b {
				f.state = tfEsc
				continue
			}
			out = append(out, c)
		case tfEsc:
			out = f.afterEsc(out, c)
		case tfCSI:
			f.csi = append(f.csi, c)
			if c >= 0x40 && c <= 0x7e {
				if c != 't' {
					out = append(out, f.csi...)
				}
				f.csi, f.state = f.csi[:0], tfGround
			} else if len(f.csi) > maxCSI {
				out = append(out, f.csi...)
				f.csi, f.state = f.csi[:0], tfGround
			}
		case tfString:
			switch c {
			case 0x07: // BEL ends an OSC (not a DCS, whose passthrough payload may hold one)
				if !f.dcs {
					f.state = tfGround
				}
			case 0x1b:
				f.state = tfStringEsc
			}
		case tfStringEsc:
			if c == '\\' {
				f.state = tfGround
				continue
			}
			if f.dcs {
				f.state = tfString // passthrough payload: still dropped up to the DCS's ST
				continue
			}
			// Another sequence cancels the string, as in xterm.
			out = f.afterEsc(out, c)
		}
	}
	return out
}

func (f *termFilter) afterEsc(out []byte, c byte) []byte {
	switch c {
	case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS
		f.state, f.dcs = tfString, c == 'P'
	case '[':
		f.csi = append(f.csi[:0], 0x1b, '[')
		f.state = tfCSI
	case 0x1b:
		out = append(out, 0x1b)
		f.state = tfEsc
	default:
		out = append(out, 0x1b, c)
		f.state = tfGround
	}
	return out
}

// terminalReset puts back what a program may have changed on the user's terminal, so that
// nothing can hide or restyle sandbug's report: colours and attributes, the alternate screen,
// the scroll region (without moving the cursor), the cursor's visibility, line wrapping, the
// character set, keypad and cursor-key modes, mouse reporting and bracketed paste.
var terminalReset = []byte("\x1b[0m\x1b[?1049l\x1b7\x1b[r\x1b8\x1b[?25h\x1b[?7h\x1b(B\x1b[?1l\x1b>" +
	"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l")

// reportMark opens sandbug's report on a terminal: a bold rule after the terminal reset, so the
// real report is set apart from anything the program printed.
var reportMark = []byte("\r\n\x1b[1m━━━━ sandbug ━━━━\x1b[0m")
