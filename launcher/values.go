package launcher

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sandbug/sandbug/gdbmi"
)

// Values as a student reads them: pure helpers for the frames' arguments, char arrays shown as
// strings and shadowed locals told apart; the queries that use them are in values_linux.go.

// formatArgs writes a frame's arguments as gdb's backtrace does: "head=0x4052a0, v=99", and
// "s=..." for an argument --simple-values leaves without a value (a struct passed by value).
func formatArgs(args []gdbmi.Variable) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		v := a.Value
		if !a.HasValue {
			v = "..."
		}
		parts = append(parts, a.Name+"="+v)
	}
	return strings.Join(parts, ", ")
}

// charArrayType matches the array types gdb prints as strings: char, signed char and unsigned
// char arrays of one dimension ("char [8]").
var charArrayType = lazyRE(`^(?:(?:un)?signed )?char \[\d+\]$`)

// isCharArray reports whether a value of type typ prints as a string.
func isCharArray(typ string) bool { return charArrayType().MatchString(strings.TrimSpace(typ)) }

// trailingNulRepeat is gdb's run of NUL bytes at the end of a char array: `, '\000' <repeats 26 times>`.
var trailingNulRepeat = lazyRE(`(?:^|, )'\\000' <repeats \d+ times>$`)

// trimNuls cuts the NUL bytes that fill a char array after its string, as a C program reads
// it: gdb's `"alice\000\000"` and `"alice", '\000' <repeats 26 times>` become `"alice"`, an
// array of NULs `""`. Anything else (a string without its NUL, bytes after the first NUL that
// are not NUL, gdb's "..." at its print limit) is left as gdb wrote it.
func trimNuls(v string) string {
	for {
		loc := trailingNulRepeat().FindStringIndex(v)
		if loc == nil {
			break
		}
		v = v[:loc[0]]
	}
	if v == "" {
		return `""`
	}
	if !strings.HasSuffix(v, `"`) || len(v) < 2 {
		return v
	}
	body := v[:len(v)-1]
	for strings.HasSuffix(body, `\000`) {
		// An escaped backslash before "000" ("\\000") is the text \000, not a NUL: count the
		// backslashes in front of the last escape.
		n := 0
		for i := len(body) - 5; i >= 0 && body[i] == '\\'; i-- {
			n++
		}
		if n%2 == 1 {
			break
		}
		body = body[:len(body)-4]
	}
	return body + `"`
}

// block is one lexical block of a frame, innermost first, as the Python helper reports it:
// the source lines its code spans and the names of the variables it declares.
type block struct {
	Lo, Hi int
	Names  []string
}

// parseBlocks reads the Python helper's answer: `8 9 i;7 11 i;5 14 arr,n,s`.
func parseBlocks(s string) []block {
	var out []block
	for _, part := range strings.Split(s, ";") {
		f := strings.SplitN(strings.TrimSpace(part), " ", 3)
		if len(f) < 2 {
			continue
		}
		lo, err1 := strconv.Atoi(f[0])
		hi, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			continue
		}
		b := block{Lo: lo, Hi: hi}
		if len(f) == 3 && f[2] != "" {
			b.Names = strings.Split(f[2], ",")
		}
		out = append(out, b)
	}
	return out
}

// labelShadowed fills Block and Shadowed for the locals whose name occurs more than once.
// gdb lists a frame's locals innermost block first, so the k-th variable of a name belongs to
// the k-th block (innermost first) that declares that name; blocks may be nil (no Python in
// gdb), and then the label says only which one is innermost.
func labelShadowed(vars []Variable, blocks []block) {
	count := map[string]int{}
	for _, v := range vars {
		count[v.Name]++
	}
	seen := map[string]int{}
	for i := range vars {
		v := &vars[i]
		if count[v.Name] < 2 {
			continue
		}
		k := seen[v.Name]
		seen[v.Name]++
		v.Shadowed = k > 0
		v.Block = fmt.Sprintf("block %d of %d", k+1, count[v.Name])
		if k == 0 {
			v.Block = "innermost block"
		}
		j := 0
		for _, b := range blocks {
			if !contains(b.Names, v.Name) {
				continue
			}
			if j == k && b.Lo > 0 {
				v.Block = lineRange(b.Lo, b.Hi)
				break
			}
			j++
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func lineRange(lo, hi int) string {
	if lo == hi {
		return fmt.Sprintf("line %d", lo)
	}
	return fmt.Sprintf("lines %d-%d", lo, hi)
}

// blocksPython defines _sandbug_blocks() in gdb's Python: the selected frame's blocks from
// the innermost to the function's own, each as "LO HI name,name" (the lines its code spans in
// the line table, the variables and arguments it declares), joined by ";".
const blocksPython = `def _sandbug_blocks():
    f = gdb.selected_frame()
    b = f.block()
    sal = f.find_sal()
    lt = sal.symtab.linetable() if sal.symtab else []
    pcs = [(e.pc, e.line) for e in lt]
    out = []
    while b is not None:
        lines = [l for (pc, l) in pcs if b.start <= pc < b.end and l > 0]
        lo, hi = (min(lines), max(lines)) if lines else (0, 0)
        names = [s.name for s in b if s.is_variable or s.is_argument]
        out.append("%d %d %s" % (lo, hi, ",".join(names)))
        if b.function is not None:
            break
        b = b.superblock
    return ";".join(out)
`

// arrayExpr is gdb's "the n elements that start at expr": *arr@5, *(l->items)@3.
func arrayExpr(expr string, n int) string {
	if identifier().MatchString(expr) {
		return fmt.Sprintf("*%s@%d", expr, n)
	}
	return fmt.Sprintf("*(%s)@%d", expr, n)
}

var identifier = lazyRE(`^[A-Za-z_][A-Za-z0-9_]*$`)
