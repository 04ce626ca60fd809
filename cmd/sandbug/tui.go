package main

import (
	"context"

	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/tui"
)

// runTUI opens the terminal UI on cfg's program; lesson is a demo's lesson ("" for none).
func runTUI(ctx context.Context, cfg launcher.Config, lesson string) error {
	return tui.Run(ctx, cfg, tui.Options{Lesson: lesson})
}
