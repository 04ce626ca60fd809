package gdbmi

import "encoding/hex"

// Typed views of the answers a debugger front end asks for beyond stops and breakpoints:
// watchpoints, frame arguments, memory, disassembly, registers, completion, symbols, thread
// groups, libraries and the *running / =thread-selected notifications. Each reads the record
// as gdb 13 writes it (see testdata/transcripts/inspect.mi) and ignores fields it does not
// know; the raw record stays available for anything not typed.

// WatchKind says which watchpoint -break-watch set.
type WatchKind string

// The watchpoints gdb reports: a software watchpoint (wpt), a hardware one (hw-wpt), and the
// hardware-only read (hw-rwpt) and access (hw-awpt) watchpoints.
const (
	WatchSoftware WatchKind = "wpt"
	WatchHardware WatchKind = "hw-wpt"
	WatchRead     WatchKind = "hw-rwpt"
	WatchAccess   WatchKind = "hw-awpt"
)

// Watchpoint is the answer of -break-watch.
type Watchpoint struct {
	Kind   WatchKind
	Number string
	Exp    string
}

// ParseWatchpoint reads a -break-watch answer (`^done,wpt={number="2",exp="counter"}`).
func ParseWatchpoint(r *Record) (Watchpoint, bool) {
	for _, k := range []WatchKind{WatchSoftware, WatchHardware, WatchRead, WatchAccess} {
		if v := r.Get(string(k)); v.Kind == Tuple {
			return Watchpoint{Kind: k, Number: v.Get("number").String(), Exp: v.Get("exp").String()}, true
		}
	}
	return Watchpoint{}, false
}

// FrameArgs is one frame of -stack-list-arguments.
type FrameArgs struct {
	Level int
	Args  []Variable
}

// ParseStackArgs reads `stack-args=[frame={level="0",args=[...]},...]`.
func ParseStackArgs(r *Record) []FrameArgs {
	var out []FrameArgs
	for _, f := range r.Get("stack-args").Values() {
		out = append(out, FrameArgs{Level: atoi(f.Get("level"), 0), Args: ParseVariables(f.Get("args"))})
	}
	return out
}

// MemoryBlock is one block of -data-read-memory-bytes.
type MemoryBlock struct {
	Begin, Offset, End uint64
	Contents           []byte
}

// ParseMemory reads `memory=[{begin=,offset=,end=,contents="0a0b..."}]`. A block whose
// contents are not hex is left out.
func ParseMemory(r *Record) []MemoryBlock {
	var out []MemoryBlock
	for _, m := range r.Get("memory").Values() {
		b, err := hex.DecodeString(m.Get("contents").String())
		if err != nil {
			continue
		}
		begin, _ := m.Get("begin").Uint()
		off, _ := m.Get("offset").Uint()
		end, _ := m.Get("end").Uint()
		out = append(out, MemoryBlock{Begin: begin, Offset: off, End: end, Contents: b})
	}
	return out
}

// Instruction is one line of -data-disassemble, with its source line when gdb was asked for
// mixed source and assembly (modes 1-5).
type Instruction struct {
	Addr     uint64
	Func     string
	Offset   int
	Inst     string
	Opcodes  string // with the raw-opcodes modes (2, 3, 5)
	File     string
	FullName string
	Line     int
}

// ParseDisassembly reads `asm_insns=[{address=,...}]` and the mixed form
// `asm_insns=[src_and_asm_line={line=,file=,line_asm_insn=[...]},...]`.
func ParseDisassembly(r *Record) []Instruction {
	var out []Instruction
	for _, it := range r.Get("asm_insns").Items {
		if it.Name == "src_and_asm_line" {
			src := it.Value
			line := atoi(src.Get("line"), 0)
			for _, in := range src.Get("line_asm_insn").Values() {
				i := parseInstruction(in)
				i.File, i.FullName, i.Line = src.Get("file").String(), src.Get("fullname").String(), line
				out = append(out, i)
			}
			continue
		}
		out = append(out, parseInstruction(it.Value))
	}
	return out
}

func parseInstruction(v Value) Instruction {
	a, _ := v.Get("address").Uint()
	return Instruction{Addr: a, Func: v.Get("func-name").String(), Offset: atoi(v.Get("offset"), 0),
		Inst: v.Get("inst").String(), Opcodes: v.Get("opcodes").String()}
}

// ParseRegisterNames reads `register-names=["rax",...]`; unnamed registers are "".
func ParseRegisterNames(r *Record) []string {
	var out []string
	for _, v := range r.Get("register-names").Values() {
		out = append(out, v.String())
	}
	return out
}

// RegisterValue is one entry of -data-list-register-values.
type RegisterValue struct {
	Number int
	Value  string // as gdb formats it ("0x7ffe...", or a tuple's text for vector registers)
}

// ParseRegisterValues reads `register-values=[{number="0",value="0x..."},...]`.
func ParseRegisterValues(r *Record) []RegisterValue {
	var out []RegisterValue
	for _, v := range r.Get("register-values").Values() {
		val := v.Get("value")
		s := val.String()
		if val.Kind != Const {
			s = val.MI()
		}
		out = append(out, RegisterValue{Number: atoi(v.Get("number"), -1), Value: s})
	}
	return out
}

// Completion is the answer of -complete.
type Completion struct {
	Completion string // the common completion, "" when there is none
	Matches    []string
	MaxReached bool // gdb stopped at max-completions
}

