//go:build !linux

package wrapper

import "errors"

// errNotLinux is what the Linux-only parts return elsewhere.
var errNotLinux = errors.New("sandbug's sandbox needs Linux (seccomp)")

// Exec fails: seccomp exists only on Linux.
func Exec(cfg ExecConfig) *ExitError {
	return &ExitError{Code: ExitSetup, Msg: errNotLinux.Error()}
}

// HardenSelf fails: PR_SET_DUMPABLE is Linux's.
func HardenSelf() error { return errNotLinux }

// Supervisor is unavailable outside Linux.
type Supervisor struct{}

// NewSupervisor fails: seccomp user notification exists only on Linux.
func NewSupervisor(cfg SupervisorConfig) (*Supervisor, error) { return nil, errNotLinux }

// SocketPath returns "".
func (s *Supervisor) SocketPath() string { return "" }

// Token returns "".
func (s *Supervisor) Token() string { return "" }

// Env returns nothing.
func (s *Supervisor) Env() []string { return nil }

// Events returns a closed channel.
func (s *Supervisor) Events() <-chan Event {
	c := make(chan Event)
	close(c)
	return c
}

// Stats returns nothing.
func (s *Supervisor) Stats() []RuleStat { return nil }

// Close does nothing.
func (s *Supervisor) Close() error { return nil }

// LockRunDir does nothing: run folders are swept only on Linux.
func LockRunDir(dir string) error { return nil }

// UnlockRunDir does nothing off Linux.
func UnlockRunDir(dir string) {}

// RunDirAbandoned reports false off Linux: nothing is swept.
func RunDirAbandoned(dir string) bool { return false }
