//go:build !linux

package launcher

import (
	"context"
	"errors"
	"os"
	"os/exec"
)

// The sandbox (seccomp, ptys, process groups, gdb's exec-wrapper) exists on Linux only. Elsewhere
// the package builds, so that the pure parts and the TUI's model tests run anywhere, and starting
// a session says why it cannot.

// ErrUnsupported is returned by StartRun and StartDebug off Linux.
var ErrUnsupported = errors.New("sandbug runs programs on Linux only (seccomp)")

type debugState struct{}

// StartRun is not available off Linux.
func StartRun(context.Context, Config) (*Session, error) { return nil, ErrUnsupported }

// StartDebug is not available off Linux.
func StartDebug(context.Context, Config) (*Session, error) { return nil, ErrUnsupported }

func groupCommand(*exec.Cmd)           {}
func reapGroup(int)                    {}
func setSize(*os.File, int, int) error { return ErrUnsupported }
