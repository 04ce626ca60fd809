package launcher

import (
	"fmt"
	"strings"
)

// CrashKind names what a fatal signal means for the program's code: the values of Crash.Kind.
type CrashKind string

// Crash kinds.
const (
	CrashNull          CrashKind = "null"           // read or write through a NULL (or near-NULL) pointer
	CrashUnmapped      CrashKind = "unmapped"       // access to memory the program does not have (freed, wild)
	CrashReadOnly      CrashKind = "read-only"      // write to read-only memory (a string literal)
	CrashStackOverflow CrashKind = "stack-overflow" // the stack ran out: recursion without end
	CrashDivide        CrashKind = "divide"         // integer division by zero
	CrashAssert        CrashKind = "assert"         // a failed assert()
	CrashDoubleFree    CrashKind = "double-free"    // glibc found a block freed twice
	CrashHeap          CrashKind = "heap"           // glibc found its heap bookkeeping damaged
	CrashAbort         CrashKind = "abort"          // abort() for another reason
	CrashOther         CrashKind = "other"          // a fatal signal none of the above explains
)

// Signal codes (si_code) from the kernel's include/uapi/asm-generic/siginfo.h.
const (
	siKernel   = 0x80 // SI_KERNEL: for SIGSEGV a general protection fault (non-canonical address)
	segvMapErr = 1    // SEGV_MAPERR: address not mapped
	segvAccErr = 2    // SEGV_ACCERR: mapped, but not with the permission used
	fpeIntDiv  = 1    // FPE_INTDIV: integer divide by zero
	fpeIntOvf  = 2    // FPE_INTOVF
)

// nullLimit is how far above address 0 a fault still counts as a NULL pointer: a field or an
// element at an offset from NULL (Linux never maps the first 64 KiB: vm.mmap_min_addr).
const nullLimit = 64 << 10

// stackGuard is how far below the lowest stack page a fault still counts as the stack running
// out (the kernel's stack_guard_gap is 256 pages).
const stackGuard = 1<<20 + 64<<10

// Crash is sandbug's reading of a fatal signal: what kind of bug it points at, where, and what
// to look at next. It is plain data; the debugger and run mode fill it the same way.
type Crash struct {
	Kind      CrashKind
	Signal    string // "SIGSEGV"
	Code      int    // si_code
	FaultAddr uint64 // si_addr, for memory faults
	HasAddr   bool   // FaultAddr is meaningful (SIGSEGV, SIGBUS)
	Where     Frame  // the faulting line in the user's own code (File, Line, Func), when known
	LineText  string // that source line, trimmed
	Expr      string // null: the expression on the line that was NULL, when it could be found
	Depth     int    // stack-overflow: frames of Repeat on the stack
	Repeat    string // stack-overflow: the function that kept calling (itself)
	Reason    string // abort: the message glibc printed (its first line)
	Assertion string // assert: the expression that was false
	// San is the sanitizer's report when the program was built with --sanitize and the
	// runtime found the error (Kind then follows the report, Where its first own frame).
	San *SanitizerReport
}

// faultFacts is what a classifier needs about the signal and the memory: plain data.
type faultFacts struct {
	Signo, Code int
	Addr, SP    uint64
	Maps        []memMap
	AbortMsg    string
}

// memMap is one line of /proc/<pid>/maps.
type memMap struct {
	Start, End, Offset uint64
	Perms, Path        string
}

func (m memMap) contains(a uint64) bool { return a >= m.Start && a < m.End }

// classifyCrash decides the kind of a fatal signal and fills the fields that follow from the
// signal and the memory map alone (not Where, Expr, Depth: the callers add those).
func classifyCrash(f faultFacts) Crash {
	c := Crash{Signal: SignalName(f.Signo), Code: f.Code, Kind: CrashOther}
	switch f.Signo {
	case 11, 7: // SIGSEGV, SIGBUS
		c.FaultAddr, c.HasAddr = f.Addr, f.Code != siKernel
		c.Kind = classifyFault(f)
	case 8: // SIGFPE
		if f.Code == fpeIntDiv || f.Code == fpeIntOvf {
			c.Kind = CrashDivide
		}
	case 6: // SIGABRT
		c.Kind, c.Reason, c.Assertion = classifyAbort(f.AbortMsg)
	}
	return c
}

