package policy

import (
	"sort"
	"strconv"
	"strings"
	"sync"
)

// named is one symbolic constant.
type named struct {
	name string
	val  uint64
}

// The constant tables (ptraceRequests, socketDomains, socketTypes, socketFlags, cloneFlags,
// ioctlRequests, personalityFlags, personas, prctlOptions, seccompOps, bpfCommands) are in
// linux_tables.go, generated from x/sys/unix by internal/gen.

// constByName maps every symbolic constant above to its value, for policy files that write
// `value: CLONE_NEWUSER|CLONE_NEWNS` instead of a number. AF_LOCAL and SIG* names are extras.
// Built on first use: the wrapper compiling a built-in profile never needs it, and its
// start-up is measured in tenths of a millisecond.
var constByName = sync.OnceValue(func() map[string]uint64 {
	m := map[string]uint64{"AF_LOCAL": 1 /* AF_UNIX */, "QUERY_PERSONALITY": 0xffffffff}
	for _, t := range [][]named{ptraceRequests, socketDomains, socketTypes, socketFlags, cloneFlags,
		ioctlRequests, personalityFlags, personas, prctlOptions, seccompOps, bpfCommands} {
		for _, c := range t {
			m[c.name] = c.val
		}
	}
	for s, name := range signalNames {
		if name != "" {
			m[name] = uint64(s)
		}
	}
	return m
})

// ConstantValue returns the value of a symbolic constant a policy file may use in an argument
// condition (CLONE_NEWUSER, AF_INET, TIOCSTI, PR_SET_SECCOMP, PTRACE_ATTACH, SIGKILL, ...).
func ConstantValue(name string) (uint64, bool) {
	v, ok := constByName()[name]
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
	if s > 0 && s < uint64(len(signalNames)) && signalNames[s] != "" {
		return signalNames[s]
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
	out := make([]string, 0, len(constByName()))
	for n := range constByName() {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
