// Package testbin builds the project's binaries and C fixtures for tests, once per test binary,
// the way delve's BuildFixture does: tests never depend on a prior `make build`.
package testbin

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
	dir   string
)

// Root returns the module's root directory (the folder holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testbin: cannot locate source file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func outDir(t testing.TB) string {
	if dir == "" {
		d, err := os.MkdirTemp("", "sandbug-testbin-")
		if err != nil {
			t.Fatalf("testbin: %v", err)
		}
		// World-readable and traversable: the sandboxed program may run as nobody.
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatalf("testbin: %v", err)
		}
		dir = d
	}
	return dir
}

// Go builds the main package at pkg (relative to the module root, e.g. "./cmd/sandbug-wrapper")
// once per process and returns the binary's path.
func Go(t testing.TB, pkg string) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[pkg]; ok {
		return p
	}
	out := filepath.Join(outDir(t), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = Root(t)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testbin: go build %s: %v\n%s", pkg, err, b)
	}
	built[pkg] = out
	return out
}

// Wrapper returns the path of a freshly built sandbug-wrapper.
func Wrapper(t testing.TB) string {
	w := Go(t, "./cmd/sandbug-wrapper")
	Keeper(t) // beside it, where sandbug and the launcher look for it
	return w
}

// Keeper builds cmd/sandbug-keeper (once per test binary) into the folder Wrapper uses.
func Keeper(t testing.TB) string { return Go(t, "./cmd/sandbug-keeper") }

// Sandbug returns the path of a freshly built sandbug, with sandbug-wrapper beside it.
func Sandbug(t testing.TB) string {
	w := Wrapper(t)
	s := Go(t, "./cmd/sandbug")
	if filepath.Dir(w) != filepath.Dir(s) {
		t.Fatalf("testbin: wrapper and sandbug built apart")
	}
	return s
}

// NeedTool skips the test when an external tool is truly absent (CI installs them all).
func NeedTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed: skipping (CI installs it via .ci/run)", name)
	}
	return p
}

// CompileC compiles C source text into a binary with gcc -g -O0 plus extra flags, once per
// distinct (name, source), and returns its path.
func CompileC(t testing.TB, name, src string, flags ...string) string {
	t.Helper()
	cc := NeedTool(t, "gcc")
	mu.Lock()
	defer mu.Unlock()
	key := "c:" + name + "\x00" + src + "\x00" + strings.Join(flags, "\x00")
	if p, ok := built[key]; ok {
		return p
	}
	// One folder per source and flags: two tests may give different programs the same name,
	// and a binary another test still uses must never be overwritten.
	sum := sha256.Sum256([]byte(key))
	d := filepath.Join(outDir(t), "c-"+name+"-"+hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	srcPath := filepath.Join(d, name+".c")
	if err := os.WriteFile(srcPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(d, name)
	args := append([]string{"-g", "-O0", "-o", out, srcPath}, flags...)
	if b, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
		t.Fatalf("testbin: gcc %s: %v\n%s", name, err, b)
	}
	built[key] = out
	return out
}

// Main runs a package's tests and removes what this package built. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testbin.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	if dir != "" {
		os.RemoveAll(dir)
	}
	mu.Unlock()
	os.Exit(code)
}

// WorldDir returns a fresh directory anyone may enter and write, removed at the end of the
// test. A sandboxed program started by root runs as nobody, who can enter neither t.TempDir()
// nor its private parent.
func WorldDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "sandbug-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	if err := os.Chmod(d, 0o777); err != nil {
		t.Fatal(err)
	}
	return d
}
