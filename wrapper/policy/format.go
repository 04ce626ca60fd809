package policy

import (
	"sort"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// named is one symbolic constant.
type named struct {
	name string
	val  uint64
}

// Constant tables, from <sys/ptrace.h>, <sys/socket.h>, <linux/sched.h>, <asm/ioctls.h>,
// <linux/personality.h>, <linux/prctl.h>, <linux/seccomp.h> and <linux/bpf.h> (through x/sys/unix
// where it has them).
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

// constByName maps every symbolic constant above to its value, for policy files that write
// `value: CLONE_NEWUSER|CLONE_NEWNS` instead of a number. AF_LOCAL and SIG* names are extras.
var constByName = func() map[string]uint64 {
	m := map[string]uint64{"AF_LOCAL": unix.AF_UNIX, "QUERY_PERSONALITY": 0xffffffff}
	for _, t := range [][]named{ptraceRequests, socketDomains, socketTypes, socketFlags, cloneFlags,
		ioctlRequests, personalityFlags, personas, prctlOptions, seccompOps, bpfCommands} {
		for _, c := range t {
			m[c.name] = c.val
		}
	}
	for s := 1; s < 65; s++ {
		if name := unix.SignalName(syscall.Signal(s)); name != "" {
			m[name] = uint64(s)
		}
	}
	return m
}()

// ConstantValue returns the value of a symbolic constant a policy file may use in an argument
// condition (CLONE_NEWUSER, AF_INET, TIOCSTI, PR_SET_SECCOMP, PTRACE_ATTACH, SIGKILL, ...).
func ConstantValue(name string) (uint64, bool) {
	v, ok := constByName[name]
	return v, ok
}

// argKind says how FormatCall renders one argument.
type argKind byte

const (
	aHex      argKind = iota // pointers and unknown values: 0 or 0x...
	aInt                     // signed int (fd, pid): low 32 bits as int32
	aUint                    // unsigned decimal (sizes, counts)
	aPtrace                  // ptrace request
	aDomain                  // socket domain
	aSockType                // socket type | flags
	aClone                   // clone flags | exit signal
	aNS                      // namespace flags (unshare, setns)
	aIoctl                   // ioctl request
	aPersona                 // personality
	aPrctl                   // prctl option
	aSignal                  // signal number
	aSeccomp                 // seccomp operation
	aBPF                     // bpf command
	aOctal                   // file modes
)

// callArgs gives the argument layout of the calls FormatCall decodes; other calls print their
// six argument registers in hex.
var callArgs = map[string][]argKind{
	"ptrace":            {aPtrace, aInt, aHex, aHex},
	"socket":            {aDomain, aSockType, aInt},
	"socketpair":        {aDomain, aSockType, aInt, aHex},
	"clone":             {aClone, aHex, aHex, aHex, aHex},
	"clone3":            {aHex, aUint},
	"fork":              {},
	"vfork":             {},
	"unshare":           {aNS},
	"setns":             {aInt, aNS},
	"ioctl":             {aInt, aIoctl, aHex},
	"personality":       {aPersona},
	"prctl":             {aPrctl, aHex, aHex, aHex, aHex},
	"seccomp":           {aSeccomp, aHex, aHex},
	"bpf":               {aBPF, aHex, aUint},
	"kill":              {aInt, aSignal},
	"tkill":             {aInt, aSignal},
	"tgkill":            {aInt, aInt, aSignal},
	"pidfd_send_signal": {aInt, aSignal, aHex, aHex},
	"process_vm_readv":  {aInt, aHex, aUint, aHex, aUint, aHex},
	"process_vm_writev": {aInt, aHex, aUint, aHex, aUint, aHex},
	"pidfd_getfd":       {aInt, aInt, aHex},
	"kcmp":              {aInt, aInt, aInt, aHex, aHex},
	"mount":             {aHex, aHex, aHex, aHex, aHex},
	"umount2":           {aHex, aHex},
	"perf_event_open":   {aHex, aInt, aInt, aInt, aHex},
	"io_uring_setup":    {aUint, aHex},
	"io_uring_enter":    {aInt, aUint, aUint, aHex, aHex, aUint},
	"io_uring_register": {aInt, aUint, aHex, aUint},
	"userfaultfd":       {aHex},
	"keyctl":            {aInt, aHex, aHex, aHex, aHex},
	"add_key":           {aHex, aHex, aHex, aUint, aInt},
	"request_key":       {aHex, aHex, aHex, aInt},
	"init_module":       {aHex, aUint, aHex},
	"finit_module":      {aInt, aHex, aHex},
	"delete_module":     {aHex, aHex},
	"reboot":            {aHex, aHex, aHex, aHex},
	"kexec_load":        {aHex, aUint, aHex, aHex},
	"execve":            {aHex, aHex, aHex},
	"execveat":          {aInt, aHex, aHex, aHex, aHex},
	"open":              {aHex, aHex, aOctal},
	"openat":            {aInt, aHex, aHex, aOctal},
	"read":              {aInt, aHex, aUint},
	"write":             {aInt, aHex, aUint},
	"close":             {aInt},
	"dup":               {aInt},
	"dup2":              {aInt, aInt},
	"dup3":              {aInt, aInt, aHex},
	"chroot":            {aHex},
	"pivot_root":        {aHex, aHex},
	"getpid":            {},
	"getppid":           {},
	"sched_yield":       {},
}

// FormatCall renders a syscall the way strace would, with the flag and enum names of the calls
// the policies care about: `ptrace(PTRACE_TRACEME, 0, 0, 0)`, `socket(AF_INET, SOCK_STREAM, 0)`,
// `ioctl(0, TIOCSTI, 0x7ffd1234)`. Calls it does not know show six arguments in hex.
func FormatCall(nr int, args [6]uint64) string {
	name := SyscallName(nr)
	if name == "" {
		name = "syscall_" + strconv.Itoa(nr)
	}
	kinds, ok := callArgs[name]
	if !ok {
		kinds = []argKind{aHex, aHex, aHex, aHex, aHex, aHex}
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = formatArg(k, args[i])
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

func formatArg(k argKind, v uint64) string {
	lo := v & 0xffffffff
	switch k {
	case aInt:
		return strconv.Itoa(int(int32(uint32(v))))
	case aUint:
		return strconv.FormatUint(v, 10)
	case aOctal:
		return "0" + strconv.FormatUint(v, 8)
	case aPtrace:
		return enumName(ptraceRequests, v)
	case aDomain:
		return enumName(socketDomains, v)
	case aSockType:
		s := enumName(socketTypes, lo&0xf)
		if f := flagNames(socketFlags, lo&^0xf); f != "" {
			s += "|" + f
		}
		return s
	case aClone:
		sig := lo & 0xff
		s := flagNames(cloneFlags, v&^0xff)
		if sig != 0 {
			if s != "" {
				s += "|"
			}
			s += signalName(sig)
		}
		if s == "" {
			return "0"
		}
		return s
	case aNS:
		if s := flagNames(cloneFlags, v); s != "" {
			return s
		}
		return "0"
	case aIoctl:
		return enumName(ioctlRequests, lo)
	case aPersona:
		if lo == 0xffffffff {
			return "0xffffffff"
		}
		s := enumName(personas, lo&0xff)
		if f := flagNames(personalityFlags, lo&^0xff); f != "" {
			s += "|" + f
		}
		return s
	case aPrctl:
		return enumName(prctlOptions, lo)
	case aSignal:
		return signalName(lo)
	case aSeccomp:
		return enumName(seccompOps, lo)
	case aBPF:
		return enumName(bpfCommands, lo)
	}
	return hex(v)
}

func hex(v uint64) string {
	if v < 10 {
		return strconv.FormatUint(v, 10)
	}
	return "0x" + strconv.FormatUint(v, 16)
}

func enumName(t []named, v uint64) string {
	for _, c := range t {
		if c.val == v {
			return c.name
		}
	}
	return hex(v)
}

// flagNames renders the bits of v as A|B, with leftover unknown bits in hex at the end.
func flagNames(t []named, v uint64) string {
	var parts []string
	for _, c := range t {
		if c.val != 0 && v&c.val == c.val {
			parts = append(parts, c.name)
			v &^= c.val
		}
	}
	if v != 0 {
		parts = append(parts, hex(v))
	}
	return strings.Join(parts, "|")
}

func signalName(s uint64) string {
	if s > 0 && s < 65 {
		if n := unix.SignalName(syscall.Signal(s)); n != "" {
			return n
		}
	}
	return strconv.FormatUint(s, 10)
}

// constComment returns names for an argument value in a marshalled policy, when the syscall and
// argument have a decoder: `clone` arg 0 = 0x7e020000 -> "CLONE_NEWNS|...".
func constComment(syscalls []string, index int, v uint64) string {
	if len(syscalls) == 0 {
		return ""
	}
	kinds := callArgs[strings.TrimPrefix(syscalls[0], "=")]
	if index >= len(kinds) {
		return ""
	}
	switch kinds[index] {
	case aHex, aInt, aUint, aOctal:
		return ""
	case aClone:
		return flagNames(cloneFlags, v)
	}
	s := formatArg(kinds[index], v)
	if strings.HasPrefix(s, "0x") || s == strconv.FormatUint(v, 10) {
		return ""
	}
	return s
}

// sortedConstNames is used by error suggestions.
func sortedConstNames() []string {
	out := make([]string, 0, len(constByName))
	for n := range constByName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
