package gdbmi

import (
	"bytes"
	"fmt"
	"sync"
	"unsafe"
)

// RecordKind says which of the MI output forms a line is.
type RecordKind uint8

// The kinds of MI output lines. RawLine is not MI: Conn uses it for a line that does not parse
// (for example a program's own output when it shares gdb's terminal); Parse never returns it.
const (
	ResultRecord  RecordKind = iota + 1 // ^done, ^running, ^connected, ^error, ^exit
	ExecAsync                           // *stopped, *running
	StatusAsync                         // +download ...
	NotifyAsync                         // =thread-group-added, =breakpoint-created, ...
	ConsoleStream                       // ~"text"
	TargetStream                        // @"text"
	LogStream                           // &"text"
	Prompt                              // (gdb)
	RawLine                             // not MI; Stream holds the line
)

var kindNames = [...]string{"invalid", "result", "exec", "status", "notify", "console", "target", "log", "prompt", "raw"}

// String returns a short lower-case name of the kind ("result", "exec", "console", ...).
func (k RecordKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("RecordKind(%d)", uint8(k))
}

// NoToken is the Token of a record that carries none.
const NoToken int64 = -1

// Record is one parsed line of MI output. It does not alias the line given to Parse.
type Record struct {
	Kind    RecordKind
	Token   int64    // NoToken when the line has none
	Class   string   // "done", "error", "stopped", "thread-group-added", ...; empty for streams
	Results []Result // in line order, duplicates kept
	Stream  []byte   // decoded text of a stream record (bytes, not necessarily UTF-8)
}

// Result is a name=value pair. In the invalid forms gdb emits (MI2/MI3 `script={"a","b"}`, the
// extra `{...}` locations after an MI2 `bkpt={...}`), a bare value becomes a Result with an empty Name.
type Result struct {
	Name  string
	Value Value
}

// ValueKind says which of the three MI value forms a Value holds.
type ValueKind uint8

// The kinds of values. Missing is the zero Value, returned by lookups that find nothing.
const (
	Missing ValueKind = iota
	Const             // "c-string", decoded to bytes
	Tuple             // {name=value,...}
	List              // [value,...] or [name=value,...]
)

// Value is an MI value: a constant (decoded C string), a tuple or a list. Tuples and lists keep
// their elements in order in Items, duplicate names included; a list of values has items with an
// empty Name. The zero Value (Kind Missing) stands for "absent".
type Value struct {
	Kind  ValueKind
	Bytes []byte   // Const: the decoded bytes (octal escapes are bytes; invalid UTF-8 kept)
	Items []Result // Tuple, List
}

