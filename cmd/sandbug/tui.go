//go:build !notui

package main

import (
	"context"

	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/tui"
)

// runTUI opens the terminal UI on cfg: a debug session, or a run without the debugger.
func runTUI(ctx context.Context, cfg launcher.Config, lesson string, runFirst bool, dark *bool) error {
	return tui.Run(ctx, cfg, tui.Options{Lesson: lesson, RunWithoutDebug: runFirst, Dark: dark})
}
