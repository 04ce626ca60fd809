package launcher

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Sanitize names the compiler's run-time checks a compiled source gets (--sanitize).
type Sanitize string

// Sanitize modes.
const (
	SanitizeNone      Sanitize = ""
	SanitizeAddress   Sanitize = "address"   // AddressSanitizer: heap, stack and global overflows, use after free, double free
	SanitizeUndefined Sanitize = "undefined" // UndefinedBehaviorSanitizer: integer overflow, bad index, NULL, division by zero
	SanitizeBoth      Sanitize = "both"
)

// ParseSanitize reads a --sanitize value: address, undefined, both (or "", none).
func ParseSanitize(s string) (Sanitize, error) {
	switch z := Sanitize(strings.TrimSpace(s)); z {
	case SanitizeNone, SanitizeAddress, SanitizeUndefined, SanitizeBoth:
		return z, nil
	case "none":
		return SanitizeNone, nil
	}
	return "", fmt.Errorf("unknown sanitizer %q (want address, undefined or both)", s)
}

// Address reports whether AddressSanitizer is on.
func (z Sanitize) Address() bool { return z == SanitizeAddress || z == SanitizeBoth }

// Undefined reports whether UndefinedBehaviorSanitizer is on.
func (z Sanitize) Undefined() bool { return z == SanitizeUndefined || z == SanitizeBoth }

// CFlags returns the compiler flags of the mode: -fsanitize=... and frame pointers, so that the
// sanitizer's stack traces name every caller.
func (z Sanitize) CFlags() []string {
	var which []string
	if z.Address() {
		which = append(which, "address")
	}
	if z.Undefined() {
		which = append(which, "undefined")
	}
	if len(which) == 0 {
		return nil
	}
	return []string{"-fsanitize=" + strings.Join(which, ","), "-fno-omit-frame-pointer"}
}

// sanitizerLogName is the log_path prefix in the program's TMPDIR: the runtime writes
// <prefix>.<pid>.
const sanitizerLogName = "sanitizer"

// sanitizerEnv returns the ASAN_OPTIONS and UBSAN_OPTIONS of mode z. Every report goes to
// logBase.<pid> (the program's private TMPDIR, which its jail opens) and ends the program with
// abort(), so that run mode and the debugger see one SIGABRT at the report. LeakSanitizer
// needs ptrace, which neither the sandbox nor gdb allows it: leaks are not checked. rssMB > 0
// is the memory limit ASan enforces instead of RLIMIT_AS: past it malloc returns NULL.
func sanitizerEnv(z Sanitize, logBase string, rssMB int64) []string {
	var env []string
	if z.Address() {
		o := "detect_leaks=0:abort_on_error=1:halt_on_error=1:log_path=" + logBase
		if rssMB > 0 {
			o += ":soft_rss_limit_mb=" + strconv.FormatInt(rssMB, 10) + ":allocator_may_return_null=1"
		}
		env = append(env, "ASAN_OPTIONS="+o)
	}
	if z.Undefined() {
		env = append(env, "UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path="+logBase)
	}
	return env
}

// SanitizerNotes says in plain words what mode z changes about the sandbox: what is not
// checked, and how the memory limit (mem bytes, 0 = none) is enforced.
func SanitizerNotes(z Sanitize, mem int64) []string {
	if z == SanitizeNone {
		return nil
	}
	var n []string
	if z.Address() {
		n = append(n, "leaks are not checked (LeakSanitizer needs ptrace, which the sandbox and gdb do not allow)")
		if mem > 0 {
			n = append(n, fmt.Sprintf("the memory limit %dM is enforced by AddressSanitizer (soft_rss_limit_mb: malloc returns NULL past it), not by RLIMIT_AS (ASan reserves terabytes of address space)", mem>>20))
		}
	}
	return n
}

