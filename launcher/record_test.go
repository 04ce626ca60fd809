package launcher

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/machine"
)

const srcRecord = `#include <stdio.h>
#include <string.h>
int main(void) {
	char buf[32];
	int x = 1;
	x = x + 1;
	strcpy(buf, "hello");
	x = x * 10 + (int)strlen(buf);
	x = x + 100;
	printf("%d %s\n", x, buf);
	return 0;
}
`

// startRecording turns recording on, or, where gdb cannot write the program's extended
// registers (a CPU with AMX under gdb 13), checks that it is refused with the reason and
// that the program is still stopped and usable, says so in the output and returns false: the
// test has then checked what this machine can do, and ends.
func startRecording(t *testing.T, r *dbgRun) bool {
	t.Helper()
	err := r.s.SetRecording(true)
	amx := machine.AMX()
	switch {
	case err == nil && amx.Present:
		t.Logf("%v, and gdb wrote its registers all the same: recording", amx)
		return true
	case err == nil:
		return true
	case errors.Is(err, ErrNoReverseHere) && amx.Present:
		if r.s.Recording() {
			t.Error("Recording() true after the refusal")
		}
		if _, verr := r.s.Evaluate("1 + 1"); verr != nil {
			t.Errorf("the session after the refusal: %v", verr)
		}
		t.Logf("%v: recording refused as it must be here (%v); checked the refusal instead of reverse stepping", amx, err)
	default:
		t.Fatalf("SetRecording: %v (%v)", err, amx)
	}
	return false
}

// TestRecordStepBack records with gdb's record full, steps three lines forward (through
// glibc's strcpy and strlen, which record only because debug sessions turn AVX off in glibc),
// and goes back: reverse-next returns to the earlier lines and x has its older values again.
func TestRecordStepBack(t *testing.T) {
	cfg := baseConfig(t, program(t, "record", srcRecord))
	r := startDebug(t, cfg)
	st := r.stopped()
	if st == nil || st.Source.Line != 5 {
		t.Fatalf("first stop %+v", st)
	}
	if err := r.s.ReverseNext(); err != ErrNotRecording {
		t.Errorf("ReverseNext before recording: %v, want ErrNotRecording", err)
	}
	if !startRecording(t, r) {
		return
	}
	r.until("the record event", func(e Event) bool { ev, ok := e.(RecordEvent); return ok && ev.On })
	if !r.s.Recording() {
		t.Fatal("Recording() false after SetRecording(true)")
	}
	line := func(step func() error) int {
		t.Helper()
		if err := step(); err != nil {
			t.Fatal(err)
		}
		st := r.stopped()
		if st == nil {
			t.Fatalf("no stop; events %s", r.c.describe())
		}
		return st.Source.Line
	}
	for _, want := range []int{6, 7, 8, 9} {
		if got := line(r.s.Next); got != want {
			t.Fatalf("next: line %d, want %d", got, want)
		}
	}
	if v, _ := r.s.Evaluate("x"); v != "25" {
		t.Fatalf("x = %q at line 9, want 25", v)
	}
	for _, want := range []struct {
		line int
		x    string
	}{{8, "2"}, {7, "2"}, {6, "1"}} {
		if got := line(r.s.ReverseNext); got != want.line {
			t.Fatalf("reverse-next: line %d, want %d; events %s", got, want.line, r.c.describe())
		}
		if v, _ := r.s.Evaluate("x"); v != want.x {
			t.Errorf("x = %q back at line %d, want %s", v, want.line, want.x)
		}
	}
	// Forward again replays the log to where recording was, then records on.
	if got := line(r.s.Next); got != 7 {
		t.Errorf("next after going back: line %d, want 7", got)
	}
	if err := r.s.SetRecording(false); err != nil {
		t.Fatal(err)
	}
	if r.s.Recording() {
		t.Error("still recording after SetRecording(false)")
	}
	if err := r.s.ReverseStep(); err != ErrNotRecording {
		t.Errorf("ReverseStep after recording stopped: %v", err)
	}
}

