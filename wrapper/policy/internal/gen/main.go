//go:build linux

// Command gen writes wrapper/policy's Linux tables (linux_tables.go): the x86_64 syscall table
// of go-seccomp-bpf, the errno and signal names and the symbolic constants policy files may
// use, all from golang.org/x/sys/unix on linux/amd64. The policy package then needs neither at
// run time: no architecture tables built at start-up (~0.2 ms of the wrapper's), and it builds
// on any GOOS. TestGeneratedTablesUpToDate runs this program and fails when the committed file
// differs, so the tables cannot drift from their sources.
//
//	go generate ./wrapper/policy/   (runs: go run ./internal/gen -o linux_tables.go)
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"sort"
	"syscall"

	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/sys/unix"
)

type named struct {
	name string
	val  uint64
}

// The symbolic constants, from <sys/ptrace.h>, <sys/socket.h>, <linux/sched.h>,
// <asm/ioctls.h>, <linux/personality.h>, <linux/prctl.h>, <linux/seccomp.h> and <linux/bpf.h>
// through x/sys/unix (literal values where it lacks them).
var (
	ptraceRequests = []named{
		{"PTRACE_TRACEME", unix.PTRACE_TRACEME}, {"PTRACE_PEEKTEXT", unix.PTRACE_PEEKTEXT},
		{"PTRACE_PEEKDATA", unix.PTRACE_PEEKDATA}, {"PTRACE_PEEKUSER", unix.PTRACE_PEEKUSR},
		{"PTRACE_POKETEXT", unix.PTRACE_POKETEXT}, {"PTRACE_POKEDATA", unix.PTRACE_POKEDATA},
		{"PTRACE_POKEUSER", unix.PTRACE_POKEUSR}, {"PTRACE_CONT", unix.PTRACE_CONT},
		{"PTRACE_KILL", unix.PTRACE_KILL}, {"PTRACE_SINGLESTEP", unix.PTRACE_SINGLESTEP},
		{"PTRACE_GETREGS", unix.PTRACE_GETREGS}, {"PTRACE_SETREGS", unix.PTRACE_SETREGS},
		{"PTRACE_GETFPREGS", unix.PTRACE_GETFPREGS}, {"PTRACE_SETFPREGS", unix.PTRACE_SETFPREGS},
		{"PTRACE_ATTACH", unix.PTRACE_ATTACH}, {"PTRACE_DETACH", unix.PTRACE_DETACH},
		{"PTRACE_GETFPXREGS", unix.PTRACE_GETFPXREGS}, {"PTRACE_SETFPXREGS", unix.PTRACE_SETFPXREGS},
		{"PTRACE_SYSCALL", unix.PTRACE_SYSCALL}, {"PTRACE_ARCH_PRCTL", unix.PTRACE_ARCH_PRCTL},
		{"PTRACE_SYSEMU", unix.PTRACE_SYSEMU}, {"PTRACE_SYSEMU_SINGLESTEP", unix.PTRACE_SYSEMU_SINGLESTEP},
		{"PTRACE_SINGLEBLOCK", unix.PTRACE_SINGLEBLOCK},
		{"PTRACE_SETOPTIONS", unix.PTRACE_SETOPTIONS}, {"PTRACE_GETEVENTMSG", unix.PTRACE_GETEVENTMSG},
		{"PTRACE_GETSIGINFO", unix.PTRACE_GETSIGINFO}, {"PTRACE_SETSIGINFO", unix.PTRACE_SETSIGINFO},
		{"PTRACE_GETREGSET", unix.PTRACE_GETREGSET}, {"PTRACE_SETREGSET", unix.PTRACE_SETREGSET},
		{"PTRACE_SEIZE", unix.PTRACE_SEIZE}, {"PTRACE_INTERRUPT", unix.PTRACE_INTERRUPT},
		{"PTRACE_LISTEN", unix.PTRACE_LISTEN}, {"PTRACE_PEEKSIGINFO", unix.PTRACE_PEEKSIGINFO},
		{"PTRACE_GETSIGMASK", unix.PTRACE_GETSIGMASK}, {"PTRACE_SETSIGMASK", unix.PTRACE_SETSIGMASK},
		{"PTRACE_SECCOMP_GET_FILTER", unix.PTRACE_SECCOMP_GET_FILTER},
		{"PTRACE_SECCOMP_GET_METADATA", unix.PTRACE_SECCOMP_GET_METADATA},
		{"PTRACE_GET_SYSCALL_INFO", unix.PTRACE_GET_SYSCALL_INFO},
	}
	socketDomains = []named{
		{"AF_UNSPEC", unix.AF_UNSPEC}, {"AF_UNIX", unix.AF_UNIX}, {"AF_INET", unix.AF_INET},
		{"AF_AX25", unix.AF_AX25}, {"AF_IPX", unix.AF_IPX}, {"AF_APPLETALK", unix.AF_APPLETALK},
		{"AF_X25", unix.AF_X25}, {"AF_INET6", unix.AF_INET6}, {"AF_KEY", unix.AF_KEY},
		{"AF_NETLINK", unix.AF_NETLINK}, {"AF_PACKET", unix.AF_PACKET}, {"AF_RDS", unix.AF_RDS},
		{"AF_CAN", unix.AF_CAN}, {"AF_TIPC", unix.AF_TIPC}, {"AF_BLUETOOTH", unix.AF_BLUETOOTH},
		{"AF_ALG", unix.AF_ALG}, {"AF_VSOCK", unix.AF_VSOCK}, {"AF_XDP", unix.AF_XDP},
	}
	socketTypes = []named{
		{"SOCK_STREAM", unix.SOCK_STREAM}, {"SOCK_DGRAM", unix.SOCK_DGRAM}, {"SOCK_RAW", unix.SOCK_RAW},
		{"SOCK_RDM", unix.SOCK_RDM}, {"SOCK_SEQPACKET", unix.SOCK_SEQPACKET}, {"SOCK_DCCP", unix.SOCK_DCCP},
		{"SOCK_PACKET", unix.SOCK_PACKET},
	}
	socketFlags = []named{{"SOCK_NONBLOCK", unix.SOCK_NONBLOCK}, {"SOCK_CLOEXEC", unix.SOCK_CLOEXEC}}
	cloneFlags  = []named{
		{"CLONE_VM", unix.CLONE_VM}, {"CLONE_FS", unix.CLONE_FS}, {"CLONE_FILES", unix.CLONE_FILES},
		{"CLONE_SIGHAND", unix.CLONE_SIGHAND}, {"CLONE_PIDFD", unix.CLONE_PIDFD},
		{"CLONE_PTRACE", unix.CLONE_PTRACE}, {"CLONE_VFORK", unix.CLONE_VFORK},
		{"CLONE_PARENT", unix.CLONE_PARENT}, {"CLONE_THREAD", unix.CLONE_THREAD},
		{"CLONE_NEWNS", unix.CLONE_NEWNS}, {"CLONE_SYSVSEM", unix.CLONE_SYSVSEM},
		{"CLONE_SETTLS", unix.CLONE_SETTLS}, {"CLONE_PARENT_SETTID", unix.CLONE_PARENT_SETTID},
		{"CLONE_CHILD_CLEARTID", unix.CLONE_CHILD_CLEARTID}, {"CLONE_DETACHED", unix.CLONE_DETACHED},
		{"CLONE_UNTRACED", unix.CLONE_UNTRACED}, {"CLONE_CHILD_SETTID", unix.CLONE_CHILD_SETTID},
		{"CLONE_NEWCGROUP", unix.CLONE_NEWCGROUP}, {"CLONE_NEWUTS", unix.CLONE_NEWUTS},
		{"CLONE_NEWIPC", unix.CLONE_NEWIPC}, {"CLONE_NEWUSER", unix.CLONE_NEWUSER},
		{"CLONE_NEWPID", unix.CLONE_NEWPID}, {"CLONE_NEWNET", unix.CLONE_NEWNET},
		{"CLONE_IO", unix.CLONE_IO},
	}
	// CLONE_NEWTIME (0x80) is left out: in clone(2) that bit belongs to the exit signal.
	ioctlRequests = []named{
		{"TCGETS", unix.TCGETS}, {"TCSETS", unix.TCSETS}, {"TCSETSW", unix.TCSETSW}, {"TCSETSF", unix.TCSETSF},
		{"TCFLSH", unix.TCFLSH}, {"TIOCEXCL", unix.TIOCEXCL}, {"TIOCNXCL", unix.TIOCNXCL},
		{"TIOCSCTTY", unix.TIOCSCTTY}, {"TIOCGPGRP", unix.TIOCGPGRP}, {"TIOCSPGRP", unix.TIOCSPGRP},
		{"TIOCOUTQ", unix.TIOCOUTQ}, {"TIOCSTI", unix.TIOCSTI}, {"TIOCGWINSZ", unix.TIOCGWINSZ},
		{"TIOCSWINSZ", unix.TIOCSWINSZ}, {"TIOCMGET", unix.TIOCMGET}, {"FIONREAD", 0x541B},
		{"TIOCLINUX", unix.TIOCLINUX}, {"TIOCCONS", unix.TIOCCONS}, {"FIONBIO", 0x5421},
		{"TIOCNOTTY", unix.TIOCNOTTY}, {"TIOCSETD", unix.TIOCSETD}, {"TIOCGETD", unix.TIOCGETD},
		{"TIOCGSID", unix.TIOCGSID}, {"TIOCGPTN", unix.TIOCGPTN}, {"TIOCSPTLCK", unix.TIOCSPTLCK},
		{"FIONCLEX", 0x5450}, {"FIOCLEX", 0x5451}, {"FIOASYNC", 0x5452},
	}
	// <linux/personality.h>: flag bits, then the persona in the low byte.
	personalityFlags = []named{
		{"UNAME26", 0x0020000}, {"ADDR_NO_RANDOMIZE", 0x0040000}, {"FDPIC_FUNCPTRS", 0x0080000},
		{"MMAP_PAGE_ZERO", 0x0100000}, {"ADDR_COMPAT_LAYOUT", 0x0200000}, {"READ_IMPLIES_EXEC", 0x0400000},
		{"ADDR_LIMIT_32BIT", 0x0800000}, {"SHORT_INODE", 0x1000000}, {"WHOLE_SECONDS", 0x2000000},
		{"STICKY_TIMEOUTS", 0x4000000}, {"ADDR_LIMIT_3GB", 0x8000000},
	}
	personas = []named{
		{"PER_LINUX", 0}, {"PER_SVR4", 1}, {"PER_SVR3", 2}, {"PER_SCOSVR3", 3}, {"PER_WYSEV386", 4},
		{"PER_ISCR4", 5}, {"PER_BSD", 6}, {"PER_XENIX", 7}, {"PER_LINUX32", 8}, {"PER_IRIX32", 9},
		{"PER_IRIXN32", 0xa}, {"PER_IRIX64", 0xb}, {"PER_RISCOS", 0xc}, {"PER_SOLARIS", 0xd},
		{"PER_UW7", 0xe}, {"PER_OSF4", 0xf}, {"PER_HPUX", 0x10},
	}
	prctlOptions = []named{
		{"PR_SET_PDEATHSIG", unix.PR_SET_PDEATHSIG}, {"PR_GET_PDEATHSIG", unix.PR_GET_PDEATHSIG},
		{"PR_GET_DUMPABLE", unix.PR_GET_DUMPABLE}, {"PR_SET_DUMPABLE", unix.PR_SET_DUMPABLE},
		{"PR_GET_KEEPCAPS", unix.PR_GET_KEEPCAPS}, {"PR_SET_KEEPCAPS", unix.PR_SET_KEEPCAPS},
		{"PR_SET_NAME", unix.PR_SET_NAME}, {"PR_GET_NAME", unix.PR_GET_NAME},
		{"PR_GET_SECCOMP", unix.PR_GET_SECCOMP}, {"PR_SET_SECCOMP", unix.PR_SET_SECCOMP},
		{"PR_CAPBSET_READ", unix.PR_CAPBSET_READ}, {"PR_CAPBSET_DROP", unix.PR_CAPBSET_DROP},
		{"PR_GET_SECUREBITS", unix.PR_GET_SECUREBITS}, {"PR_SET_SECUREBITS", unix.PR_SET_SECUREBITS},
		{"PR_SET_TIMERSLACK", unix.PR_SET_TIMERSLACK}, {"PR_GET_TIMERSLACK", unix.PR_GET_TIMERSLACK},
		{"PR_SET_MM", unix.PR_SET_MM}, {"PR_SET_CHILD_SUBREAPER", unix.PR_SET_CHILD_SUBREAPER},
		{"PR_GET_CHILD_SUBREAPER", unix.PR_GET_CHILD_SUBREAPER},
		{"PR_SET_NO_NEW_PRIVS", unix.PR_SET_NO_NEW_PRIVS}, {"PR_GET_NO_NEW_PRIVS", unix.PR_GET_NO_NEW_PRIVS},
		{"PR_SET_THP_DISABLE", unix.PR_SET_THP_DISABLE}, {"PR_GET_THP_DISABLE", unix.PR_GET_THP_DISABLE},
		{"PR_CAP_AMBIENT", unix.PR_CAP_AMBIENT}, {"PR_SET_PTRACER", unix.PR_SET_PTRACER},
		{"PR_SET_SPECULATION_CTRL", unix.PR_SET_SPECULATION_CTRL},
		{"PR_GET_SPECULATION_CTRL", unix.PR_GET_SPECULATION_CTRL},
		{"PR_SET_VMA", unix.PR_SET_VMA}, {"PR_GET_AUXV", unix.PR_GET_AUXV},
	}
	seccompOps = []named{
		{"SECCOMP_SET_MODE_STRICT", unix.SECCOMP_SET_MODE_STRICT},
		{"SECCOMP_SET_MODE_FILTER", unix.SECCOMP_SET_MODE_FILTER},
		{"SECCOMP_GET_ACTION_AVAIL", unix.SECCOMP_GET_ACTION_AVAIL},
		{"SECCOMP_GET_NOTIF_SIZES", unix.SECCOMP_GET_NOTIF_SIZES},
	}
	bpfCommands = []named{
		{"BPF_MAP_CREATE", unix.BPF_MAP_CREATE}, {"BPF_MAP_LOOKUP_ELEM", unix.BPF_MAP_LOOKUP_ELEM},
		{"BPF_MAP_UPDATE_ELEM", unix.BPF_MAP_UPDATE_ELEM}, {"BPF_MAP_DELETE_ELEM", unix.BPF_MAP_DELETE_ELEM},
		{"BPF_MAP_GET_NEXT_KEY", unix.BPF_MAP_GET_NEXT_KEY}, {"BPF_PROG_LOAD", unix.BPF_PROG_LOAD},
		{"BPF_OBJ_PIN", unix.BPF_OBJ_PIN}, {"BPF_OBJ_GET", unix.BPF_OBJ_GET},
		{"BPF_PROG_ATTACH", unix.BPF_PROG_ATTACH}, {"BPF_PROG_DETACH", unix.BPF_PROG_DETACH},
	}
)

