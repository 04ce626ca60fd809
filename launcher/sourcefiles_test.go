package launcher

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

const srcTwoMain = `#include <stdio.h>
int helper(int);
int main(void) {
	printf("%d\n", helper(2));
	return 0;
}
`

const srcTwoUtil = `int helper(int x) {
	return x * 21;
}
`

// TestDebugSourceFiles: a program built from two files lists both as soon as it stops at main,
// before it has been in the second one; nothing of the system's (stdio.h, glibc) is listed.
func TestDebugSourceFiles(t *testing.T) {
	// Built here rather than by testbin.CompileC, which caches by source (the binary must point
	// at this run's files), and not in t.TempDir, whose parent is private (the sandboxed program
	// runs as nobody when the tests run as root).
	dir := testbin.WorldDir(t)
	mainC, util, prog := filepath.Join(dir, "twofiles.c"), filepath.Join(dir, "util.c"), filepath.Join(dir, "twofiles")
	for f, src := range map[string]string{mainC: srcTwoMain, util: srcTwoUtil} {
		if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command(testbin.NeedTool(t, "gcc"), "-g", "-O0", "-o", prog, mainC, util).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	r := startDebug(t, baseConfig(t, prog))
	if st := r.stopped(); st == nil || st.Frame.Func != "main" {
		t.Fatalf("first stop %+v", st)
	}
	files, err := r.s.SourceFiles()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SourceFiles: %q", files)
	want := []string{mainC, util}
	for _, w := range want {
		if !slices.Contains(files, w) {
			t.Errorf("SourceFiles = %q, lacks %s", files, w)
		}
	}
	for _, f := range files {
		if !filepath.IsAbs(f) || strings.HasPrefix(f, "/usr/") {
			t.Errorf("SourceFiles lists %q: want only the program's own files, absolute", f)
		}
	}
	if !slices.IsSorted(files) || len(slices.Compact(slices.Clone(files))) != len(files) {
		t.Errorf("SourceFiles = %q: want sorted, without duplicates", files)
	}
	// A run session has no gdb to ask.
	rs, err := StartRun(t.Context(), baseConfig(t, prog))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if _, err := rs.SourceFiles(); !errors.Is(err, ErrNotDebugging) {
		t.Errorf("SourceFiles on a run session: %v, want ErrNotDebugging", err)
	}
}
