// Package policy is sandbug's seccomp policy: the model, its YAML file format, the built-in
// profiles (default, strict, permissive), the compiler to a seccomp BPF program, and Match,
// the same decision made in Go for the supervisor and the TUI.
//
// The package is pure: no syscalls, no I/O except Load reading a file, and no Linux-only
// imports (it builds on any GOOS): the x86_64 syscall table, errno and signal names and the
// symbolic constants are generated into linux_tables.go by internal/gen from go-seccomp-bpf
// and x/sys/unix, and TestGeneratedTablesUpToDate keeps them in step.
//
// # Semantics
//
// Rules are tried in order and the first whose syscalls and argument conditions match decides;
// calls no rule matches get Policy.Default. Before any rule, the compiled filter kills every call
// that is not a native x86_64 call (i386 "int $0x80", x32 numbers, any other arch), and the hot
// syscalls (HotSyscalls: read, write, mmap, futex, ...) are always allowed without looking at
// their arguments, so Linux 5.11+ caches the decision and skips the filter for them.
//
// A rule names syscalls, @groups (Groups) or "=name". Without argument conditions a name covers
// its whole alias family (Aliases): "open" also means openat, openat2 and creat; "execve" also
// execveat; "kill" also tkill, tgkill, pidfd_send_signal, rt_sigqueueinfo, rt_tgsigqueueinfo;
// "fork" also vfork, clone, clone3 (and naming any member names them all); "dup" also dup2, dup3.
// "=name" names that syscall alone. Rules with argument conditions must name syscalls exactly,
// because the members of a family put their arguments in different places.
//
// Argument conditions compare the low 32 bits of the argument unless width64 is set: the kernel
// truncates int arguments, so socket(0x100000002, ...) is socket(AF_INET, ...), and a full 64-bit
// comparison would miss it.
//
// Actions: allow; errno (the call fails with the errno, EPERM when none is named, without
// running); kill (the whole process, SECCOMP_RET_KILL_PROCESS); trap (SIGSYS: a debugger stops
// there); log (the call runs and is reported). Denying actions and log are reported unless the
// rule says report: false. Compiled with CompileOptions.Notify, a reported call becomes
// SECCOMP_RET_USER_NOTIF and the supervisor applies the action; otherwise the kernel applies it.
//
// # File format
//
// A commented example (testdata/example.yaml holds a longer one):
//
//	name: exam                     # shown in events and by --print-profile
//	description: No network, no debugging of other programs.
//	default: allow                 # or {action: errno, errno: EPERM} for an allowlist
//	rules:                         # first match wins
//	  - name: no debugging         # shown when the rule blocks a call
//	    explain: Reading another program's memory could escape the sandbox.
//	    syscalls: ["@debug"]       # groups start with @ and must be quoted
//	    action: errno              # allow | errno | kill | trap | log
//	    errno: EPERM               # any errno name; EPERM when left out
//	  - name: clone3 falls back
//	    syscalls: ["=clone3"]      # "=": this syscall only, not its aliases (fork, clone...)
//	    action: errno
//	    errno: ENOSYS
//	    report: false              # do not tell the supervisor (default: report denials)
//	  - name: no internet
//	    syscalls: [socket]
//	    args:                      # all must hold; low 32 bits unless width64: true
//	      - {arg: 0, op: "!=", value: AF_UNIX}   # ops: ==, !=, & (any bit), &== (with mask)
//	    action: errno
//	    errno: EACCES
//
// Values are numbers (decimal, 0x hex, negative) or constant names joined by "|"
// (CLONE_NEWUSER|CLONE_NEWNS, AF_INET, TIOCSTI, PR_SET_SECCOMP, PTRACE_ATTACH, SIGKILL, ...; see
// ConstantValue). Parse reports the first problem as "line N: what to fix"; Load adds the file
// name. Marshal writes a policy back in this format, and Parse(Marshal(p)) equals p.
package policy
