// Package wrapper holds the Linux effects of the sandbox: resource limits, the privilege drop,
// installing a seccomp filter with seccomp(2), the hand-off of the user-notification listener to
// a supervisor over a unix socket, and the Supervisor that answers notified system calls and
// publishes them as events.
//
// The policy itself (model, YAML, profiles, BPF) lives in the pure package wrapper/policy; this
// package only applies it. The command cmd/sandbug-wrapper is a thin main around Main.
//
// Code that touches the kernel is in _linux.go files; the pure parts (Limits, the hand-off
// messages, the event queue) build everywhere.
package wrapper
