package policy

import (
	"fmt"
	"slices"
	"strings"
)

// ActionKind says what happens to a matching syscall.
type ActionKind string

// The action kinds. Errno, kill and trap deny the call; log lets it run and reports it.
const (
	Allow ActionKind = "allow" // run the call
	Errno ActionKind = "errno" // fail the call with Action.Errno without running it
	Kill  ActionKind = "kill"  // kill the whole process (SECCOMP_RET_KILL_PROCESS)
	Trap  ActionKind = "trap"  // send SIGSYS (a debugger stops there)
	Log   ActionKind = "log"   // run the call and report it
)

// Action is what a rule (or the policy's default) does.
type Action struct {
	Kind  ActionKind
	Errno string // errno name for Kind=="errno": "EPERM" (default when empty), "ENOSYS", ...
}

// String renders the action as the YAML file spells it: "allow", "errno EPERM", ...
func (a Action) String() string {
	if a.Kind == Errno {
		return "errno " + a.errnoName()
	}
	return string(a.Kind)
}

// ErrnoValue returns the errno number a Kind=="errno" action makes the call fail with (EPERM
// when Errno is empty), or 0 for other kinds or an unknown name.
func (a Action) ErrnoValue() int {
	if a.Kind != Errno {
		return 0
	}
	n, _ := ErrnoNumber(a.errnoName())
	return n
}

func (a Action) errnoName() string {
	if a.Errno == "" {
		return "EPERM"
	}
	return a.Errno
}

// Denies reports whether the action keeps the call from running.
func (a Action) Denies() bool {
	return a.Kind == Errno || a.Kind == Kill || a.Kind == Trap
}

// ArgCond is one condition on a syscall argument. It compares the LOW 32 BITS of the argument
// unless Width64 is set: the kernel truncates int-typed arguments, so a full 64-bit comparison
// would let socket(0x100000002, ...) slip past a rule about AF_INET (2).
type ArgCond struct {
	Index   int    // argument 0..5
	Op      string // "==", "!=", "&" (any bit of Value set), "&==" (arg&Mask == Value)
	Value   uint64
	Mask    uint64 // for "&=="
	Width64 bool   // compare all 64 bits (pointer or 64-bit arguments)
}

// The argument comparison operators.
const (
	OpEqual     = "=="
	OpNotEqual  = "!="
	OpAnySet    = "&"
	OpMaskEqual = "&=="
)

// Rule is one line of a policy: which syscalls, under which argument conditions, get which action.
type Rule struct {
	Name     string    // shown in events: "which rule"
	Explain  string    // one plain sentence: why this kind of call is forbidden (TUI card)
	Syscalls []string  // names, "=name" (no aliases) or @groups; aliases are added by the compiler
	Args     []ArgCond // all must hold (AND)
	Action   Action
	Report   *bool // nil = report when the action denies (errno/kill/trap) or is log
}

// Reports says whether a call matched by the rule is reported to the supervisor.
func (r *Rule) Reports() bool {
	if r.Report != nil {
		return *r.Report
	}
	return defaultReport(r.Action)
}

func defaultReport(a Action) bool { return a.Denies() || a.Kind == Log }

// Policy is a whole seccomp policy: rules tried in order, first match wins, then Default.
type Policy struct {
	Name, Description string
	Default           Action // what happens to syscalls no rule names
	Rules             []Rule // first match wins
	Jail              Jail   // the Landlock jail's extra paths and requirements (YAML: filesystem, jail)
}

// Match is the decision of a policy for one syscall.
type Match struct {
	Rule      *Rule // the rule that matched; nil for the default and the built-in checks
	RuleIndex int   // index in Policy.Rules, or one of the RuleIndex constants below
	Action    Action
	Report    bool // with CompileOptions.Notify the call goes to the supervisor
}

// Special values of Match.RuleIndex.
const (
	RuleIndexDefault = -1 // no rule matched: Policy.Default
	RuleIndexABI     = -2 // not an x86_64 call (i386 "int $0x80", x32, other arch): killed
	RuleIndexHot     = -3 // a hot syscall no rule names: always allowed
	// RuleIndexNoSuchCall: a number past every table (syscall(-1), beyond the x32 range): ENOSYS,
	// unreported, as the kernel answers it.
	RuleIndexNoSuchCall = -4
)

// noSuchCall is what the filter answers a number no kernel table has.
var noSuchCall = Action{Kind: Errno, Errno: "ENOSYS"}

