package launcher

import (
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// srcFakeWrapper execs the program after "--" without any sandbox: a wrapper that lies.
const srcFakeWrapper = `#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) { execv(argv[i + 1], argv + i + 1); return 127; }
	return 125;
}
`

func TestUnsandboxedProgramIsCaught(t *testing.T) {
	fake := testbin.CompileC(t, "fakewrapper", srcFakeWrapper)
	prog := program(t, "exit", srcExit)
	t.Run("run", func(t *testing.T) {
		cfg := baseConfig(t, prog)
		cfg.WrapperPath = fake
		c := runToEnd(t, cfg)
		if c.verified == nil || c.verified.OK || !strings.Contains(c.verified.Detail, "NOT sandboxed") {
			t.Fatalf("verification %+v", c.verified)
		}
	})
	t.Run("debug", func(t *testing.T) {
		cfg := baseConfig(t, prog)
		cfg.WrapperPath = fake
		r := startDebug(t, cfg)
		ex := r.exit()
		if ex.Kind != KindSandboxError || !strings.Contains(ex.Message, "not inside the sandbox") {
			t.Fatalf("exit %+v", ex)
		}
		if r.c.verified == nil || r.c.verified.OK {
			t.Fatalf("verification %+v", r.c.verified)
		}
		if strings.Contains(r.c.output.String(), "exiting with") {
			t.Errorf("the unsandboxed program ran on: %q", r.c.output.String())
		}
		r.s.Close()
		checkNoLeftovers(t, r.s)
	})
}