// Crash kinds found by the sanitizers (besides CrashNull, CrashDivide, CrashDoubleFree, which
// they report too).
const (
	CrashHeapOverflow   CrashKind = "heap-buffer-overflow"    // ASan: past the end (or before the start) of a malloc()ed block
	CrashUseAfterFree   CrashKind = "heap-use-after-free"     // ASan: a block used after free()
	CrashStackArray     CrashKind = "stack-buffer-overflow"   // ASan: past the end of a local array
	CrashGlobalOverflow CrashKind = "global-buffer-overflow"  // ASan: past the end of a global array
	CrashIntOverflow    CrashKind = "signed-integer-overflow" // UBSan: a signed result that does not fit its type
	CrashIndex          CrashKind = "out-of-bounds-index"     // UBSan: an array index past the array's size
	CrashUndefined      CrashKind = "undefined-behavior"      // UBSan: another runtime error
	CrashSanitizer      CrashKind = "sanitizer"               // ASan: another error
)

// SanitizerReport is what a sanitizer's report says, read by ParseSanitizerReport.
type SanitizerReport struct {
	Tool    string    // "AddressSanitizer", "UndefinedBehaviorSanitizer"
	Kind    CrashKind // what it found
	Name    string    // the sanitizer's own name of the error ("heap-buffer-overflow", "runtime error")
	Message string    // UBSan's sentence ("signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'")
	Access  string    // ASan: "WRITE of size 4"
	Region  string    // ASan: where the address is ("0 bytes to the right of 16-byte region", "'a' (line 8)")
	Addr    string    // ASan: the bad address
	Where   Frame     // the first frame in the program's own code
	Alloc   Frame     // ASan: where the block was allocated (heap errors)
	Freed   Frame     // ASan: where the block was freed (use after free, double free)
}

var (
	asanErrRE  = lazyRE(`ERROR: AddressSanitizer: (?:attempting )?([\w-]+) (?:on (?:unknown )?address (0x[0-9a-f]+))?`)
	accessRE   = lazyRE(`^(READ|WRITE) of size (\d+)`)
	ubsanRE    = lazyRE(`^(.+?):(\d+):(?:\d+:)? runtime error: (.*)$`)
	frameRE    = lazyRE(`^\s*#(\d+) 0x[0-9a-f]+ in (\S+)(?: (\S+?):(\d+)(?::\d+)?)?(?: \(.*\))?$`)
	locatedRE  = lazyRE(`is located (.*)$`)
	overflowRE = lazyRE(`\[\d+, \d+\) ('[^']+' \(line \d+\)) <== Memory access`)
)

// ParseSanitizerReport reads the first error in an AddressSanitizer or UndefinedBehaviorSanitizer
// report (the runtime's log file or stderr). ok is false when text holds none.
func ParseSanitizerReport(text string) (r SanitizerReport, ok bool) {
	lines := strings.Split(text, "\n")
	section := "" // "", "freed", "alloc": which stack the frame lines belong to
	for _, l := range lines {
		l = strings.TrimRight(l, "\r")
		if !ok {
			if m := asanErrRE().FindStringSubmatch(l); m != nil {
				r.Tool, r.Name, r.Addr, ok = "AddressSanitizer", m[1], m[2], true
				continue
			}
			if m := ubsanRE().FindStringSubmatch(l); m != nil {
				n, _ := strconv.Atoi(m[2])
				r.Tool, r.Name, r.Message, ok = "UndefinedBehaviorSanitizer", "runtime error", m[3], true
				r.Where = Frame{File: filepath.Base(m[1]), FullName: m[1], Line: n}
				continue
			}
			continue
		}
		if strings.HasPrefix(l, "SUMMARY:") || (r.Tool == "UndefinedBehaviorSanitizer" && ubsanRE().MatchString(l)) {
			break
		}
		if m := accessRE().FindStringSubmatch(l); m != nil && r.Access == "" {
			r.Access = m[0]
		}
		if m := locatedRE().FindStringSubmatch(l); m != nil && r.Region == "" {
			r.Region = strings.TrimSuffix(m[1], " in frame")
			if i := strings.Index(r.Region, " ["); i > 0 && strings.Contains(r.Region, "-byte region") {
				r.Region = r.Region[:i] // drop the address range
			}
		}
		if m := overflowRE().FindStringSubmatch(l); m != nil {
			r.Region = "past the local array " + m[1]
		}
		switch {
		case strings.HasPrefix(l, "freed by thread"):
			section = "freed"
		case strings.Contains(l, "allocated by thread"):
			section = "alloc"
		case strings.HasPrefix(l, "Address ") && strings.Contains(l, "stack of thread"):
			section = "frame" // the frame that owns the array: not a stack of interest
		}
		m := frameRE().FindStringSubmatch(l)
		if m == nil || m[3] == "" || !ownCode(m[3]) {
			continue
		}
		n, _ := strconv.Atoi(m[4])
		f := Frame{Func: m[2], File: filepath.Base(m[3]), FullName: m[3], Line: n}
		switch section {
		case "":
			if r.Where.Func == "" {
				// UBSan's first line names the place already; its stack adds the function.
				r.Where = f
			}
		case "freed":
			if r.Freed.File == "" {
				r.Freed = f
			}
		case "alloc":
			if r.Alloc.File == "" {
				r.Alloc = f
			}
		}
	}
	if !ok {
		return r, false
	}
	r.Kind = sanitizerKind(r)
	return r, true
}

