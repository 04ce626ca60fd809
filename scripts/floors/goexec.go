//go:build ignore

// goexec PROG [ARGS...]: the floor of any wrapper written in Go (issue 17). It starts the Go
// runtime and execs PROG, nothing else: no flags, no policy, no filter. What sandbug-wrapper
// takes beyond it is its own work; what it takes beyond the C floor is the runtime's start.
//
//	CGO_ENABLED=0 go build -trimpath -o goexec scripts/floors/goexec.go
package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: goexec PROG [ARGS...]")
		os.Exit(2)
	}
	err := syscall.Exec(os.Args[1], os.Args[1:], os.Environ())
	fmt.Fprintln(os.Stderr, "goexec:", err)
	os.Exit(127)
}
