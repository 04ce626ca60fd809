package wrapper

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Limits are the resource limits the wrapper sets on the program (setrlimit(2)). A zero field
// means "leave the inherited limit alone"; Core is a pointer because core=0 is meaningful.
type Limits struct {
	CPU    time.Duration // RLIMIT_CPU, whole seconds (rounded up); SIGXCPU at CPU, SIGKILL one second later
	Mem    int64         // RLIMIT_AS in bytes: address space, so malloc fails (NULL) past it
	FSize  int64         // RLIMIT_FSIZE in bytes: a larger write gets SIGXFSZ (or EFBIG when ignored)
	NoFile int           // RLIMIT_NOFILE: highest file descriptor number + 1
	NProc  int           // RLIMIT_NPROC: processes and threads of the program's uid (not enforced for root)
	// NProcExtra, when positive, makes the process limit relative ("nproc=+64"): the wrapper
	// counts the tasks its uid already has, after the privilege drop, and sets RLIMIT_NPROC to
	// that count + NProcExtra. The kernel counts every task of the real uid, the user's shell
	// and browser included, so an absolute limit would punish a user with many processes open.
	// NProc and NProcExtra exclude each other.
	NProcExtra int
	Core       *int64 // RLIMIT_CORE in bytes; nil leaves it alone
}

// limitKeys lists the keys ParseLimits accepts, in the order String prints them.
var limitKeys = []string{"cpu", "mem", "fsize", "nofile", "nproc", "core"}

// IsZero reports whether no limit is set.
func (l Limits) IsZero() bool {
	return l.CPU == 0 && l.Mem == 0 && l.FSize == 0 && l.NoFile == 0 && l.NProc == 0 && l.NProcExtra == 0 && l.Core == nil
}

// ParseLimits parses a comma-separated list of key=value limits such as
// "cpu=2s,mem=256M,fsize=16M,nofile=64,nproc=64,core=0"; "nproc=+64" is relative (NProcExtra). Sizes take an optional binary suffix
// K, M, G or T (also KB/KiB...); cpu takes a Go duration ("2s", "1m30s") or plain seconds.
// An empty string means no limits.
func ParseLimits(s string) (Limits, error) {
	var l Limits
	seen := map[string]bool{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, ok := strings.Cut(item, "=")
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		if !ok || val == "" {
			return Limits{}, fmt.Errorf("limit %q: want key=value (keys: %s)", item, strings.Join(limitKeys, ", "))
		}
		if seen[key] {
			return Limits{}, fmt.Errorf("limit %q: %s given twice", item, key)
		}
		seen[key] = true
		var err error
		switch key {
		case "cpu":
			l.CPU, err = parseCPU(val)
		case "mem":
			l.Mem, err = parsePositiveSize(val)
		case "fsize":
			l.FSize, err = parsePositiveSize(val)
		case "nofile":
			l.NoFile, err = parseCount(val)
		case "nproc":
			if rel, ok := strings.CutPrefix(val, "+"); ok {
				l.NProcExtra, err = parseCount(rel)
			} else {
				l.NProc, err = parseCount(val)
			}
		case "core":
			var n int64
			n, err = parseSize(val)
			l.Core = &n
		default:
			return Limits{}, fmt.Errorf("limit %q: unknown key %q (keys: %s)", item, key, strings.Join(limitKeys, ", "))
		}
		if err != nil {
			return Limits{}, fmt.Errorf("limit %q: %w", item, err)
		}
	}
	return l, nil
}

func parseCPU(v string) (time.Duration, error) {
	var d time.Duration
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		d = time.Duration(n) * time.Second
	} else {
		d, err = time.ParseDuration(v)
		if err != nil {
			return 0, fmt.Errorf("cpu wants a duration such as 2s or 1m30s")
		}
	}
	if d <= 0 {
		return 0, errors.New("cpu must be positive")
	}
	// RLIMIT_CPU counts whole seconds.
	secs := (d + time.Second - 1) / time.Second
	return secs * time.Second, nil
}

var sizeSuffixes = []struct {
	names []string
	mult  int64
}{
	{[]string{"k", "kb", "kib"}, 1 << 10},
	{[]string{"m", "mb", "mib"}, 1 << 20},
	{[]string{"g", "gb", "gib"}, 1 << 30},
	{[]string{"t", "tb", "tib"}, 1 << 40},
	{[]string{"b", ""}, 1},
}

func parseSize(v string) (int64, error) {
	lv := strings.ToLower(v)
	i := len(lv)
	for i > 0 && (lv[i-1] < '0' || lv[i-1] > '9') {
		i--
	}
	num, suf := lv[:i], lv[i:]
	if num == "" {
		return 0, fmt.Errorf("size %q: want a number with an optional suffix K, M, G or T", v)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("size %q: want a non-negative whole number with an optional suffix K, M, G or T", v)
	}
	for _, s := range sizeSuffixes {
		for _, name := range s.names {
			if suf == name {
				if n > math.MaxInt64/s.mult {
					return 0, fmt.Errorf("size %q is too large", v)
				}
				return n * s.mult, nil
			}
		}
	}
	return 0, fmt.Errorf("size %q: unknown suffix %q (use K, M, G or T)", v, suf)
}

func parsePositiveSize(v string) (int64, error) {
	n, err := parseSize(v)
	if err == nil && n == 0 {
		err = errors.New("must be positive")
	}
	return n, err
}

func parseCount(v string) (int, error) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q: want a positive whole number", v)
	}
	return int(n), nil
}

func formatSize(n int64) string {
	for i := len(sizeSuffixes) - 2; i >= 0; i-- {
		m := sizeSuffixes[i].mult
		if n != 0 && n%m == 0 {
			return strconv.FormatInt(n/m, 10) + strings.ToUpper(sizeSuffixes[i].names[0])
		}
	}
	return strconv.FormatInt(n, 10)
}

// String formats the limits in the form ParseLimits reads, in a fixed key order; unset limits
// are left out, so the zero Limits gives "".
func (l Limits) String() string {
	var parts []string
	if l.CPU > 0 {
		parts = append(parts, "cpu="+l.CPU.String())
	}
	if l.Mem > 0 {
		parts = append(parts, "mem="+formatSize(l.Mem))
	}
	if l.FSize > 0 {
		parts = append(parts, "fsize="+formatSize(l.FSize))
	}
	if l.NoFile > 0 {
		parts = append(parts, "nofile="+strconv.Itoa(l.NoFile))
	}
	if l.NProc > 0 {
		parts = append(parts, "nproc="+strconv.Itoa(l.NProc))
	}
	if l.NProcExtra > 0 {
		parts = append(parts, "nproc=+"+strconv.Itoa(l.NProcExtra))
	}
	if l.Core != nil {
		parts = append(parts, "core="+formatSize(*l.Core))
	}
	return strings.Join(parts, ",")
}

// Or returns l with every limit l leaves unset taken from d: explicit limits (flags, a demo's
// "limits:") override a profile's defaults key by key. A relative or absolute nproc in l
// replaces either form in d.
func (l Limits) Or(d Limits) Limits {
	if l.CPU == 0 {
		l.CPU = d.CPU
	}
	if l.Mem == 0 {
		l.Mem = d.Mem
	}
	if l.FSize == 0 {
		l.FSize = d.FSize
	}
	if l.NoFile == 0 {
		l.NoFile = d.NoFile
	}
	if l.NProc == 0 && l.NProcExtra == 0 {
		l.NProc, l.NProcExtra = d.NProc, d.NProcExtra
	}
	if l.Core == nil {
		l.Core = d.Core
	}
	return l
}