func classifyFault(f faultFacts) CrashKind {
	if f.Code == siKernel {
		return CrashUnmapped // a non-canonical address: a garbage pointer
	}
	var stack *memMap
	for i := range f.Maps {
		if f.Maps[i].Path == "[stack]" {
			stack = &f.Maps[i]
		}
	}
	if stack != nil && f.Addr < stack.Start && stack.Start-f.Addr <= stackGuard {
		return CrashStackOverflow
	}
	if f.Addr >= nullLimit && f.SP >= f.Addr && f.SP-f.Addr <= 4096 && !mapped(f.Maps, f.Addr) {
		return CrashStackOverflow // a push or call just below the stack pointer
	}
	if f.Addr < nullLimit {
		return CrashNull
	}
	for _, m := range f.Maps {
		if m.contains(f.Addr) {
			if f.Code == segvAccErr && !strings.Contains(m.Perms, "w") {
				return CrashReadOnly
			}
			break
		}
	}
	return CrashUnmapped
}

// classifyAbort reads the message glibc left for abort() (__abort_msg).
func mapped(maps []memMap, a uint64) bool {
	for _, m := range maps {
		if m.contains(a) {
			return true
		}
	}
	return false
}

func classifyAbort(msg string) (CrashKind, string, string) {
	msg = firstLine(msg)
	switch {
	case msg == "":
		return CrashAbort, "", ""
	case strings.Contains(msg, "Assertion"):
		// "prog: file.c:12: main: Assertion `n > 0' failed."
		expr := msg
		if i := strings.Index(expr, "Assertion `"); i >= 0 {
			expr = expr[i+len("Assertion `"):]
			if j := strings.LastIndex(expr, "' failed"); j >= 0 {
				expr = expr[:j]
			}
		}
		return CrashAssert, msg, expr
	case strings.Contains(msg, "double free"):
		return CrashDoubleFree, msg, ""
	case strings.Contains(msg, "malloc") || strings.Contains(msg, "free(") || strings.Contains(msg, "corrupted") ||
		strings.Contains(msg, "realloc"):
		return CrashHeap, msg, ""
	}
	return CrashAbort, msg, ""
}

// Headline is the crash in a few plain words ("NULL pointer dereference").
func (c Crash) Headline() string {
	if c.San != nil {
		if h := c.sanitizerHeadline(); h != "" {
			return h
		}
	}
	switch c.Kind {
	case CrashNull:
		return "NULL pointer dereference"
	case CrashUnmapped:
		return "access to memory the program does not have"
	case CrashReadOnly:
		return "write to read-only memory"
	case CrashStackOverflow:
		return "stack overflow"
	case CrashDivide:
		return "division by zero"
	case CrashAssert:
		return "assertion failed"
	case CrashDoubleFree:
		return "double free"
	case CrashHeap:
		return "heap corruption"
	case CrashAbort:
		return "abort() called"
	}
	return ""
}

