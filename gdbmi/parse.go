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

// Token is the token a record starts with: the digits exactly as gdb wrote them, leading zeros
// included, so "0001" and "1" stay apart and a client can match the text it sent. gdb echoes the
// digits of the command it answers; Conn sends canonical decimals and matches with Int64.
type Token string

// NoToken is the Token of a record that carries none.
const NoToken Token = ""

// Int64 returns the token's value when it is a canonical decimal (no leading zero unless it is
// "0", at most 18 digits): the form Conn sends. Any other token (absent, "007", 30 digits)
// reports false, so it can never be taken for the answer to another command.
func (t Token) Int64() (int64, bool) {
	if len(t) == 0 || len(t) > 18 || (len(t) > 1 && t[0] == '0') {
		return 0, false
	}
	var v int64
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// Record is one parsed line of MI output. It does not alias the line given to Parse.
type Record struct {
	Kind    RecordKind
	Token   Token    // the digits as written; NoToken when the line has none
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

// Error says where the line is malformed and how.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("gdbmi: column %d: %s (near %q)", e.Col, e.Msg, e.Near)
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 512

type parser struct {
	b      []byte // owned copy of the line; strings are decoded in place
	pos    int
	depth  int
	counts []int32  // elements of each container in opening order (0 is the record's results)
	next   int      // next container's index in counts
	slab   []Result // exact room for every element of the line, handed out in opening order
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
		return &Record{Kind: Prompt}, nil
	}
	rec := &Record{}
	cp := countsPool.Get().(*[]int32)
	p := parser{b: bytes.Clone(line), counts: (*cp)[:0]}
	err := p.record(rec)
	if cap(p.counts) <= 1<<16 {
		*cp = p.counts[:0]
		countsPool.Put(cp)
	}
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// countsPool recycles the per-container element counts of the sizing pass.
var countsPool = sync.Pool{New: func() any { s := make([]int32, 0, 64); return &s }}

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
	// Optional token, kept as written (it shares the record's one allocation).
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	rec.Token = Token(p.str(0, i))
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
	if err := p.count(); err != nil {
		return err
	}
	// The results are the elements of container 0, whose "opening" is the class's end.
	items, err := p.reserve()
	if err != nil {
		return err
	}
	n := 0
	for p.pos < len(b) {
		if b[p.pos] != ',' {
			return p.errf("expected ',' or end of line")
		}
		p.pos++
		if n == len(items) {
			return p.errf("malformed line: more results than counted")
		}
		if err := p.element(&items[n]); err != nil {
			return err
		}
		n++
	}
	rec.Results = items[:n:n]
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

// count is the sizing pass: a lexical scan from p.pos that counts the elements of every
// container in opening order (strings skipped), so that the parse can place each element in
// one exact allocation instead of collecting and copying. It trusts nothing: on malformed
// input the counts may be wrong, and the parse, which checks the grammar, reports the error
// and never writes past what was reserved.
func (p *parser) count() error {
	b := p.b
	p.counts = append(p.counts[:0], 0)
	var stackBuf [64]int32
	open := stackBuf[:0] // indices in counts of the enclosing containers
	cur := int32(0)      // container the current byte belongs to
	total := 0
scan:
	for i := p.pos; i < len(b); i++ {
		switch b[i] {
		case '"':
			// Move i to the closing quote, stepping over escaped bytes. Most strings are
			// short: a byte loop finds their end; long ones go to IndexByte, linear even for
			// megabytes of escapes (each quote is searched for once unless it is escaped).
			i++
			if j := shortString(b, i); j >= 0 {
				i = j
				break
			}
			for {
				q := bytes.IndexByte(b[i:], '"')
				if q < 0 {
					break scan // unterminated: the parse reports it
				}
				end := i + q
				for i < end {
					bs := bytes.IndexByte(b[i:end], '\\')
					if bs < 0 {
						i = end
						break
					}
					i += bs + 2
				}
				if i == end {
					break // b[end] is the closing quote
				}
				// An escape took the quote at end: search again after it.
			}
		case ',':
			p.counts[cur]++
			total++
		case '{', '[':
			if len(open) > maxDepth {
				break scan // the parse stops at maxDepth anyway
			}
			open = append(open, cur)
			cur = int32(len(p.counts))
			n := int32(1)
			if i+1 < len(b) && (b[i+1] == '}' || b[i+1] == ']') {
				n = 0
			}
			p.counts = append(p.counts, n)
			total += int(n)
		case '}', ']':
			if len(open) > 0 {
				cur = open[len(open)-1]
				open = open[:len(open)-1]
			}
		}
	}
	p.slab = make([]Result, total)
	return nil
}

// shortString returns the index of the closing quote of a string starting at i when it comes
// within 32 bytes and no backslash comes first, else -1.
func shortString(b []byte, i int) int {
	for lim := min(i+32, len(b)); i < lim; i++ {
		switch b[i] {
		case '"':
			return i
		case '\\':
			return -1
		}
	}
	return -1
}

// reserve hands out the slots of the next container in opening order.
func (p *parser) reserve() ([]Result, error) {
	if p.next >= len(p.counts) {
		return nil, p.errf("malformed line: more containers than counted")
	}
	n := int(p.counts[p.next])
	p.next++
	if n > len(p.slab) {
		return nil, p.errf("malformed line: more elements than counted")
	}
	items := p.slab[:n:n]
	p.slab = p.slab[n:]
	return items, nil
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

// element parses `name=value` or a bare value into dst.
func (p *parser) element(dst *Result) error {
	b := p.b
	if p.pos >= len(b) {
		return p.errf("expected a result or value, got end of line")
	}
	switch b[p.pos] {
	case '"', '{', '[':
	default:
		start := p.pos
		for p.pos < len(b) && nameBytes[b[p.pos]] {
			p.pos++
		}
		if p.pos == start {
			return p.errf("expected a name or value")
		}
		if p.pos >= len(b) || b[p.pos] != '=' {
			return p.errf("expected '=' after name")
		}
		dst.Name = p.str(start, p.pos)
		p.pos++
	}
	return p.value(&dst.Value)
}

func (p *parser) value(dst *Value) error {
	b := p.b
	if p.pos >= len(b) {
		return p.errf("expected a value, got end of line")
	}
	var err error
	switch b[p.pos] {
	case '"':
		dst.Kind = Const
		dst.Bytes, err = p.cstring()
	case '{':
		dst.Kind = Tuple
		dst.Items, err = p.container('}')
	case '[':
		dst.Kind = List
		dst.Items, err = p.container(']')
	default:
		return p.errf("expected a value ('\"', '{' or '[')")
	}
	return err
}

// container parses the elements of a tuple or list up to its closing byte.
func (p *parser) container(end byte) ([]Result, error) {
	if p.depth >= maxDepth {
		return nil, p.errf("nesting deeper than %d", maxDepth)
	}
	items, err := p.reserve()
	if err != nil {
		return nil, err
	}
	b := p.b
	p.pos++ // opening bracket
	if p.pos < len(b) && b[p.pos] == end {
		p.pos++
		return nil, nil
	}
	p.depth++
	n := 0
	for {
		if n == len(items) {
			return nil, p.errf("malformed line: more elements than counted")
		}
		if err := p.element(&items[n]); err != nil {
			return nil, err
		}
		n++
		if p.pos >= len(b) {
			return nil, p.errf("expected ',' or %q, got end of line", end)
		}
		switch b[p.pos] {
		case ',':
			p.pos++
		case end:
			p.pos++
			p.depth--
			return items[:n:n], nil
		default:
			return nil, p.errf("expected ',' or %q", end)
		}
	}
}

// cstring decodes the C string at p.pos (which holds '"') in place and returns its bytes.
func (p *parser) cstring() ([]byte, error) {
	b := p.b
	start := p.pos + 1
	if j := shortString(b, start); j >= 0 {
		p.pos = j + 1
		return b[start:j:j], nil
	}
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
			// Up to three octal digits make one byte. gdb never writes one over \377; such
			// an escape is malformed, reported rather than wrapped into another byte.
			v := int(c - '0')
			for k := 0; k < 2 && r < len(b) && b[r] >= '0' && b[r] <= '7'; k++ {
				v = v*8 + int(b[r]-'0')
				r++
			}
			if v > 0xff {
				p.pos = r - 4
				return nil, p.errf("octal escape \\%o does not fit a byte", v)
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