// TestRecordFailureLine: gdb's message for what it cannot record becomes one sentence.
func TestRecordFailureLine(t *testing.T) {
	why, ok := recordFailure("Process record does not support instruction 0x62 at address 0x7ffff7f3cac2.")
	if !ok || !strings.HasPrefix(why, "recording stopped: gdb cannot record instruction 0x62 at 0x7ffff7f3cac2 (AVX code)") {
		t.Errorf("%q %v", why, ok)
	}
	if why, ok := recordFailure("Process record and replay target doesn't support syscall number 435"); !ok || !strings.Contains(why, "syscall number 435") {
		t.Errorf("syscall: %q %v", why, ok)
	}
	if _, ok := recordFailure("Breakpoint 1, main () at rec.c:6"); ok {
		t.Error("an ordinary line read as a failure")
	}
	if got := debugTunables("glibc.malloc.check=3"); got != glibcNoAVX+":glibc.malloc.check=3" {
		t.Errorf("tunables %q", got)
	}
}

const srcRecordAVX = `#include <stdio.h>
int main(void) {
	int x = 1;
	__asm__ volatile("vpxor %%ymm0, %%ymm0, %%ymm0" ::: "xmm0");
	x = 2;
	printf("%d\n", x);
	return 0;
}
`

// TestRecordStopsAtUnsupportedInstruction: an instruction gdb cannot record (AVX) stops the
// program and recording, with one line saying why (RecordEvent.Reason).
func TestRecordStopsAtUnsupportedInstruction(t *testing.T) {
	r := startDebug(t, baseConfig(t, program(t, "recordavx", srcRecordAVX)))
	if st := r.stopped(); st == nil {
		t.Fatal("no first stop")
	}
	if !startRecording(t, r) {
		return
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	ev := r.until("recording to stop", func(e Event) bool { ev, ok := e.(RecordEvent); return ok && !ev.On }).(RecordEvent)
	if !strings.HasPrefix(ev.Reason, "recording stopped: gdb cannot record instruction 0xc5") {
		t.Errorf("reason %q", ev.Reason)
	}
	st := r.stopped()
	if st == nil || st.Reason != StopRecordFailed || st.Source.Line != 4 {
		t.Errorf("stop %+v, want record-failed at line 4", st)
	}
	if r.s.Recording() {
		t.Error("still recording")
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	if x := r.exit(); x.Kind != KindExited || x.Code != 0 {
		t.Errorf("exit %+v", x)
	}
}

const srcRecordCost = `static volatile long sink;
static void spin(int n) {
	for (int i = 0; i < n; i++)
		sink += i ^ (i >> 3);
}
int main(void) {
	spin(5000);
	spin(5000);
	spin(5000);
	return 0;
}
`

// TestRecordCost measures what gdb's record full costs: `next` over the same function with and
// without recording, and the instructions recorded (gdb's `info record`). It logs the cost in
// ms per 1,000 instructions (BENCHMARKS.md).
func TestRecordCost(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement (-short)")
	}
	r := startDebug(t, baseConfig(t, program(t, "recordcost", srcRecordCost)))
	if st := r.stopped(); st == nil || st.Source.Line != 7 {
		t.Fatalf("first stop %+v", st)
	}
	next := func() time.Duration {
		t.Helper()
		t0 := time.Now()
		if err := r.s.Next(); err != nil {
			t.Fatal(err)
		}
		if st := r.stopped(); st == nil {
			t.Fatal("no stop")
		}
		return time.Since(t0)
	}
	plain := next() // spin(5000) at full speed (a warm-up of gdb's stepping too)
	plain = min(plain, next())
	if !startRecording(t, r) {
		return
	}
	recorded := next()
	out, err := r.s.ConsoleCapture("info record")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Log contains (\d+) instructions`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("info record: %q", out)
	}
	n, _ := strconv.Atoi(m[1])
	per := float64((recorded - plain).Microseconds()) / 1000 / float64(n) * 1000
	t.Logf("next over spin(5000): %v plain, %v recording %d instructions: %.2f ms per 1,000 instructions recorded (%.0fx)",
		plain.Round(time.Microsecond), recorded.Round(time.Microsecond), n, per, float64(recorded)/float64(plain))
	if n < 10000 {
		t.Errorf("only %d instructions recorded", n)
	}
}
