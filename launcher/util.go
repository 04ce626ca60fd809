package launcher

import (
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
)

func splitComma(s string) []string { return strings.Split(s, ",") }

func cut(s, sep string) (string, string, bool) { return strings.Cut(s, sep) }

func ignoreTTOU() { signal.Ignore(syscall.SIGTTOU) }

// lazyRE compiles expr on first use: the package's patterns serve the debugger and the crash
// reports, and compiling them all at start-up cost every `sandbug run` 0.45 ms.
func lazyRE(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