// Explanation says in plain words what happened and what to look at next: one or two
// sentences, the same in the debugger, in `sandbug run` and in --json.
func (c Crash) Explanation() string {
	if c.San != nil {
		return c.sanitizerExplanation()
	}
	line := ""
	if c.LineText != "" {
		line = " `" + c.LineText + "`"
	}
	switch c.Kind {
	case CrashNull:
		var b strings.Builder
		if c.Expr != "" {
			fmt.Fprintf(&b, "NULL pointer dereference: `%s` is NULL", c.Expr)
			if c.LineText != "" {
				fmt.Fprintf(&b, " on the line%s", line)
			}
		} else {
			b.WriteString("NULL pointer dereference: a pointer used on the line" + line + " is NULL")
		}
		if c.FaultAddr != 0 {
			fmt.Fprintf(&b, " (address %#x is a field or element %d bytes past NULL)", c.FaultAddr, c.FaultAddr)
		}
		b.WriteString(". Next: find where that pointer got its value (the call stack's callers) and check it for NULL before using it.")
		return b.String()
	case CrashUnmapped:
		return fmt.Sprintf("access to memory the program does not have (address %#x): freed memory "+
			"(a large block goes back to the system at free()), an index far past the end of an array, "+
			"or a pointer that was never set. Next: check where the pointer on the line%s came from and "+
			"whether it was freed before.", c.FaultAddr, line)
	case CrashReadOnly:
		return fmt.Sprintf("write to read-only memory (address %#x): most often a string literal "+
			"(`char *s = \"text\"` cannot be changed). Next: copy it into an array you own "+
			"(`char s[] = \"text\"`) or malloc() the space, then write there.", c.FaultAddr)
	case CrashStackOverflow:
		who := "a function"
		if c.Repeat != "" {
			who = c.Repeat + "()"
		}
		depth := ""
		if c.Depth > 0 {
			depth = fmt.Sprintf(" %d calls deep", c.Depth)
		}
		return fmt.Sprintf("stack overflow: %s called itself%s and the stack ran out. "+
			"Next: check its base case (the condition that stops the recursion) and that each call gets closer to it.", who, depth)
	case CrashDivide:
		return "division by zero: the divisor on the line" + line + " is 0 (integer / or %). " +
			"Next: find where the divisor got its value, and check it before dividing."
	case CrashAssert:
		return fmt.Sprintf("assertion failed: `%s` was false. Next: look at the values in that "+
			"expression (the locals of this frame) and find which one is not what the assert expects.", c.Assertion)
	case CrashDoubleFree:
		return "double free: the same block was given to free() twice (glibc: " + c.Reason + "). " +
			"Next: set the pointer to NULL after free(), and look for a second free() of it, or of a copy of it."
	case CrashHeap:
		return "heap corruption: glibc found its bookkeeping damaged (" + c.Reason + "): a write past the " +
			"end of a malloc()ed block, or into freed memory, happened earlier. Next: check the sizes given to " +
			"malloc() and the indexes written into those blocks."
	case CrashAbort:
		if c.Reason != "" {
			return "abort() called: " + c.Reason + ". Next: the call stack shows which call aborted."
		}
		return "abort() called. Next: the call stack shows which call aborted, and the program's own output may say why."
	}
	return ""
}

// WhereText is "file.c:12 in func()", or "" when the place is unknown.
func (c Crash) WhereText() string { return c.Where.Where() }

// applyCrash copies what the crash says into an exit status.
func (s *ExitStatus) applyCrash(c *Crash) {
	if c == nil || s.Signal != c.Signal {
		return
	}
	if w := c.WhereText(); w != "" {
		s.Where = w
	}
	s.Crash = string(c.Kind)
	s.Explanation = c.Explanation()
	if c.HasAddr {
		s.FaultAddr = fmt.Sprintf("%#x", c.FaultAddr)
	}
	s.Depth = c.Depth
	s.Sanitizer = c.San
}

// chainRE matches an access path: a name followed by ->field or .field steps.
var chainRE = lazyRE(`[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*`)

// derefCandidates lists the pointer expressions a C line dereferences, in the order they
// appear: every prefix of an access path followed by "->", a name after unary "*", a name
// followed by "[". "n->next = l->head;" gives n, l; "cur->next->value" gives cur, cur->next.
func derefCandidates(line string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(e string) {
		e = strings.Join(strings.Fields(e), "")
		if e != "" && !seen[e] && !cKeywords[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	for _, m := range chainRE().FindAllStringIndex(line, -1) {
		chain := line[m[0]:m[1]]
		for i := strings.Index(chain, "->"); i >= 0; {
			add(chain[:i])
			j := strings.Index(chain[i+2:], "->")
			if j < 0 {
				break
			}
			i += 2 + j
		}
		rest := strings.TrimSpace(line[m[1]:])
		before := strings.TrimSpace(line[:m[0]])
		if strings.HasPrefix(rest, "->") || strings.HasPrefix(rest, "[") {
			add(chain)
		}
		if strings.HasSuffix(before, "*") && !strings.HasSuffix(before, "**") {
			// "*p = 1" or "x = *p": unary; "a * b" (binary) is also tried: evaluating is harmless.
			add(chain)
		}
	}
	return out
}

var cKeywords = map[string]bool{"return": true, "if": true, "while": true, "for": true, "sizeof": true,
	"int": true, "char": true, "long": true, "struct": true, "void": true, "const": true, "unsigned": true}
