package launcher

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(debugChildEnv); spec != "" {
		os.Exit(runDebugChild(spec))
	}
	testbin.Main(m)
}

func TestSplitWordsAndQuote(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  -O2   -DX=1 ", []string{"-O2", "-DX=1"}},
		{`-DMSG="hello world" -I'/a b'`, []string{"-DMSG=hello world", "-I/a b"}},
		{`a\ b "c\"d" 'e\f'`, []string{"a b", `c"d`, `e\f`}},
		{`""`, []string{""}},
	}
	for _, tc := range tests {
		got, err := SplitWords(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitWords(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		// Quoting then splitting gives back the words.
		back, err := SplitWords(ShellJoin(tc.want))
		if err != nil || (len(tc.want) > 0 && !reflect.DeepEqual(back, tc.want)) {
			t.Errorf("SplitWords(ShellJoin(%q)) = %q, %v", tc.want, back, err)
		}
	}
	for _, bad := range []string{`'open`, `"open`} {
		if _, err := SplitWords(bad); err == nil {
			t.Errorf("SplitWords(%q): no error", bad)
		}
	}
	if q := ShellQuote("it's a $x"); q != `'it'\''s a $x'` {
		t.Errorf("ShellQuote = %s", q)
	}
	// The real shell agrees.
	words := []string{"a b", "it's", "$HOME", "`x`", "é\\n", ""}
	out, err := exec.Command("/bin/sh", "-c", "printf '%s|' "+ShellJoin(words)).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != strings.Join(words, "|")+"|" {
		t.Errorf("sh saw %q", out)
	}
}

func TestCompile(t *testing.T) {
	testbin.NeedTool(t, "cc")
	dir := t.TempDir()
	ctx := context.Background()

	ok := filepath.Join(dir, "hello.c")
	os.WriteFile(ok, []byte("#include <stdio.h>\nint main(void){ int unused; printf(\"hi %d\\n\", X); return 0; }\n"), 0o644)
	ev, err := Compile(ctx, ok, "", "-DX=42", dir)
	if err != nil {
		t.Fatalf("Compile: %v\n%s", err, ev.Output)
	}
	if !ev.OK || ev.Binary != filepath.Join(dir, "hello") {
		t.Fatalf("event %+v", ev)
	}
	if !strings.Contains(ev.Output, "unused") {
		t.Errorf("-Wall warning not kept: %q", ev.Output)
	}
	if !strings.Contains(ev.Command, "-g -O0 -Wall -DX=42") {
		t.Errorf("command %q", ev.Command)
	}
	out, err := exec.Command(ev.Binary).Output()
	if err != nil || string(out) != "hi 42\n" {
		t.Fatalf("binary ran: %q %v", out, err)
	}

	bad := filepath.Join(dir, "bad.c")
	os.WriteFile(bad, []byte("int main(void) { return nope; }\n"), 0o644)
	ev, err = Compile(ctx, bad, "", "", dir)
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("want *CompileError, got %v", err)
	}
	if ev.OK || !strings.Contains(ce.Output, "bad.c:1:") || !strings.Contains(ce.Output, "nope") {
		t.Errorf("compiler output not verbatim: %q", ce.Output)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad")); err == nil {
		t.Error("binary left behind after a failed compile")
	}

	if _, err := Compile(ctx, ok, "no-such-compiler-xyz", "", dir); err == nil || errors.As(err, &ce) {
		t.Errorf("missing compiler: %v", err)
	}
	if _, err := Compile(ctx, filepath.Join(dir, "x.txt"), "", "", dir); err == nil {
		t.Error("non-source accepted")
	}
}

func TestCompileCXX(t *testing.T) {
	testbin.NeedTool(t, "c++")
	dir := t.TempDir()
	src := filepath.Join(dir, "h.cpp")
	os.WriteFile(src, []byte("#include <iostream>\nint main(){ std::cout << \"cxx\\n\"; }\n"), 0o644)
	ev, err := Compile(context.Background(), src, "", "", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, ev.Output)
	}
	out, _ := exec.Command(ev.Binary).Output()
	if string(out) != "cxx\n" {
		t.Errorf("got %q", out)
	}
}

func TestVerifyStatus(t *testing.T) {
	good := "Name:\tx\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n"
	if ev := verifyStatus(7, []byte(good)); !ev.OK || ev.Filters != 1 || ev.Seccomp != 2 || !ev.NoNewPrivs {
		t.Errorf("good: %+v", ev)
	}
	for name, s := range map[string]string{
		"none":   "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n",
		"strict": "NoNewPrivs:\t1\nSeccomp:\t1\nSeccomp_filters:\t0\n",
		"nnp":    "NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\n",
		"empty":  "",
	} {
		ev := verifyStatus(7, []byte(s))
		if ev.OK || !strings.Contains(ev.Detail, "NOT sandboxed") {
			t.Errorf("%s: %+v", name, ev)
		}
	}
	// This test process runs without a filter.
	if ev := VerifyPid(os.Getpid()); ev.OK {
		t.Errorf("self verified as sandboxed: %+v", ev)
	}
	if ev := VerifyPid(1 << 30); ev.OK || ev.Detail == "" {
		t.Errorf("missing pid: %+v", ev)
	}
}
