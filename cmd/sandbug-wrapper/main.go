// Command sandbug-wrapper runs a program inside a seccomp sandbox: limits, privilege drop,
// no_new_privs, the policy's filter, and an optional hand-off of the notification listener to a
// supervisor, then one execve. See `sandbug-wrapper --help` and package wrapper.
package main

import (
	"os"
	"runtime"

	"github.com/sandbug/sandbug/wrapper"
)

// The filter, no_new_privs and execve apply to one thread: keep main on the initial one.
func init() { runtime.LockOSThread() }

func main() {
	os.Exit(wrapper.Main(os.Args[1:], os.Stdout, os.Stderr))
}
