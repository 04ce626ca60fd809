//go:build !linux

package keeper

import (
	"fmt"
	"io"
)

// Run fails: the keeper is a Linux child subreaper.
func Run(args []string, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sandbug-keeper: needs Linux (a child subreaper)")
	return 125
}
