package sandbug

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// scriptRef is how the Makefile and the docs name a script.
var scriptRef = regexp.MustCompile(`scripts/[a-z-]+\.sh`)

// TestScriptsNamedExist: every script the Makefile, the README or BENCHMARKS.md names exists and
// is executable, so `make bench` or a command copied from the docs cannot point at nothing.
func TestScriptsNamedExist(t *testing.T) {
	named := 0
	for _, doc := range []string{"Makefile", "README.md", "BENCHMARKS.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range slices.Compact(slices.Sorted(slices.Values(scriptRef.FindAllString(string(b), -1)))) {
			named++
			fi, err := os.Stat(s)
			switch {
			case err != nil:
				t.Errorf("%s names %s: %v", doc, s, err)
			case !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0:
				t.Errorf("%s names %s, which is not an executable file (mode %v)", doc, s, fi.Mode())
			}
		}
	}
	if named == 0 {
		t.Fatal("no scripts/*.sh named in the Makefile, README.md or BENCHMARKS.md: the pattern is stale")
	}
}

// TestBenchRunsEveryScript: scripts/bench.sh (make bench) runs every scripts/bench-*.sh there is,
// so a new benchmark script cannot be left out of it.
func TestBenchRunsEveryScript(t *testing.T) {
	present, err := filepath.Glob("scripts/bench-*.sh")
	if err != nil {
		t.Fatal(err)
	}
	if len(present) == 0 {
		t.Fatal("no scripts/bench-*.sh")
	}
	out, err := exec.Command("scripts/bench.sh", "--list").Output()
	if err != nil {
		t.Fatalf("scripts/bench.sh --list: %v", err)
	}
	listed := strings.Fields(string(out))
	for _, s := range present {
		if !slices.Contains(listed, s) {
			t.Errorf("scripts/bench.sh does not run %s (it runs %q)", s, listed)
		}
	}
	for _, s := range listed {
		if !slices.Contains(present, s) {
			t.Errorf("scripts/bench.sh runs %s, which does not exist", s)
		}
	}
}
