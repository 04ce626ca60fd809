// Package wrapper holds the Linux effects of the sandbox: resource limits, the privilege drop,
// installing a seccomp filter with seccomp(2), the hand-off of the user-notification listener to
// a supervisor over a unix socket, and the Supervisor that answers notified system calls and
// publishes them as events. The policy itself (model, YAML, profiles, BPF) lives in the pure
// package wrapper/policy; this package applies it. cmd/sandbug-wrapper is a thin main around Main.
//
// # The wrapper
//
// Exec runs on one locked OS thread, the one that execs, in this order: connect to the
// supervisor's socket (so every later failure reaches it); compile the policy; resolve the
// program (127 not found, 126 not executable); drop privileges (started as root: nobody, unless
// --user says otherwise) with per-thread set*id calls; check the program is executable by that
// user; set no_new_privs; mark every fd >= 3 close-on-exec (the program gets stdin, stdout
// and stderr only); install the filter with seccomp(2) (with NEW_LISTENER when notifying;
// never the fail-open LoadFilter of go-seccomp-bpf); set the rlimits; hand the listener over and
// wait for the ack; close both fds; execve once with arguments built before the limits (a Go
// allocation after RLIMIT_AS could fail). Any failure is one line on stderr starting with
// "sandbug-wrapper: " and, with a supervisor, a JSON error message on the socket, then exit 125,
// 126 or 127. Between the filter and execve only calls every built-in profile allows happen
// (TestProfilesAllowWrapperCalls).
//
// # The supervisor
//
// A Supervisor serves many wrappers over its life. It checks each peer with SO_PEERCRED (our uid
// or root) and that the fd it passes is a seccomp listener. A program run as our uid (--user
// root when we are root) can reach the socket too, so wrappers also prove themselves with the
// supervisor's random token, which they get in $SANDBUG_NOTIFY_TOKEN (Supervisor.Env) and
// remove from the program's environment; a wrong token is always refused, a missing one when
// SupervisorConfig.RequireToken is set. As defence in depth an error message from a peer that
// already runs under seccomp (read from /proc/<pid>/status, pinned with SO_PEERPIDFD) is refused
// unless it carries the listener: a wrapper sends its errors before its filter is on, or with
// the listener after; a sandboxed program is always filtered and has no listener to show
// (unless its policy lets it install a filter of its own). The check cannot judge a peer that
// is gone before it looks; the token can. Then it answers each notification from
// the policy's rule: errno (the call fails without running), log or allow (the kernel runs it:
// never decided from pointer contents), kill (SIGKILL to the whole process through a pidfd
// opened before the notification is re-validated), trap (SIGSYS to the thread, like RET_TRAP).
// A call counts once, when its answer is delivered; a notification withdrawn by a signal or a
// debugger (ENOENT) comes back when the call restarts. Events go through a coalescing queue, so
// the supervisor never waits for its reader and memory stays bounded under a flood while
// counts stay exact. Close and POLLHUP end the loops through poll(2) with an eventfd: no
// timeouts, no busy loops.
//
// # Hardening the processes around the program
//
// A program running as its launcher's uid can open /proc/<ppid>/mem, which no seccomp rule can
// refuse by path. HardenSelf makes the calling process non-dumpable, so the kernel refuses it;
// GDBHardenArgs does the same for gdb through its Python.
//
// Code that touches the kernel is in _linux.go files; the pure parts (Limits, the hand-off
// messages, events, the queue) build everywhere, with a stub for the rest.
package wrapper