// ownCode reports whether a report's source path is the program's own (not the sanitizer's
// runtime or glibc, whose paths are relative to their build: "../sysdeps/...").
func ownCode(path string) bool {
	return !strings.HasPrefix(path, "../") && !strings.Contains(path, "/libsanitizer/") &&
		!strings.HasPrefix(path, "/build/")
}

func sanitizerKind(r SanitizerReport) CrashKind {
	if r.Tool == "UndefinedBehaviorSanitizer" {
		m := r.Message
		switch {
		case strings.HasPrefix(m, "signed integer overflow"), strings.HasPrefix(m, "negation of"):
			return CrashIntOverflow
		case strings.HasPrefix(m, "division by zero"), strings.HasPrefix(m, "division of"):
			return CrashDivide
		case strings.Contains(m, "null pointer"):
			return CrashNull
		case strings.Contains(m, "out of bounds for type"):
			return CrashIndex
		}
		return CrashUndefined
	}
	switch r.Name {
	case "heap-buffer-overflow":
		return CrashHeapOverflow
	case "heap-use-after-free":
		return CrashUseAfterFree
	case "stack-buffer-overflow", "stack-buffer-underflow":
		return CrashStackArray
	case "global-buffer-overflow":
		return CrashGlobalOverflow
	case "double-free":
		return CrashDoubleFree
	case "stack-overflow":
		return CrashStackOverflow
	case "FPE":
		return CrashDivide
	case "SEGV":
		if a, err := strconv.ParseUint(strings.TrimPrefix(r.Addr, "0x"), 16, 64); err == nil && a < nullLimit {
			return CrashNull
		}
		return CrashUnmapped
	}
	return CrashSanitizer
}

// Crash turns the report into a crash reading: the kind, the place, and the sanitizer's facts
// for the explanation. base (may be nil) is what the signal alone said; its signal is kept.
func (r SanitizerReport) Crash(base *Crash) *Crash {
	c := Crash{Signal: "SIGABRT"}
	if base != nil {
		c = *base
	}
	c.Kind = r.Kind
	c.Reason, c.Assertion, c.Expr = "", "", ""
	if r.Where.File != "" {
		c.Where = r.Where
		c.LineText = sourceLine(r.Where.FullName, r.Where.Line)
	}
	rc := r
	c.San = &rc
	return &c
}

// sanitizerHeadline and sanitizerExplanation word the kinds only the sanitizers find, and the
// sanitizers' view of the common ones.
func (c Crash) sanitizerHeadline() string {
	switch c.Kind {
	case CrashHeapOverflow:
		return "heap buffer overflow"
	case CrashUseAfterFree:
		return "use after free"
	case CrashStackArray:
		return "stack array overflow"
	case CrashGlobalOverflow:
		return "global array overflow"
	case CrashIntOverflow:
		return "signed integer overflow"
	case CrashIndex:
		return "array index out of bounds"
	case CrashUndefined:
		return "undefined behavior"
	case CrashSanitizer:
		return "memory error (" + c.San.Name + ")"
	}
	return ""
}

