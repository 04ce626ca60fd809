//go:build notui

package main

import (
	"context"
	"errors"

	"github.com/sandbug/sandbug/launcher"
)

// runTUI without the terminal UI linked in: `go build -tags notui` makes a sandbug that only
// runs programs (scripts/bench-launcher.sh measures what the UI's package initialisation costs
// every `sandbug run`).
func runTUI(ctx context.Context, cfg launcher.Config, lesson string, runFirst bool, dark *bool) error {
	return errors.New("this sandbug was built without the terminal UI (-tags notui): use `sandbug run`")
}