// RuleName names what decided the call, for events: the rule's Name, or "default",
// "non-x86_64 call", "hot syscall" for the special indexes.
func (m Match) RuleName() string {
	switch {
	case m.Rule != nil:
		return m.Rule.Name
	case m.RuleIndex == RuleIndexABI:
		return "non-x86_64 call"
	case m.RuleIndex == RuleIndexHot:
		return "hot syscall"
	case m.RuleIndex == RuleIndexNoSuchCall:
		return "no such system call"
	}
	return "default"
}

// Explain says in one plain sentence why the call was treated this way: the rule's Explain,
// or a sentence for the default and the built-in checks.
func (m Match) Explain() string {
	switch {
	case m.Rule != nil && m.Rule.Explain != "":
		return m.Rule.Explain
	case m.Rule != nil:
		return "The rule \"" + m.Rule.Name + "\" of this policy says so."
	case m.RuleIndex == RuleIndexABI:
		return "Only 64-bit x86_64 system calls are allowed: 32-bit (int $0x80) and x32 calls use other numbers and could slip past the rules."
	case m.RuleIndex == RuleIndexHot:
		return "Basic calls such as read, write and mmap are always allowed."
	case m.RuleIndex == RuleIndexNoSuchCall:
		return "No kernel has a system call with this number: it fails with ENOSYS, as without a sandbox."
	case m.Action.Denies():
		return "This policy allows only the calls it lists, and this one is not among them."
	case m.Action.Kind == Log:
		return "This policy reports every call it does not list."
	}
	return "This policy allows every call it does not list."
}

// Match returns what the compiled filter does with the call (arch, nr, args): the same action,
// and Report tells whether a filter compiled with Notify hands the call to the supervisor.
// It never fails: names the policy cannot resolve are ignored (Validate reports them).
// Match is safe for concurrent use as long as nobody modifies the policy meanwhile; it caches
// a per-number table and rebuilds it when the policy has changed since.
func (p *Policy) Match(arch uint32, nr int, args [6]uint64) Match {
	if arch != AuditArchX86_64 || (uint32(nr) >= X32SyscallBit && uint32(nr) < X32SyscallBit+X32Span) {
		return Match{RuleIndex: RuleIndexABI, Action: Action{Kind: Kill}}
	}
	if uint32(nr) >= X32SyscallBit {
		return Match{RuleIndex: RuleIndexNoSuchCall, Action: noSuchCall}
	}
	es := p.cachedResolve().entries(nr)
	if IsHot(nr) {
		// Validate allows only unconditional allows here; the filter never looks further.
		if len(es) > 0 {
			return Match{Rule: &p.Rules[es[0].rule], RuleIndex: es[0].rule, Action: Action{Kind: Allow}}
		}
		return Match{RuleIndex: RuleIndexHot, Action: Action{Kind: Allow}}
	}
	for _, e := range es {
		if !argsHold(e.args, args) {
			continue
		}
		r := &p.Rules[e.rule]
		return Match{Rule: r, RuleIndex: e.rule, Action: r.Action, Report: r.Reports()}
	}
	return Match{RuleIndex: RuleIndexDefault, Action: p.Default, Report: defaultReport(p.Default)}
}

