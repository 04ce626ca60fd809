package launcher

import (
	"os/signal"
	"strings"
	"syscall"
)

func splitComma(s string) []string { return strings.Split(s, ",") }

func cut(s, sep string) (string, string, bool) { return strings.Cut(s, sep) }

func ignoreTTOU() { signal.Ignore(syscall.SIGTTOU) }