// SyntaxError reports malformed MI output and the 1-based byte column where parsing failed.
type SyntaxError struct {
	Col  int
	Msg  string
	Near string // up to 20 bytes of the line from the column on
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("gdbmi: column %d: %s (near %q)", e.Col, e.Msg, e.Near)
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 512

type parser struct {
	b        []byte // owned copy of the line; strings are decoded in place
	pos      int
	depth    int
	stack    []Result // scratch of elements of the containers being parsed
	maxStack int      // high-water mark of stack, to clear it before reuse
	slab     []Result // free capacity to hand out element slices from
}

func (p *parser) errf(format string, args ...any) error {
	near := p.b[min(p.pos, len(p.b)):]
	if len(near) > 20 {
		near = near[:20]
	}
	return &SyntaxError{Col: p.pos + 1, Msg: fmt.Sprintf(format, args...), Near: string(near)}
}

// Parse parses one line of MI output (without the newline; a trailing "\r" or "\n" is ignored).
// It never panics; malformed input returns a *SyntaxError naming the column. The Record does not
// alias line: Parse copies it once and decodes C strings in place in that copy, so names,
// classes and Const bytes share one allocation with the record's element slices kept apart.
func Parse(line []byte) (*Record, error) {
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	if isPrompt(line) {
		return &Record{Kind: Prompt, Token: NoToken}, nil
	}
	rec := &Record{Token: NoToken}
	sp := stackPool.Get().(*[]Result)
	p := parser{b: bytes.Clone(line), stack: (*sp)[:0]}
	err := p.record(rec)
	// Return the scratch stack without keeping this record alive through it.
	clear(p.stack[:max(p.maxStack, len(p.stack))])
	if cap(p.stack) <= 4096 {
		*sp = p.stack[:0]
		stackPool.Put(sp)
	}
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// stackPool recycles the scratch stacks elements are collected on before they move to the slab.
var stackPool = sync.Pool{New: func() any { s := make([]Result, 0, 64); return &s }}

func isPrompt(line []byte) bool {
	if len(line) < 5 || string(line[:5]) != "(gdb)" {
		return false
	}
	for _, c := range line[5:] {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

func (p *parser) record(rec *Record) error {
	b := p.b
	if len(b) == 0 {
		return p.errf("empty line")
	}
	// Optional token.
	i := 0
	var tok int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		if tok > (1<<63-1-9)/10 {
			p.pos = i
			return p.errf("token too large")
		}
		tok = tok*10 + int64(b[i]-'0')
		i++
	}
	if i > 0 {
		rec.Token = tok
	}
	p.pos = i
	if i >= len(b) {
		return p.errf("missing record type after token")
	}
	c := b[i]
	p.pos++
	switch c {
	case '~', '@', '&':
		if i > 0 {
			p.pos = i
			return p.errf("token before a stream record")
		}
		switch c {
		case '~':
			rec.Kind = ConsoleStream
		case '@':
			rec.Kind = TargetStream
		default:
			rec.Kind = LogStream
		}
		if p.pos >= len(b) || b[p.pos] != '"' {
			return p.errf("expected '\"' after %q", c)
		}
		s, err := p.cstring()
		if err != nil {
			return err
		}
		rec.Stream = s
		if p.pos != len(b) {
			return p.errf("trailing bytes after stream record")
		}
		return nil
	case '^':
		rec.Kind = ResultRecord
	case '*':
		rec.Kind = ExecAsync
	case '+':
		rec.Kind = StatusAsync
	case '=':
		rec.Kind = NotifyAsync
	default:
		p.pos = i
		return p.errf("unknown record type %q", c)
	}
	start := p.pos
	for p.pos < len(b) && isNameByte(b[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		return p.errf("missing class")
	}
	rec.Class = p.str(start, p.pos)
	if p.pos == len(b) {
		return nil
	}
	// Size the slab from the line: every named result has an '=' (strings may hold more, which
	// only over-sizes); the few bare list values fit in the margin or in a further chunk.
	p.slab = make([]Result, 0, bytes.Count(b[p.pos:], eq)+8)
	base := len(p.stack)
	for p.pos < len(b) {
		if b[p.pos] != ',' {
			return p.errf("expected ',' or end of line")
		}
		p.pos++
		if err := p.element(); err != nil {
			return err
		}
	}
	rec.Results = p.take(base)
	return nil
}

// str returns the bytes [i,j) of the owned buffer as a string without copying. Names and
// classes are never decoded in place, so the bytes under the string never change.
func (p *parser) str(i, j int) string {
	if i == j {
		return ""
	}
	return unsafe.String(&p.b[i], j-i)
}

// take moves the scratch elements from base on into a slice of the slab.
func (p *parser) take(base int) []Result {
	n := len(p.stack) - base
	if n == 0 {
		return nil
	}
	if cap(p.slab)-len(p.slab) < n {
		p.slab = make([]Result, 0, max(n, 2*cap(p.slab), 16))
	}
	l := len(p.slab)
	p.slab = append(p.slab, p.stack[base:]...)
	p.maxStack = max(p.maxStack, len(p.stack))
	p.stack = p.stack[:base]
	return p.slab[l : l+n : l+n]
}

var eq = []byte{'='}

// nameBytes marks the bytes of MI variable and class names.
var nameBytes = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	return t
}()

func isNameByte(c byte) bool { return nameBytes[c] }

// element parses `name=value` or a bare value onto the scratch stack.
func (p *parser) element() error {
	b := p.b
	if p.pos >= len(b) {
		return p.errf("expected a result or value, got end of line")
	}
	var name string
	switch b[p.pos] {
	case '"', '{', '[':
	default:
		start := p.pos
		for p.pos < len(b) && isNameByte(b[p.pos]) {
			p.pos++
		}
		if p.pos == start {
			return p.errf("expected a name or value")
		}
		if p.pos >= len(b) || b[p.pos] != '=' {
			return p.errf("expected '=' after name")
		}
		name = p.str(start, p.pos)
		p.pos++
	}
	p.stack = append(p.stack, Result{Name: name})
	idx := len(p.stack) - 1
	v, err := p.value()
	if err != nil {
		return err
	}
	p.stack[idx].Value = v
	return nil
}

func (p *parser) value() (Value, error) {
	b := p.b
	if p.pos >= len(b) {
		return Value{}, p.errf("expected a value, got end of line")
	}
	switch b[p.pos] {
	case '"':
		s, err := p.cstring()
		return Value{Kind: Const, Bytes: s}, err
	case '{':
		items, err := p.container('}')
		return Value{Kind: Tuple, Items: items}, err
	case '[':
		items, err := p.container(']')
		return Value{Kind: List, Items: items}, err
	}
	return Value{}, p.errf("expected a value ('\"', '{' or '[')")
}

// container parses the elements of a tuple or list up to its closing byte.
func (p *parser) container(end byte) ([]Result, error) {
	if p.depth >= maxDepth {
		return nil, p.errf("nesting deeper than %d", maxDepth)
	}
	p.depth++
	b := p.b
	p.pos++ // opening bracket
	if p.pos < len(b) && b[p.pos] == end {
		p.pos++
		return nil, nil
	}
	base := len(p.stack)
	for {
		if err := p.element(); err != nil {
			return nil, err
		}
		if p.pos >= len(b) {
			return nil, p.errf("expected ',' or %q, got end of line", end)
		}
		switch b[p.pos] {
		case ',':
			p.pos++
		case end:
			p.pos++
			p.depth--
			return p.take(base), nil
		default:
			return nil, p.errf("expected ',' or %q", end)
		}
	}
}

// cstring decodes the C string at p.pos (which holds '"') in place and returns its bytes.
func (p *parser) cstring() ([]byte, error) {
	b := p.b
	start := p.pos + 1
	// Fast path: no backslash before the closing quote.
	q := bytes.IndexByte(b[start:], '"')
	if q < 0 {
		p.pos = len(b)
		return nil, p.errf("unterminated string")
	}
	bs := bytes.IndexByte(b[start:start+q], '\\')
	if bs < 0 {
		p.pos = start + q + 1
		return b[start : start+q : start+q], nil
	}
	// Slow path: decode escapes from the first backslash on, writing at w.
	r := start + bs
	w := r
	for {
		if r >= len(b) {
			p.pos = len(b)
			return nil, p.errf("unterminated string")
		}
		c := b[r]
		if c == '"' {
			p.pos = r + 1
			return b[start:w:w], nil
		}
		if c != '\\' {
			b[w] = c
			w++
			r++
			continue
		}
		r++
		if r >= len(b) {
			p.pos = len(b)
			return nil, p.errf("unterminated escape")
		}
		c = b[r]
		r++
		switch c {
		case 'n':
			c = '\n'
		case 't':
			c = '\t'
		case 'r':
			c = '\r'
		case 'a':
			c = '\a'
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'v':
			c = '\v'
		case 'e':
			c = 0x1b
		case '0', '1', '2', '3', '4', '5', '6', '7':
			// Up to three octal digits make one byte (values over 0377 wrap, as in C).
			v := int(c - '0')
			for k := 0; k < 2 && r < len(b) && b[r] >= '0' && b[r] <= '7'; k++ {
				v = v*8 + int(b[r]-'0')
				r++
			}
			c = byte(v)
		case 'x':
			v, n := 0, 0
			for n < 2 && r < len(b) && isHex(b[r]) {
				v = v*16 + hexVal(b[r])
				r++
				n++
			}
			if n == 0 {
				p.pos = r
				return nil, p.errf("\\x without hex digits")
			}
			c = byte(v)
		default:
			// \\, \", \', \? and anything gdb might add: the byte itself.
		}
		b[w] = c
		w++
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c <= '9':
		return int(c - '0')
	case c >= 'a':
		return int(c-'a') + 10
	default:
		return int(c-'A') + 10
	}
}
