package main

import (
	"strings"
	"testing"
)

func TestThemeFlag(t *testing.T) {
	for theme, want := range map[string]string{"": "auto", "auto": "auto", "light": "light", "dark": "dark"} {
		d, err := themeDark(theme)
		got := "auto"
		if d != nil && *d {
			got = "dark"
		} else if d != nil {
			got = "light"
		}
		if err != nil || got != want {
			t.Errorf("--theme %q: %s %v, want %s", theme, got, err, want)
		}
	}
	_, errOut, code := sandbug(t, "", "debug", "--theme", "purple", "/bin/true")
	if code != 125 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "use light, dark or auto") {
		t.Errorf("--theme purple: exit %d %q", code, errOut)
	}
}