func main() {
	out := flag.String("o", "linux_tables.go", "output file")
	flag.Parse()
	src, err := generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func generate() ([]byte, error) {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("// Code generated by wrapper/policy/internal/gen; DO NOT EDIT.\n\n")
	p("package policy\n\n")

	x86 := arch.X86_64
	maxNr := 0
	for nr := range x86.SyscallNumbers {
		maxNr = max(maxNr, nr)
	}
	p("// syscallNames is go-seccomp-bpf's x86_64 table (arch.X86_64.SyscallNumbers), indexed by\n")
	p("// number; \"\" where a number has no name.\n")
	p("var syscallNames = [%d]string{\n", maxNr+1)
	for nr := 0; nr <= maxNr; nr++ {
		if name, ok := x86.SyscallNumbers[nr]; ok {
			p("\t%d: %q,\n", nr, name)
		}
	}
	p("}\n\n")
	names := make([]string, 0, len(x86.SyscallNames))
	for n := range x86.SyscallNames {
		names = append(names, n)
	}
	sort.Strings(names)
	p("// syscallsByName is arch.X86_64.SyscallNames sorted by name, for binary search.\n")
	p("var syscallsByName = [...]syscallEntry{\n")
	for _, n := range names {
		p("\t{%q, %d},\n", n, x86.SyscallNames[n])
	}
	p("}\n\n")

	p("// errnoNames are the Linux errno names by number (unix.ErrnoName).\n")
	maxErr := 0
	for n := 1; n <= 4095; n++ {
		if unix.ErrnoName(syscall.Errno(n)) != "" {
			maxErr = n
		}
	}
	p("var errnoNames = [%d]string{\n", maxErr+1)
	for n := 1; n <= maxErr; n++ {
		if name := unix.ErrnoName(syscall.Errno(n)); name != "" {
			p("\t%d: %q,\n", n, name)
		}
	}
	p("}\n\n")

	p("// signalNames are the Linux signal names by number (unix.SignalName).\n")
	maxSig := 0
	for s := 1; s < 65; s++ {
		if unix.SignalName(syscall.Signal(s)) != "" {
			maxSig = s
		}
	}
	p("var signalNames = [%d]string{\n", maxSig+1)
	for s := 1; s <= maxSig; s++ {
		if name := unix.SignalName(syscall.Signal(s)); name != "" {
			p("\t%d: %q,\n", s, name)
		}
	}
	p("}\n\n")

	p("// Symbolic constants of policy files, from <sys/ptrace.h>, <sys/socket.h>, <linux/sched.h>,\n")
	p("// <asm/ioctls.h>, <linux/personality.h>, <linux/prctl.h>, <linux/seccomp.h> and <linux/bpf.h>\n")
	p("// as x/sys/unix has them for linux/amd64.\n")
	p("var (\n")
	for _, t := range []struct {
		name string
		tab  []named
	}{
		{"ptraceRequests", ptraceRequests}, {"socketDomains", socketDomains}, {"socketTypes", socketTypes},
		{"socketFlags", socketFlags}, {"cloneFlags", cloneFlags}, {"ioctlRequests", ioctlRequests},
		{"personalityFlags", personalityFlags}, {"personas", personas}, {"prctlOptions", prctlOptions},
		{"seccompOps", seccompOps}, {"bpfCommands", bpfCommands},
	} {
		p("\t%s = []named{\n", t.name)
		for _, c := range t.tab {
			p("\t\t{%q, %#x},\n", c.name, c.val)
		}
		p("\t}\n")
	}
	p(")\n")
	return format.Source(b.Bytes())
}
