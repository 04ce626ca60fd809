package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/sandbug/sandbug/launcher"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got (ANSI stripped, trailing spaces trimmed) with testdata/golden/name.
func golden(t *testing.T, name, got string) {
	t.Helper()
	got = ansi.Strip(got)
	lines := strings.Split(got, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	got = strings.Join(lines, "\n") + "\n"
	// Paths differ between machines: the goldens show the testdata directory as $TESTDATA.
	dir, _ := filepath.Abs("testdata")
	got = strings.ReplaceAll(got, dir, "$TESTDATA")
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test ./tui -run %s -update rewrites it)\n--- got:\n%s--- want:\n%s", name, t.Name(), got, want)
	}
}

// scene puts a harness in a representative state: stopped in square() called from main, with a
// breakpoint, locals, a watch, a blocked call, program output and the MI transcript.
func scene(t *testing.T, w, h int, opts Options) *harness {
	t.Helper()
	hs := started(t, w, h, opts)
	path := demoPath(t)
	inner := launcher.Frame{Level: 0, Func: "square", File: "demo.c", FullName: path, Line: 9, Addr: "0x401126"}
	outer := launcher.Frame{Level: 1, Func: "main", File: "demo.c", FullName: path, Line: 17, Addr: "0x401160"}
	hs.dbg.stack = []launcher.Frame{inner, outer}
	hs.dbg.locals[0] = []launcher.Variable{{Name: "n", Type: "int", Value: "2", Arg: true}, {Name: "r", Type: "int", Value: "21845"}}
	hs.dbg.eval["total"] = "1"
	hs.m.watch.add("total")
	b := blockedPtrace(t, false)
	hs.events(
		launcher.ConsoleEvent{Kind: launcher.ConsoleCommand, Text: "-break-insert demo.c:9"},
		launcher.BreakpointsEvent{List: []launcher.Breakpoint{{ID: "1", Enabled: true, File: "demo.c", FullName: path, Line: 9, Func: "square", Hits: 3}}},
		launcher.ConsoleEvent{Kind: launcher.ConsoleCommand, Text: "-exec-run"},
		launcher.StateEvent{State: launcher.Running},
		launcher.AttachedEvent{Pid: 4242, Program: "demo", Policy: "default", Jail: &launcher.Jail{ABI: 7,
			Files: "enforced", TCP: "open", Signals: "enforced", Sockets: "enforced"}},
		launcher.VerifiedEvent{OK: true, Pid: 4242, Seccomp: 2, Filters: 1, NoNewPrivs: true},
		launcher.OutputEvent{Data: []byte("starting demo\r\n")},
		launcher.BlockedEvent{B: b},
		launcher.StateEvent{State: launcher.Stopped, Stop: &launcher.Stop{Reason: "breakpoint-hit", Frame: inner, Source: inner, BkptNo: 1}},
	)
	return hs
}

func TestGoldenScreens(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {160, 48}} {
		name := fmt.Sprintf("%dx%d", sz.w, sz.h)
		t.Run(name, func(t *testing.T) {
			hs := scene(t, sz.w, sz.h, Options{})
			golden(t, "screen-stopped-"+name, hs.screen())

			b := blockedPtrace(t, true)
			hs.events(launcher.BlockedEvent{B: b})
			golden(t, "screen-blocked-"+name, hs.screen())
			hs.key("enter")
			answered := blockedPtrace(t, false)
			answered.Where = launcher.Frame{}

			hs.events(launcher.StateEvent{State: launcher.Running}, launcher.BlockedEvent{B: answered},
				launcher.OutputEvent{Data: []byte("ptrace: Operation not permitted (errno 1)\r\n")},
				launcher.ExitEvent{Status: launcher.ExitStatus{Kind: launcher.KindExited, Code: 3}})
			golden(t, "screen-exit-"+name, hs.screen())

			hs.key("enter")
			hs.key("?")
			golden(t, "screen-help-"+name, hs.screen())
		})
	}
}

func TestGoldenLesson(t *testing.T) {
	lesson := "# ptrace is blocked\n\nThe program calls `ptrace(PTRACE_TRACEME)`.\n\n## Try\n- Press F5 and watch the card.\n- Continue with **EPERM**.\n"
	for _, sz := range []struct{ w, h int }{{80, 24}, {160, 48}} {
		name := fmt.Sprintf("%dx%d", sz.w, sz.h)
		t.Run(name, func(t *testing.T) {
			hs := started(t, sz.w, sz.h, Options{Lesson: lesson})
			hs.m.setFocus(paneLesson)
			golden(t, "screen-lesson-"+name, hs.screen())
		})
	}
}

func TestGoldenTooSmall(t *testing.T) {
	hs := started(t, 70, 20, Options{})
	golden(t, "screen-too-small", hs.screen())
}

func TestGoldenPanes(t *testing.T) {
	hs := scene(t, 160, 48, Options{})
	hs.m.con.add(launcher.ConsoleOutput, "Breakpoint 1, square (n=2) at demo.c:9\n")
	hs.m.procs = samplePipeline()
	sampleViews(t, hs.dbg)
	showViewsSample(t, hs)
	const w, h = 56, 12
	for p := paneSource; p < numPanes; p++ {
		if p == paneLesson {
			continue
		}
		t.Run(p.String(), func(t *testing.T) {
			body := hs.m.paneBody(p, w, h)
			golden(t, "pane-"+strings.ToLower(p.String()), strings.Join(block(body, w, h), "\n"))
		})
	}
	t.Run("Lesson", func(t *testing.T) {
		hs.m.lesson.text = "# Title\n\nSome `code` and a list:\n- one\n- two\n\n```\nint x;\n```\n"
		golden(t, "pane-lesson", strings.Join(block(hs.m.paneBody(paneLesson, w, h), w, h), "\n"))
	})
	t.Run("Status", func(t *testing.T) {
		golden(t, "status-line", hs.m.statusLine()+"\n"+hs.m.hintLine())
	})
}
