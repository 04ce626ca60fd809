//go:build !linux

package tui

import (
	"context"

	"github.com/sandbug/sandbug/launcher"
)

// launcherStarter: sessions run on Linux only; the TUI's model and its tests build anywhere.
func launcherStarter(context.Context, launcher.Config, bool) (Session, error) {
	return nil, launcher.ErrUnsupported
}
