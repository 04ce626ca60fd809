package main

import (
	"io"
	"strings"
	"testing"
)

func TestFollowForksFlag(t *testing.T) {
	for _, v := range []string{"parent", "child", "all"} {
		var o options
		fs := newFlagSet("debug", &o, io.Discard, false, false)
		if err := parseArgs(fs, []string{"--follow-forks", v, "/bin/true"}, &o, true); err != nil {
			t.Fatalf("--follow-forks %s: %v", v, err)
		}
		if got := o.config().FollowForks; got != v {
			t.Errorf("--follow-forks %s: config has %q", v, got)
		}
	}
	var o options
	fs := newFlagSet("debug", &o, io.Discard, false, false)
	if err := parseArgs(fs, []string{"/bin/true"}, &o, true); err != nil || o.config().FollowForks != "" {
		t.Errorf("default: %q %v, want gdb's default (\"\")", o.config().FollowForks, err)
	}
	_, errOut, code := sandbug(t, "", "debug", "--follow-forks", "both", "/bin/true")
	if code != 125 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "want parent, child or all") {
		t.Errorf("--follow-forks both: exit %d %q", code, errOut)
	}
	out, _, code := sandbug(t, "", "debug", "--help")
	if code != 0 || !strings.Contains(out, "--follow-forks") {
		t.Errorf("--help: exit %d, no --follow-forks in %q", code, out)
	}
}
