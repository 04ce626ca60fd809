package gdbmi

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/{transcripts,malformed}/*.golden from the *.mi beside them")

func bgctx() context.Context { return context.Background() }

func sleepShort() { time.Sleep(10 * time.Millisecond) }

// renderTranscript renders every line of a recorded transcript as stable text: the parse tree
// with Go-quoted constants (lossless for any bytes) and the typed views of the record.
// With allowErrors (testdata/malformed), a line that does not parse renders as its error.
func renderTranscript(mi []byte, allowErrors bool) ([]byte, error) {
	var out bytes.Buffer
	br := bufio.NewReaderSize(bytes.NewReader(mi), 1<<16)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			break
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		r, perr := Parse(line)
		if perr != nil && allowErrors {
			fmt.Fprintf(&out, "%d: error: %v\n", n, perr)
			continue
		}
		if perr != nil {
			return nil, fmt.Errorf("line %d: %v", n, perr)
		}
		fmt.Fprintf(&out, "%d: ", n)
		renderRecord(&out, r, len(line))
	}
	return out.Bytes(), nil
}

func renderRecord(out *bytes.Buffer, r *Record, size int) {
	out.WriteString(r.Kind.String())
	if r.Token != NoToken {
		fmt.Fprintf(out, " token=%s", r.Token)
	}
	if r.Class != "" {
		out.WriteString(" " + r.Class)
	}
	if r.Stream != nil {
		out.WriteString(" " + strconv.Quote(string(r.Stream)))
	}
	var tree bytes.Buffer
	renderItems(&tree, r.Results)
	if size > 64<<10 {
		// A huge line: the golden keeps a digest of its tree, not the tree.
		fmt.Fprintf(out, " [%d bytes, %d results, tree sha256 %x]", size, countItems(r.Results), sha256.Sum256(tree.Bytes()))
	} else if len(r.Results) > 0 {
		out.WriteString(" ")
		out.Write(tree.Bytes())
	}
	out.WriteByte('\n')
	if st, ok := ParseStop(r); ok {
		f := st.Frame
		st.Frame = nil
		fmt.Fprintf(out, "   stop: %+v\n", st)
		if f != nil {
			fmt.Fprintf(out, "   frame: %+v\n", *f)
		}
	}
	for _, b := range ParseBreakpoints(r) {
		fmt.Fprintf(out, "   bkpt: %+v\n", b)
	}
	if g, ok := ParseThreadGroupEvent(r); ok {
		fmt.Fprintf(out, "   group: %+v\n", g)
	}
	if e := ErrorFromRecord(r); e != nil {
		fmt.Fprintf(out, "   error: %+v\n", *e)
	}
	if v := r.Get("variables"); v.Kind == List {
		fmt.Fprintf(out, "   variables: %+v\n", ParseVariables(v))
	}
	if v := r.Get("threads"); v.Kind == List {
		th, cur := ParseThreads(r)
		for _, t := range th {
			f := t.Frame
			t.Frame = nil
			fmt.Fprintf(out, "   thread: %+v frame=%+v\n", t, f != nil)
		}
		fmt.Fprintf(out, "   current: %d\n", cur)
	}
	if r.Get("children").Kind == List {
		fmt.Fprintf(out, "   children: %+v\n", VarChildren(r))
	}
	if r.Get("changelist").Kind == List {
		fmt.Fprintf(out, "   changes: %+v\n", VarChanges(r))
	}
	if r.Get("stack").Kind == List {
		fmt.Fprintf(out, "   frames: %+v\n", ParseFrames(r))
	}
	if w, ok := ParseWatchpoint(r); ok {
		fmt.Fprintf(out, "   watchpoint: %+v\n", w)
	}
	if r.Get("stack-args").Kind == List {
		fmt.Fprintf(out, "   stack-args: %+v\n", ParseStackArgs(r))
	}
	if r.Get("memory").Kind == List {
		fmt.Fprintf(out, "   memory: %+v\n", ParseMemory(r))
	}
	if r.Get("asm_insns").Kind == List {
		fmt.Fprintf(out, "   instructions: %+v\n", ParseDisassembly(r))
	}
	if r.Get("register-names").Kind == List {
		fmt.Fprintf(out, "   register-names: %q\n", ParseRegisterNames(r))
	}
	if r.Get("register-values").Kind == List {
		fmt.Fprintf(out, "   register-values: %+v\n", ParseRegisterValues(r))
	}
	if !r.Get("matches").IsMissing() {
		fmt.Fprintf(out, "   completion: %+v\n", ParseCompletion(r))
	}
	if r.Get("symbols").Kind == Tuple {
		syms := ParseSymbols(r)
		fmt.Fprintf(out, "   symbols: %d", len(syms))
		if len(syms) > 0 {
			fmt.Fprintf(out, ", first %+v", syms[0])
		}
		out.WriteByte('\n')
	}
	if r.Get("groups").Kind == List {
		fmt.Fprintf(out, "   thread-groups: %+v\n", ParseThreadGroups(r))
	}
	if l, ok := ParseLibrary(r); ok {
		fmt.Fprintf(out, "   library: %+v\n", l)
	}
	if id, ok := ParseRunning(r); ok {
		fmt.Fprintf(out, "   running: %s\n", id)
	}
	if ts, ok := ParseThreadSelected(r); ok {
		fmt.Fprintf(out, "   thread-selected: %s frame=%+v\n", ts.ThreadID, ts.Frame)
	}
}

func countItems(items []Result) int {
	n := len(items)
	for _, it := range items {
		n += countItems(it.Value.Items)
	}
	return n
}

func renderItems(out *bytes.Buffer, items []Result) {
	for i, it := range items {
		if i > 0 {
			out.WriteByte(',')
		}
		if it.Name != "" {
			out.WriteString(it.Name)
			out.WriteByte('=')
		}
		renderValue(out, it.Value)
	}
}

func renderValue(out *bytes.Buffer, v Value) {
	switch v.Kind {
	case Const:
		out.WriteString(strconv.Quote(string(v.Bytes)))
	case Tuple:
		out.WriteByte('{')
		renderItems(out, v.Items)
		out.WriteByte('}')
	case List:
		out.WriteByte('[')
		renderItems(out, v.Items)
		out.WriteByte(']')
	default:
		out.WriteString("<missing>")
	}
}

func transcriptFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "transcripts", "*.mi"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no transcripts in testdata/transcripts: record them with go test -run TestScenarios -record")
	}
	return files
}

// TestTranscripts re-parses every recorded gdb line and compares with the golden rendering.
func TestTranscripts(t *testing.T) { testGoldens(t, transcriptFiles(t), false) }

// TestMalformed renders hand-written lines that gdb should never write (an octal escape over
// \377, ...) next to real-looking ones: each must be reported as an error naming its column, or
// parsed losslessly, never decoded into different bytes.
func TestMalformed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "malformed", "*.mi"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in testdata/malformed (%v)", err)
	}
	testGoldens(t, files, true)
}

func testGoldens(t *testing.T, files []string, allowErrors bool) {
	for _, mi := range files {
		name := strings.TrimSuffix(filepath.Base(mi), ".mi")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(mi)
			if err != nil {
				t.Fatal(err)
			}
			got, err := renderTranscript(data, allowErrors)
			if err != nil {
				t.Fatalf("%s: %v", mi, err)
			}
			golden := strings.TrimSuffix(mi, ".mi") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(got, want) {
				gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
				for i := 0; i < len(gl) && i < len(wl); i++ {
					if gl[i] != wl[i] {
						t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s", golden, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s: %d lines, golden has %d", golden, len(gl), len(wl))
			}
			// Every record that parses also survives a trip through its MI rendering.
			for i, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
				r, err := Parse(line)
				if err != nil {
					continue // only in malformed/, where the golden holds the error
				}
				r2, err := Parse([]byte(r.String()))
				if err != nil || r2.String() != r.String() {
					t.Fatalf("line %d does not round-trip: %v", i+1, err)
				}
			}
		})
	}
}
