package gdbmi

// TextAssembler joins stream records into whole lines: gdb sends console text in fragments
// (`~"\nProgram"`, `~" received signal..."`). It is not safe for concurrent use.
type TextAssembler struct {
	pending [3][]byte // console, target, log
}

// Add takes a stream record and returns the lines it completes (without "\n"), in order.
// Other records return nil.
func (a *TextAssembler) Add(r *Record) [][]byte {
	if r == nil || r.Kind < ConsoleStream || r.Kind > LogStream {
		return nil
	}
	i := r.Kind - ConsoleStream
	buf := append(a.pending[i], r.Stream...)
	var lines [][]byte
	start := 0
	for j, c := range buf {
		if c == '\n' {
			lines = append(lines, append([]byte(nil), buf[start:j]...))
			start = j + 1
		}
	}
	a.pending[i] = append(buf[:0], buf[start:]...)
	return lines
}

// Flush returns and clears the unfinished text of a stream kind (nil when there is none).
func (a *TextAssembler) Flush(kind RecordKind) []byte {
	if kind < ConsoleStream || kind > LogStream {
		return nil
	}
	i := kind - ConsoleStream
	if len(a.pending[i]) == 0 {
		return nil
	}
	out := append([]byte(nil), a.pending[i]...)
	a.pending[i] = a.pending[i][:0]
	return out
}
