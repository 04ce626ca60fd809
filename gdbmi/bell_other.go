//go:build !linux

package gdbmi

import "os"

// newEventFD: there is no eventfd outside Linux; calls ring through a channel.
func newEventFD() *os.File { return nil }
