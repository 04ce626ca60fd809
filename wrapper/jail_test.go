package wrapper

import (
	"slices"
	"testing"
)

func TestScrubEnv(t *testing.T) {
	env := []string{"PATH=/bin", "SSH_AUTH_SOCK=/run/user/1000/ssh", "DISPLAY=:0", "TMPDIR=/tmp",
		"WAYLAND_DISPLAY=wayland-0", "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
		"XDG_RUNTIME_DIR=/run/user/1000", "GPG_AGENT_INFO=x", "HOME=/home/u"}
	got := scrubEnv(env, true, "/priv/tmp")
	want := []string{"PATH=/bin", "HOME=/home/u", "TMPDIR=/priv/tmp"}
	if !slices.Equal(got, want) {
		t.Fatalf("scrubbed %q, want %q", got, want)
	}
	// --keep-env keeps the session; the private TMPDIR still replaces the user's.
	got = scrubEnv(env, false, "/priv/tmp")
	if !slices.Contains(got, "SSH_AUTH_SOCK=/run/user/1000/ssh") || slices.Contains(got, "TMPDIR=/tmp") || got[len(got)-1] != "TMPDIR=/priv/tmp" {
		t.Fatalf("kept %q", got)
	}
	if got = scrubEnv(env, false, ""); !slices.Equal(got, env) {
		t.Fatalf("no tmpdir, no scrub changed %q", got)
	}
}

func TestJailReportSummary(t *testing.T) {
	var none *JailReport
	if none.Summary() != "jail: not reported" {
		t.Errorf("nil: %q", none.Summary())
	}
	off := &JailReport{Files: JailOff, TCP: JailOff, Signals: JailOff, Sockets: JailOff}
	if off.Summary() != "jail: off (--no-jail)" || len(off.Missing()) != 0 {
		t.Errorf("off: %q %v", off.Summary(), off.Missing())
	}
	old := &JailReport{ABI: 3, Files: JailEnforced, TCP: JailUnsupported, Signals: JailUnsupported, Sockets: JailUnsupported, Note: "old kernel"}
	if got, want := old.Summary(), "landlock ABI 3: files enforced, tcp unsupported, signals unsupported, abstract sockets unsupported (old kernel)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if got := old.Missing(); !slices.Equal(got, []string{"tcp", "signals", "abstract sockets"}) {
		t.Errorf("missing %v", got)
	}
}