// ParseCompletion reads `completion="p counter",matches=[...],max_completions_reached="0"`.
func ParseCompletion(r *Record) Completion {
	c := Completion{Completion: r.Get("completion").String(), MaxReached: r.Get("max_completions_reached").String() == "1"}
	for _, m := range r.Get("matches").Values() {
		c.Matches = append(c.Matches, m.String())
	}
	return c
}

// Symbol is one symbol of -symbol-info-functions, -variables or -types.
type Symbol struct {
	Name, Type, Description string
	Line                    int
	File, FullName          string // for symbols with debug information
	Address                 uint64 // for non-debugging symbols
	Debug                   bool
}

// ParseSymbols reads `symbols={debug=[{filename=,fullname=,symbols=[...]}],nondebugging=[...]}`.
func ParseSymbols(r *Record) []Symbol {
	var out []Symbol
	syms := r.Get("symbols")
	for _, f := range syms.Get("debug").Values() {
		file, full := f.Get("filename").String(), f.Get("fullname").String()
		for _, s := range f.Get("symbols").Values() {
			out = append(out, Symbol{Name: s.Get("name").String(), Type: s.Get("type").String(),
				Description: s.Get("description").String(), Line: atoi(s.Get("line"), 0),
				File: file, FullName: full, Debug: true})
		}
	}
	for _, s := range syms.Get("nondebugging").Values() {
		a, _ := s.Get("address").Uint()
		out = append(out, Symbol{Name: s.Get("name").String(), Address: a})
	}
	return out
}

// ThreadGroup is one entry of -list-thread-groups: an inferior (process).
type ThreadGroup struct {
	ID         string // "i1"
	Type       string // "process"
	PID        int    // 0 when not running
	Executable string
	Cores      []string
	ExitCode   int // when gdb gives it (an exited inferior), decoded from octal
}

// ParseThreadGroups reads `groups=[{id="i1",type="process",pid=,executable=,cores=[...]}]`.
func ParseThreadGroups(r *Record) []ThreadGroup {
	var out []ThreadGroup
	for _, g := range r.Get("groups").Values() {
		tg := ThreadGroup{ID: g.Get("id").String(), Type: g.Get("type").String(), PID: atoi(g.Get("pid"), 0),
			Executable: g.Get("executable").String()}
		for _, c := range g.Get("cores").Values() {
			tg.Cores = append(tg.Cores, c.String())
		}
		if c, ok := ParseExitCode(g.Get("exit-code").String()); ok {
			tg.ExitCode = c
		}
		out = append(out, tg)
	}
	return out
}

// Library is a =library-loaded or =library-unloaded notification.
type Library struct {
	Loaded        bool
	ID            string
	TargetName    string
	HostName      string
	SymbolsLoaded bool
	ThreadGroup   string
	Ranges        [][2]uint64 // [from, to) address ranges
}

// ParseLibrary reads =library-loaded / =library-unloaded.
func ParseLibrary(r *Record) (Library, bool) {
	if r.Kind != NotifyAsync || (r.Class != "library-loaded" && r.Class != "library-unloaded") {
		return Library{}, false
	}
	l := Library{Loaded: r.Class == "library-loaded", ID: r.Get("id").String(), TargetName: r.Get("target-name").String(),
		HostName: r.Get("host-name").String(), SymbolsLoaded: r.Get("symbols-loaded").String() == "1",
		ThreadGroup: r.Get("thread-group").String()}
	for _, rg := range r.Get("ranges").Values() {
		from, _ := rg.Get("from").Uint()
		to, _ := rg.Get("to").Uint()
		l.Ranges = append(l.Ranges, [2]uint64{from, to})
	}
	return l, true
}

// ParseRunning reads *running: the thread that now runs ("all" when every thread does).
func ParseRunning(r *Record) (threadID string, ok bool) {
	if r.Kind != ExecAsync || r.Class != "running" {
		return "", false
	}
	return r.Get("thread-id").String(), true
}

// ThreadSelected is =thread-selected (the user changed thread or frame through the console)
// or the answer of -thread-select.
type ThreadSelected struct {
	ThreadID string
	Frame    *Frame
}

// ParseThreadSelected reads =thread-selected,id=,frame={...} and ^done,new-thread-id=,frame=.
func ParseThreadSelected(r *Record) (ThreadSelected, bool) {
	var ts ThreadSelected
	switch {
	case r.Kind == NotifyAsync && r.Class == "thread-selected":
		ts.ThreadID = r.Get("id").String()
	case r.Kind == ResultRecord && !r.Get("new-thread-id").IsMissing():
		ts.ThreadID = r.Get("new-thread-id").String()
	default:
		return ts, false
	}
	if f, ok := ParseFrame(r.Get("frame")); ok {
		ts.Frame = &f
	}
	return ts, true
}

// Register is a register's number, name and value: ParseRegisterValues joined with the
// answer of -data-list-register-names (which numbers registers by their index in it).
type Register struct {
	Number int
	Name   string
	Value  string
}

// NameRegisters gives each value its name from names (the register-names list, in number
// order). A value whose number has no name, or an empty one, is left out: gdb leaves holes
// in the list for registers it does not show.
func NameRegisters(names []string, values []RegisterValue) []Register {
	out := make([]Register, 0, len(values))
	for _, v := range values {
		if v.Number < 0 || v.Number >= len(names) || names[v.Number] == "" {
			continue
		}
		out = append(out, Register{Number: v.Number, Name: names[v.Number], Value: v.Value})
	}
	return out
}

// RegisterNumbers maps each named register of a register-names list to its number.
func RegisterNumbers(names []string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		if n != "" {
			m[n] = i
		}
	}
	return m
}