func (c Crash) sanitizerExplanation() string {
	r := c.San
	line := ""
	if c.LineText != "" {
		line = " `" + c.LineText + "`"
	}
	access := "an access"
	if r.Access != "" {
		access = "a " + strings.ToLower(strings.Replace(r.Access, " of size ", " of ", 1)) + " bytes"
	}
	var b strings.Builder
	switch c.Kind {
	case CrashHeapOverflow:
		fmt.Fprintf(&b, "heap buffer overflow: %s on the line%s went outside a malloc()ed block", access, line)
		if r.Region != "" {
			fmt.Fprintf(&b, " (%s)", r.Region)
		}
		b.WriteString(".")
		allocAt(&b, r)
		b.WriteString(" Next: compare the index with the size given to malloc(): the last element is size-1 (`<` not `<=`).")
	case CrashUseAfterFree:
		fmt.Fprintf(&b, "use after free: %s on the line%s used a block that was already freed.", access, line)
		if r.Freed.File != "" {
			fmt.Fprintf(&b, " The block was freed at %s.", r.Freed.Where())
		}
		allocAt(&b, r)
		b.WriteString(" Next: do not use a pointer after free(); set it to NULL there, or free later.")
	case CrashStackArray:
		fmt.Fprintf(&b, "stack array overflow: %s on the line%s went past the end of a local array", access, line)
		if r.Region != "" && strings.HasPrefix(r.Region, "past") {
			fmt.Fprintf(&b, " (%s)", strings.TrimPrefix(r.Region, "past the local array "))
		}
		b.WriteString(". Next: an array of N elements has indexes 0 to N-1: check the loop's condition (`<` not `<=`).")
	case CrashGlobalOverflow:
		fmt.Fprintf(&b, "global array overflow: %s on the line%s went outside a global array", access, line)
		if r.Region != "" {
			fmt.Fprintf(&b, " (%s)", r.Region)
		}
		b.WriteString(". Next: check the index against the array's size.")
	case CrashDoubleFree:
		b.WriteString("double free: free() was given a block that was already freed.")
		if r.Freed.File != "" {
			fmt.Fprintf(&b, " The block was freed at %s.", r.Freed.Where())
		}
		allocAt(&b, r)
		b.WriteString(" Next: set the pointer to NULL after free(), and look for the second free() of it, or of a copy of it.")
	case CrashIntOverflow:
		fmt.Fprintf(&b, "signed integer overflow on the line%s: %s. Next: use a wider type (long long) or check the operands before the operation.", line, r.Message)
	case CrashIndex:
		fmt.Fprintf(&b, "array index out of bounds on the line%s: %s. Next: an array of N elements has indexes 0 to N-1: check the index and the loop's condition.", line, r.Message)
	case CrashDivide:
		fmt.Fprintf(&b, "division by zero: the divisor on the line%s is 0. Next: find where the divisor got its value, and check it before dividing.", line)
	case CrashNull:
		fmt.Fprintf(&b, "NULL pointer dereference on the line%s", line)
		if r.Message != "" {
			fmt.Fprintf(&b, ": %s", r.Message)
		}
		b.WriteString(". Next: find where that pointer got its value and check it for NULL before using it.")
	default:
		what := r.Message
		if what == "" {
			what = r.Name
		}
		fmt.Fprintf(&b, "%s found %s on the line%s. Next: read the sanitizer's report (its log) for the details.", r.Tool, what, line)
	}
	return b.String()
}

func allocAt(b *strings.Builder, r *SanitizerReport) {
	if r.Alloc.File != "" {
		fmt.Fprintf(b, " The block was allocated at %s.", r.Alloc.Where())
	}
}

// readSanitizerLog reads and parses the sanitizer's log of process pid in the folder dir
// (the program's TMPDIR). ok is false when there is none or it holds no error.
func readSanitizerLog(dir string, pid int) (SanitizerReport, string, bool) {
	if dir == "" || pid <= 0 {
		return SanitizerReport{}, "", false
	}
	b, err := os.ReadFile(filepath.Join(dir, sanitizerLogName+"."+strconv.Itoa(pid)))
	if err != nil {
		return SanitizerReport{}, "", false
	}
	r, ok := ParseSanitizerReport(string(b))
	return r, string(b), ok
}