// numbers returns the sorted, distinct syscall numbers the rule covers.
func (r *Rule) numbers() []int {
	withAliases := len(r.Args) == 0
	var out []int
	for _, s := range r.Syscalls {
		nrs, _ := expandName(s, withAliases)
		out = append(out, nrs...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func argsHold(conds []ArgCond, args [6]uint64) bool {
	for _, c := range conds {
		if !c.holds(args) {
			return false
		}
	}
	return true
}

func (c ArgCond) holds(args [6]uint64) bool {
	if c.Index < 0 || c.Index > 5 {
		return false
	}
	v := args[c.Index]
	if !c.Width64 {
		v &= 0xffffffff
	}
	switch c.Op {
	case OpEqual:
		return v == c.Value
	case OpNotEqual:
		return v != c.Value
	case OpAnySet:
		return v&c.Value != 0
	case OpMaskEqual:
		return v&c.Mask == c.Value
	}
	return false
}

// Validate checks that every name, errno, action and condition of the policy makes sense and
// that hot syscalls stay unconditional allows. The error names the rule and what to fix.
func (p *Policy) Validate() error {
	if err := p.Jail.validate(); err != nil {
		return err
	}
	if err := p.Default.validate(); err != nil {
		return fmt.Errorf("default: %w", err)
	}
	for i := range p.Rules {
		if err := p.Rules[i].validate(); err != nil {
			return fmt.Errorf("rule %d (%q): %w", i+1, p.Rules[i].Name, err)
		}
	}
	return nil
}

func (a Action) validate() error {
	switch a.Kind {
	case Allow, Kill, Trap, Log:
		if a.Errno != "" {
			return fmt.Errorf("errno %s given with action %s; errno goes only with action errno", a.Errno, a.Kind)
		}
	case Errno:
		if a.Errno != "" {
			if _, ok := ErrnoNumber(a.Errno); !ok {
				return fmt.Errorf("unknown errno %q%s", a.Errno, suggest(a.Errno, sortedErrnoNames()))
			}
		}
	default:
		return fmt.Errorf("unknown action %q (use allow, errno, kill, trap or log)", a.Kind)
	}
	return nil
}

func (r *Rule) validate() error {
	if r.Name == "" {
		return fmt.Errorf("rule without a name: add one (it is shown when the rule blocks a call)")
	}
	if len(r.Syscalls) == 0 {
		return fmt.Errorf("no syscalls: list at least one name or @group")
	}
	if err := r.Action.validate(); err != nil {
		return err
	}
	if r.Action.Kind == Allow && r.Report != nil && *r.Report {
		return fmt.Errorf("report: true with action allow; use action log to run and report a call")
	}
	for _, s := range r.Syscalls {
		if err := checkSyscallEntry(s, len(r.Args) > 0); err != nil {
			return err
		}
	}
	for j, c := range r.Args {
		if err := c.validate(); err != nil {
			return fmt.Errorf("args[%d]: %w", j, err)
		}
	}
	for _, nr := range r.numbers() {
		if IsHot(nr) && (r.Action.Kind != Allow || len(r.Args) > 0) {
			return fmt.Errorf("%s is a hot syscall, always allowed without conditions so the kernel can skip the filter for it; remove it from this rule", SyscallName(nr))
		}
	}
	return nil
}

func checkSyscallEntry(s string, hasArgs bool) error {
	if strings.HasPrefix(s, "@") {
		if _, ok := groupNrs[s]; !ok {
			return fmt.Errorf("unknown syscall group %q%s", s, suggest(s, groupNames()))
		}
		if hasArgs {
			return fmt.Errorf("group %s with argument conditions: name the syscalls one by one, their arguments differ", s)
		}
		return nil
	}
	name := strings.TrimPrefix(s, "=")
	nr, ok := SyscallNumber(name)
	if !ok {
		return fmt.Errorf("unknown syscall %q%s", name, suggest(name, SyscallNames()))
	}
	if hasArgs && !strings.HasPrefix(s, "=") {
		if _, aliased := aliasOf[nr]; aliased {
			return fmt.Errorf("%s has aliases with other argument layouts; write \"=%s\" to apply argument conditions to %s alone", name, name, name)
		}
	}
	return nil
}

func (c ArgCond) validate() error {
	if c.Index < 0 || c.Index > 5 {
		return fmt.Errorf("argument index %d out of range 0..5", c.Index)
	}
	switch c.Op {
	case OpEqual, OpNotEqual, OpAnySet, OpMaskEqual:
	default:
		return fmt.Errorf("unknown operator %q (use ==, !=, & or &==)", c.Op)
	}
	if c.Op != OpMaskEqual && c.Mask != 0 {
		return fmt.Errorf("mask given with operator %s; mask goes only with &==", c.Op)
	}
	if c.Op == OpMaskEqual && c.Value&^c.Mask != 0 {
		return fmt.Errorf("value %#x has bits outside mask %#x: the condition can never hold", c.Value, c.Mask)
	}
	if c.Op == OpAnySet && c.Value == 0 {
		return fmt.Errorf("operator & with value 0 can never hold")
	}
	if !c.Width64 && (c.Value>>32 != 0 || c.Mask>>32 != 0) {
		return fmt.Errorf("value %#x does not fit in the low 32 bits compared by default; set width64: true for a 64-bit argument", c.Value|c.Mask)
	}
	return nil
}

func sortedErrnoNames() []string {
	out := make([]string, 0, len(errnoNames)+len(errnoAliases))
	for _, n := range errnoNames {
		if n != "" {
			out = append(out, n)
		}
	}
	for n := range errnoAliases {
		out = append(out, n)
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

func groupNames() []string {
	out := make([]string, 0, len(Groups))
	for n := range Groups {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// suggest returns ` (did you mean "x"?)` for the closest candidate within a small edit distance.
func suggest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
