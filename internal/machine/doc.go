// Package machine asks the running kernel and processor what they can do, for the features
// sandbug and its tests depend on but cannot assume: hardware watchpoints (virtual machines
// without debug-register passthrough accept them and never trigger) and the i386 system call
// entry (`int $0x80`, absent on kernels built or booted without ia32 emulation).
//
// Each probe runs once per process, on a traced child that never runs any of its own code, and
// its answer is cached. A probe that cannot run (ptrace refused, another architecture) reports
// the feature absent with the reason, so callers fall back to what always works.
package machine
