package tui

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

// TestE2EGDBDiesThenDebugAgain: gdb is SIGKILLed under the TUI, first while the program is
// stopped at main, then while it runs. Each time the screen says gdb ended and how (never that
// the sandbox failed), the program gdb left is gone while the UI stays up, and F5 starts a new
// gdb that stops at main again; at the end q quits with status 0 and nothing is left.
func TestE2EGDBDiesThenDebugAgain(t *testing.T) {
	prog := testbin.CompileC(t, "faultprog", faultSrc)
	tm := newTermArgs(t, 120, 40, "--no-stop-at-blocked", prog)
	tm.wait(30*time.Second, ":5 in main()", "sandbox: default ✓")
	sb := tm.paneChild("sandbug")
	t0 := time.Now()
	defer func() { t.Logf("after the first stop: %v", time.Since(t0)) }()
	for i, running := range []bool{false, true} {
		if running {
			tm.keys("F5")
			tm.wait(15*time.Second, "past ptrace", "running (debug)")
		}
		procs := descendants(sb)
		gdb := findIn(t, procs, "gdb")
		progPid := findIn(t, procs, filepath.Base(prog))
		if err := syscall.Kill(gdb, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		t.Logf("kill %d at %v", i, time.Since(t0))
		scr := tm.wait(15*time.Second, "gdb ended", "gdb was killed by SIGKILL: press F5 to debug again",
			"gdb (the debugger) was killed by SIGKILL: the program was killed with it")
		if strings.Contains(scr, "sandbox could not start") || strings.Contains(scr, ":5 in main()") {
			t.Fatalf("kill %d: the screen blames the sandbox or still shows the stop:\n%s", i, scr)
		}
		for _, p := range procs {
			if p.pid == gdb || p.pid == progPid {
				waitGone(t, p)
			}
		}
		t.Logf("kill %d reported, program gone at %v", i, time.Since(t0))
		// F5 (offered by the exit card and the status line) debugs again with a new gdb.
		tm.keys("F5")
		tm.wait(30*time.Second, ":5 in main()", "sandbox: default ✓")
		t.Logf("kill %d: stopped at main again at %v", i, time.Since(t0))
		if again := findIn(t, descendants(sb), "gdb"); again == gdb {
			t.Fatalf("kill %d: the same gdb %d after F5", i, gdb)
		}
	}
	tm.quit()
}
