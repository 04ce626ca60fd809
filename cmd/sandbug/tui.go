package main

import (
	"context"
	"errors"

	"github.com/sandbug/sandbug/launcher"
)

// runTUI opens the terminal UI. The tui package is not built yet.
func runTUI(ctx context.Context, cfg launcher.Config, lesson string) error {
	return errors.New("the terminal UI is not built yet: use `sandbug run` meanwhile")
}
