package gdbmi

import (
	"strconv"
	"strings"
)

// Get returns the value of the first result called name, or the zero Value (Kind Missing).
func (r *Record) Get(name string) Value { return get(r.Results, name) }

// GetAll returns the values of every result called name, in order.
func (r *Record) GetAll(name string) []Value { return getAll(r.Results, name) }

// Get returns the value of the first item called name in a tuple or list of results, or the
// zero Value.
func (v Value) Get(name string) Value { return get(v.Items, name) }

// GetAll returns the values of every item called name, in order (duplicate keys are kept).
func (v Value) GetAll(name string) []Value { return getAll(v.Items, name) }

// Values returns the values of a tuple's or list's items, dropping their names.
func (v Value) Values() []Value {
	out := make([]Value, len(v.Items))
	for i, it := range v.Items {
		out[i] = it.Value
	}
	return out
}

// IsMissing reports whether v is the zero Value returned by lookups that found nothing.
func (v Value) IsMissing() bool { return v.Kind == Missing }

func get(items []Result, name string) Value {
	for i := range items {
		if items[i].Name == name {
			return items[i].Value
		}
	}
	return Value{}
}

func getAll(items []Result, name string) []Value {
	var out []Value
	for i := range items {
		if items[i].Name == name {
			out = append(out, items[i].Value)
		}
	}
	return out
}

// String returns a Const's text (the raw bytes, possibly not UTF-8), "" for Missing, and the MI
// form of a tuple or list.
func (v Value) String() string {
	switch v.Kind {
	case Const:
		return string(v.Bytes)
	case Missing:
		return ""
	}
	var sb strings.Builder
	v.appendMI(&sb)
	return sb.String()
}

// Int parses a Const holding a decimal integer.
func (v Value) Int() (int64, bool) {
	if v.Kind != Const {
		return 0, false
	}
	n, err := strconv.ParseInt(string(v.Bytes), 10, 64)
	return n, err == nil
}

// Uint parses a Const holding a decimal or 0x-prefixed hexadecimal unsigned integer (addresses).
func (v Value) Uint() (uint64, bool) {
	if v.Kind != Const {
		return 0, false
	}
	s := string(v.Bytes)
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		n, err := strconv.ParseUint(s[2:], 16, 64)
		return n, err == nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// MI renders the value back in MI syntax, quoting constants with Quote-compatible escapes.
func (v Value) MI() string {
	var sb strings.Builder
	v.appendMI(&sb)
	return sb.String()
}

func (v Value) appendMI(sb *strings.Builder) {
	switch v.Kind {
	case Const:
		sb.WriteString(cQuote(string(v.Bytes)))
	case Tuple, List:
		open, end := byte('{'), byte('}')
		if v.Kind == List {
			open, end = '[', ']'
		}
		sb.WriteByte(open)
		appendResults(sb, v.Items)
		sb.WriteByte(end)
	}
}

func appendResults(sb *strings.Builder, items []Result) {
	for i, it := range items {
		if i > 0 {
			sb.WriteByte(',')
		}
		if it.Name != "" {
			sb.WriteString(it.Name)
			sb.WriteByte('=')
		}
		it.Value.appendMI(sb)
	}
}

// String renders the record back as an MI line (without newline). Parse(r.String()) yields an
// equal record.
func (r *Record) String() string {
	var sb strings.Builder
	if r.Kind != Prompt && r.Kind != RawLine {
		sb.WriteString(string(r.Token))
	}
	switch r.Kind {
	case Prompt:
		return "(gdb)"
	case RawLine:
		return string(r.Stream)
	case ConsoleStream, TargetStream, LogStream:
		sb.WriteByte("~@&"[r.Kind-ConsoleStream])
		sb.WriteString(cQuote(string(r.Stream)))
		return sb.String()
	case ResultRecord:
		sb.WriteByte('^')
	case ExecAsync:
		sb.WriteByte('*')
	case StatusAsync:
		sb.WriteByte('+')
	case NotifyAsync:
		sb.WriteByte('=')
	}
	sb.WriteString(r.Class)
	if len(r.Results) > 0 {
		sb.WriteByte(',')
		appendResults(&sb, r.Results)
	}
	return sb.String()
}
