package launcher

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sandbug/sandbug/examples"
)

func TestFrameLibrary(t *testing.T) {
	tests := []struct {
		name string
		f    Frame
		want bool
	}{
		{"user file", Frame{File: "ptrace.c", FullName: "/home/u/ptrace.c", Line: 18}, false},
		{"absolute user file", Frame{File: "/home/u/list.c", FullName: "/home/u/list.c", Line: 3}, false},
		{"glibc namesake", Frame{File: "../sysdeps/unix/sysv/linux/ptrace.c", FullName: "/home/u/ptrace.c", Line: 45}, true},
		{"glibc, other name", Frame{File: "../sysdeps/unix/sysv/linux/write.c", FullName: "/build/glibc-x/sysdeps/unix/sysv/linux/write.c", Line: 26}, true},
		{"user ../src that is the same file", Frame{File: "../src/list.c", FullName: "/home/u/proj/src/list.c", Line: 7}, false},
		{"user ../src resolved to a namesake", Frame{File: "../src/list.c", FullName: "/home/u/list.c", Line: 7}, true},
		{"shared object", Frame{Func: "write", From: "/lib/x86_64-linux-gnu/libc.so.6"}, true},
		{"vdso", Frame{From: "linux-vdso.so.1"}, true},
		{"the program itself, no -g", Frame{Func: "main", From: "/tmp/prog"}, false},
		{"system header", Frame{File: "/usr/include/x86_64-linux-gnu/bits/stdio2.h", FullName: "/usr/include/x86_64-linux-gnu/bits/stdio2.h", Line: 86}, true},
		{"relative sysdeps", Frame{File: "sysdeps/x86_64/start.S", FullName: "/home/u/start.S", Line: 1}, true},
		{"unknown", Frame{}, false},
	}
	for _, tc := range tests {
		if got := tc.f.Library(); got != tc.want {
			t.Errorf("%s: Library() = %v, want %v (%+v)", tc.name, got, tc.want, tc.f)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "ptrace.c")
	if err := os.WriteFile(p, []byte("int main(void){return 0;}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !(Frame{File: "ptrace.c", FullName: p, Line: 1}).UserSource() {
		t.Errorf("an existing user file is not user source")
	}
	for _, f := range []Frame{
		{File: "ptrace.c", FullName: filepath.Join(dir, "gone.c"), Line: 1},
		{File: "ptrace.c", FullName: p},
		{File: "../sysdeps/unix/sysv/linux/ptrace.c", FullName: p, Line: 45},
		{File: "ptrace.c", FullName: dir, Line: 1},
	} {
		if f.UserSource() {
			t.Errorf("%+v counted as user source", f)
		}
	}
}

// TestDebugPtraceExampleLibraryFrame: the ptrace demo's source is called ptrace.c, like
// glibc's ../sysdeps/unix/sysv/linux/ptrace.c, which gdb resolves to the demo's file when libc's
// debug information is installed. At the blocked stop, glibc's ptrace() frame must not count as
// user source; the first user frame is main at the demo's ptrace() line.
func TestDebugPtraceExampleLibraryFrame(t *testing.T) {
	ex, err := examples.Get("ptrace")
	if err != nil {
		t.Fatal(err)
	}
	// As `sandbug demo ptrace` does: the source in a directory that is also the working
	// directory, where gdb finds a ptrace.c for glibc's frame by its base name.
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := ex.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := baseConfig(t, src)
	cfg.Dir = dir
	cfg.StopAtBlocked = true
	r := startDebug(t, cfg)
	if st := r.stopped(); st == nil || st.Frame.Func != "main" {
		t.Fatalf("first stop %+v", st)
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	st := r.stopped()
	if st == nil || st.Reason != "blocked-syscall" {
		t.Fatalf("stop %+v; events %s", st, r.c.describe())
	}
	frames, err := r.s.Stack()
	if err != nil || len(frames) < 2 {
		t.Fatalf("stack %+v: %v", frames, err)
	}
	t.Logf("frame 0: %+v", frames[0])
	if frames[0].UserSource() {
		t.Errorf("frame 0 (%+v) counted as user source", frames[0])
	}
	want := lineOf(t, ex.Source, "ptrace(PTRACE_TRACEME")
	var user *Frame
	for i := range frames {
		if frames[i].UserSource() {
			user = &frames[i]
			break
		}
	}
	if user == nil || user.Func != "main" || user.Line != want || filepath.Base(user.FullName) != "ptrace.c" {
		t.Errorf("first user frame %+v, want main at ptrace.c:%d; stack %+v", user, want, frames)
	}
	if st.Source.Func != "main" || st.Source.Line != want || st.Blocked.Where.Line != want {
		t.Errorf("stop source %+v, blocked where %+v, want main at line %d", st.Source, st.Blocked.Where, want)
	}
	if err := r.s.ResolveBlocked(Verdict{}); err != nil {
		t.Fatal(err)
	}
	if ex := r.exit(); ex.Kind != KindExited || ex.Code != 1 {
		t.Errorf("exit %+v", ex)
	}
	r.s.Close()
	checkNoLeftovers(t, r.s)
}
