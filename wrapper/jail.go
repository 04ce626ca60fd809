package wrapper

import (
	"fmt"
	"strings"
)

// JailConfig says how the wrapper confines the program's view of files, the network and other
// processes with Landlock, on top of the seccomp filter. The zero value asks for the jail with
// the network open and no extra paths.
type JailConfig struct {
	Off     bool     // --no-jail: no Landlock at all (reported as JailOff)
	Require bool     // fail closed (ExitSetup) when the kernel lacks a part that is asked for
	DenyTCP bool     // no TCP bind or connect (Landlock ABI 4)
	Read    []string // extra read+execute paths (files or folders)
	Write   []string // extra read-write paths (files or folders)
	TmpDir  string   // private temporary folder: read-write, and TMPDIR points there
}

// JailState says whether one part of the jail is in force.
type JailState string

// Jail states, as they appear in the hand-off hello and in reports.
const (
	JailEnforced    JailState = "enforced"    // in force, and a probe the jail must deny was denied
	JailOpen        JailState = "open"        // not asked for (TCP under the default profile)
	JailUnsupported JailState = "unsupported" // asked for, but this kernel's Landlock lacks it
	JailOff         JailState = "off"         // the jail is turned off (--no-jail)
)

// JailReport is what the wrapper found in force just before exec. It travels in the hello
// message, so the supervisor, the TUI and the JSON report show the same facts.
type JailReport struct {
	ABI     int       `json:"abi"`               // Landlock ABI of the kernel (0: none)
	Files   JailState `json:"files"`             // file access beneath the allowed paths only
	TCP     JailState `json:"tcp"`               // TCP bind/connect
	Signals JailState `json:"signals"`           // signals only inside the sandbox (scope, ABI 6)
	Sockets JailState `json:"abstract_sockets"`  // abstract UNIX sockets only inside (scope, ABI 6)
	TmpDir  string    `json:"tmpdir,omitempty"`  // the private TMPDIR
	WorkDir string    `json:"workdir,omitempty"` // the read-write working folder ("" when not granted)
	Note    string    `json:"note,omitempty"`    // why a part is missing, in one sentence
}

// Summary is the one-line form used by the run footer and the TUI's sandbox pane:
// "landlock ABI 7: files enforced, tcp open, signals enforced, abstract sockets enforced".
func (r *JailReport) Summary() string {
	if r == nil {
		return "jail: not reported"
	}
	if r.Files == JailOff {
		return "jail: off (--no-jail)"
	}
	s := fmt.Sprintf("landlock ABI %d: files %s, tcp %s, signals %s, abstract sockets %s",
		r.ABI, r.Files, r.TCP, r.Signals, r.Sockets)
	if r.Note != "" {
		s += " (" + r.Note + ")"
	}
	return s
}

// Missing lists the parts that were asked for and are not in force.
func (r *JailReport) Missing() []string {
	var m []string
	for _, p := range []struct {
		name  string
		state JailState
	}{{"files", r.Files}, {"tcp", r.TCP}, {"signals", r.Signals}, {"abstract sockets", r.Sockets}} {
		if p.state == JailUnsupported {
			m = append(m, p.name)
		}
	}
	return m
}

// SessionEnv lists the environment variables that point at the user's desktop session or
// agents. The wrapper drops them (unless --keep-env) so the program cannot find the ssh-agent,
// the X/Wayland display, the session bus or the user's runtime folder.
var SessionEnv = []string{
	"SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY",
	"GPG_AGENT_INFO", "GNOME_KEYRING_CONTROL", "GNOME_KEYRING_PID",
	"DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "XDG_RUNTIME_DIR", "XDG_SESSION_COOKIE",
	"DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "SESSION_MANAGER",
	"KRB5CCNAME", "TMUX", "TMUX_PANE", "STY",
}

// scrubEnv returns env without SessionEnv entries and, when tmp is set, with TMPDIR=tmp.
func scrubEnv(env []string, scrub bool, tmp string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if scrub && isSessionVar(name) {
			continue
		}
		if tmp != "" && name == "TMPDIR" {
			continue
		}
		out = append(out, kv)
	}
	if tmp != "" {
		out = append(out, "TMPDIR="+tmp)
	}
	return out
}

func isSessionVar(name string) bool {
	for _, s := range SessionEnv {
		if name == s {
			return true
		}
	}
	return false
}
