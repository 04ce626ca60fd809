package examples

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// No Docker engine runs in CI, so the Dockerfile is kept honest by checking that it calls
// the same build entry point as the README and .ci/run, installs what sandbug needs at run
// time, and ships the binaries that entry point produces.
func TestDockerfileUsesTheSharedBuild(t *testing.T) {
	root := testbin.Root(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	df, mk, ci := read("Dockerfile"), read("Makefile"), read(".ci/run")

	stages := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(df, -1)
	if len(stages) != 2 || !strings.HasPrefix(stages[0][1], "golang:1.26") ||
		!strings.HasPrefix(stages[1][1], "debian:bookworm-slim") {
		t.Errorf("want a golang:1.26 builder and a debian:bookworm-slim runtime, got %v", stages)
	}
	if !regexp.MustCompile(`(?m)^RUN make build\b`).MatchString(df) {
		t.Error("the builder stage must run `make build`, the command the README and CI use")
	}
	if !regexp.MustCompile(`(?m)^make build$`).MatchString(ci) {
		t.Error(".ci/run no longer runs `make build`: the Dockerfile and CI must share it")
	}
	// The binaries the Makefile writes are the ones the image copies.
	if !strings.Contains(mk, "./cmd/sandbug ./cmd/sandbug-wrapper ./cmd/sandbug-keeper") || !strings.Contains(mk, "-o $(BIN)/") {
		t.Error("Makefile build target changed: check the Dockerfile's COPY of bin/")
	}
	if !strings.Contains(df, "/src/bin/sandbug /src/bin/sandbug-wrapper /src/bin/sandbug-keeper /usr/local/bin/") {
		t.Error("the runtime stage must copy the three binaries into /usr/local/bin")
	}
	for _, pkg := range []string{"gdb", "gcc", "libc6-dev"} {
		if !regexp.MustCompile(`install[^\n]*\b` + regexp.QuoteMeta(pkg) + `\b`).MatchString(df) {
			t.Errorf("runtime stage does not install %s", pkg)
		}
	}
	user := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindStringSubmatch(df)
	if user == nil || user[1] == "root" || user[1] == "0" {
		t.Errorf("the image must run as a non-root user by default, got %v", user)
	}
	if !strings.Contains(df, `ENTRYPOINT ["sandbug"]`) {
		t.Error(`want ENTRYPOINT ["sandbug"]`)
	}
	// .dockerignore must not drop anything the build needs.
	di := read(".dockerignore")
	for _, needed := range []string{"go.mod", "go.sum", "Makefile", "cmd", "examples"} {
		for _, line := range strings.Split(di, "\n") {
			if strings.TrimSpace(line) == needed || strings.TrimSpace(line) == needed+"/" {
				t.Errorf(".dockerignore excludes %s, which the build needs", needed)
			}
		}
	}
}

// The README's demo table is written by hand; this keeps it from forgetting a demo.
func TestReadmeListsEveryDemo(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testbin.Root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range List() {
		if !strings.Contains(string(b), "| `"+e.Name+"` | "+e.Summary+" |") {
			t.Errorf("README.md has no table row for %s with its summary", e.Name)
		}
	}
}
