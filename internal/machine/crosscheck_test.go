package machine

import (
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m) }

const watchC = `
volatile int g;
int main(void) {
	g = 1;
	g = 2;
	return 0;
}
`

// TestHardwareWatchpointsAgreeWithGDB: the probe says what gdb then does. gdb is told to use
// hardware watchpoints only; on a machine where they are inert, it runs to the end.
func TestHardwareWatchpointsAgreeWithGDB(t *testing.T) {
	gdb := testbin.NeedTool(t, "gdb")
	bin := testbin.CompileC(t, "watchprobe", watchC)
	// Exit status ignored: gdb -batch fails when the last command finds the program gone.
	out, _ := exec.Command(gdb, "-nx", "-batch",
		"-ex", "break main", "-ex", "run", "-ex", "watch g", "-ex", "continue", bin).CombinedOutput()
	text := string(out)
	if !strings.Contains(text, "Hardware watchpoint") {
		t.Fatalf("gdb did not set a hardware watchpoint:\n%s", text)
	}
	triggered := strings.Contains(text, "New value = 1")
	f := HardwareWatchpoints()
	t.Logf("probe: %v; gdb's hardware watchpoint triggered: %v", f, triggered)
	if f.Present != triggered {
		t.Errorf("the probe says %v but gdb's hardware watchpoint triggered=%v:\n%s", f, triggered, text)
	}
}

const int80C = `
#include <unistd.h>
int main(void) {
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	return r == (long)getpid() ? 0 : 1;
}
`

// TestIA32AgreesWithC: the probe says what a C program calling the i386 getpid sees: its pid,
// or death by SIGSEGV.
func TestIA32AgreesWithC(t *testing.T) {
	bin := testbin.CompileC(t, "int80probe", int80C)
	err := exec.Command(bin).Run()
	var ee *exec.ExitError
	works := err == nil
	if err != nil && (!errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGSEGV) {
		t.Fatalf("the int $0x80 program neither worked nor died of SIGSEGV: %v", err)
	}
	f := IA32()
	t.Logf("probe: %v; the C program's int $0x80 worked: %v", f, works)
	if f.Present != works {
		t.Errorf("the probe says %v, the C program says %v", f, works)
	}
}
