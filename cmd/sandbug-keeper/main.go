// Command sandbug-keeper is sandbug's keeper: it runs a command as a child subreaper and, when
// sandbug closes the control socket on fd 3 (or dies), kills every process left below it and
// exits with the command's status. sandbug starts it; see package keeper.
package main

import (
	"os"

	"github.com/sandbug/sandbug/wrapper/keeper"
)

func main() {
	os.Exit(keeper.Run(os.Args[1:], os.Stderr))
}
