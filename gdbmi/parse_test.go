package gdbmi

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func mustParse(t *testing.T, line string) *Record {
	t.Helper()
	r, err := Parse([]byte(line))
	if err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	return r
}

func TestParseKinds(t *testing.T) {
	tests := []struct {
		line  string
		kind  RecordKind
		token Token
		class string
	}{
		{"^done", ResultRecord, NoToken, "done"},
		{"12^running", ResultRecord, "12", "running"},
		{"3^error,msg=\"x\"", ResultRecord, "3", "error"},
		{"^connected", ResultRecord, NoToken, "connected"},
		{"^exit", ResultRecord, NoToken, "exit"},
		{"*stopped,reason=\"exited-normally\"", ExecAsync, NoToken, "stopped"},
		{"7*running,thread-id=\"all\"", ExecAsync, "7", "running"},
		{"000^done", ResultRecord, "000", "done"},   // leading zeros kept: the text as sent
		{"0001^done", ResultRecord, "0001", "done"}, // never the same token as "1"
		{"123456789012345678901234567890^done", ResultRecord, "123456789012345678901234567890", "done"},
		{"+download,{section=\".text\"}", StatusAsync, NoToken, "download"},
		{"=thread-group-added,id=\"i1\"", NotifyAsync, NoToken, "thread-group-added"},
		{"~\"hello\\n\"", ConsoleStream, NoToken, ""},
		{"@\"target\"", TargetStream, NoToken, ""},
		{"&\"log\"", LogStream, NoToken, ""},
		{"(gdb)", Prompt, NoToken, ""},
		{"(gdb) ", Prompt, NoToken, ""},
		{"^done\r", ResultRecord, NoToken, "done"},
	}
	for _, tt := range tests {
		r := mustParse(t, tt.line)
		if r.Kind != tt.kind || r.Token != tt.token || r.Class != tt.class {
			t.Errorf("Parse(%q) = kind %v token %q class %q; want %v %q %q", tt.line, r.Kind, r.Token, r.Class, tt.kind, tt.token, tt.class)
		}
	}
}

func TestParseCString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`""`, ""},
		{`"plain"`, "plain"},
		{`"a\nb\tc\rd"`, "a\nb\tc\rd"},
		{`"\\ \" \'"`, `\ " '`},
		{`"\e[31m\a\b\f\v"`, "\x1b[31m\a\b\f\v"},
		{`"\303\251t\303\251"`, "été"},
		{`"\376\377"`, "\xfe\xff"}, // invalid UTF-8 survives as bytes
		{`"\0"`, "\x00"},
		{`"\12x"`, "\nx"},
		{`"\1234"`, "S4"}, // at most three octal digits
		{`"\x41\x4a"`, "AJ"},
		{`"-2 '\\376'"`, `-2 '\376'`}, // the value's own C literal is kept, decoded once
		{"\"raw \xff bytes\"", "raw \xff bytes"},
	}
	for _, tt := range tests {
		r := mustParse(t, "~"+tt.in)
		if string(r.Stream) != tt.want {
			t.Errorf("decode %s = %q, want %q", tt.in, r.Stream, tt.want)
		}
	}
}

func TestParseValues(t *testing.T) {
	r := mustParse(t, `^done,thread-ids={thread-id="1",thread-id="2"},stack=[frame={level="0"},frame={level="1"}],l=["a","b"],e=[],t={}`)
	ids := r.Get("thread-ids").GetAll("thread-id")
	if len(ids) != 2 || ids[0].String() != "1" || ids[1].String() != "2" {
		t.Errorf("duplicate keys: %v", ids)
	}
	st := r.Get("stack")
	if st.Kind != List || len(st.Items) != 2 || st.Items[1].Name != "frame" || st.Items[1].Value.Get("level").String() != "1" {
		t.Errorf("list of results: %+v", st)
	}
	l := r.Get("l")
	if l.Kind != List || len(l.Items) != 2 || l.Items[0].Name != "" || l.Items[1].Value.String() != "b" {
		t.Errorf("list of values: %+v", l)
	}
	if e := r.Get("e"); e.Kind != List || len(e.Items) != 0 {
		t.Errorf("empty list: %+v", e)
	}
	if e := r.Get("t"); e.Kind != Tuple || len(e.Items) != 0 {
		t.Errorf("empty tuple: %+v", e)
	}
	if m := r.Get("nope"); !m.IsMissing() {
		t.Errorf("missing: %+v", m)
	}
}

func TestParseMI3Script(t *testing.T) {
	// MI2/MI3 emit an invalid tuple of bare values; MI4 a list.
	for _, line := range []string{
		`^done,bkpt={number="1",type="breakpoint",script={"silent","bt"}}`,
		`^done,bkpt={number="1",type="breakpoint",script=["silent","bt"]}`,
	} {
		r := mustParse(t, line)
		b := ParseBreakpoints(r)
		if len(b) != 1 || strings.Join(b[0].Script, "|") != "silent|bt" {
			t.Errorf("%s: %+v", line, b)
		}
	}
}

func TestParseRoundTrip(t *testing.T) {
	lines := []string{
		`5^done,a="x\ny\"z\\",b={c=["1","2"],d=[e={}],f="\033\001\377"},{g="h"}`,
		`~"text \303\251"`,
		`*stopped,reason="breakpoint-hit",frame={addr="0x1",args=[{name="a",value="1"}]}`,
	}
	for _, line := range lines {
		r := mustParse(t, line)
		r2 := mustParse(t, r.String())
		if r.String() != r2.String() {
			t.Errorf("round trip of %s:\n%s\n%s", line, r.String(), r2.String())
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		line string
		col  int
	}{
		{"", 1},
		{"123", 4},
		{"^", 2},
		{"^done,", 7},
		{"^done,a", 8},
		{"^done,a=", 9},
		{"^done,a=\"x", 11},
		{"^done,a={b=\"1\"", 15},
		{"^done,a=[\"1\" ", 13},
		{"^done x", 6},
		{"~\"x\" y", 5},
		{"5~\"x\"", 2},
		{"!oops", 1},
		{"^done,a=\"\\x\"", 12},
		{"^done,=\"1\"", 7},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.line))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want *SyntaxError", tt.line, err)
			continue
		}
		if se.Col != tt.col {
			t.Errorf("Parse(%q): column %d, want %d (%v)", tt.line, se.Col, tt.col, err)
		}
		if !strings.Contains(err.Error(), "column") {
			t.Errorf("error %q does not name the column", err)
		}
	}
}

func TestParseDeepNesting(t *testing.T) {
	line := "^done,a=" + strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	if _, err := Parse([]byte(line)); err == nil {
		t.Fatal("100000 levels of nesting parsed without error")
	}
	ok := "^done,a=" + strings.Repeat("[", 100) + strings.Repeat("]", 100)
	mustParse(t, ok)
}

func TestParseHugeLine(t *testing.T) {
	// 8 MB: a list of 100k tuples plus one 2 MB string.
	var b bytes.Buffer
	b.WriteString(`^done,symbols={debug=[`)
	for i := 0; b.Len() < 6<<20; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{filename="/tmp/a b/\303\251.c",fullname="/tmp/x.c",symbols=[{line="12",name="fn_0001",type="int (int)",description="int fn_0001(int);"}]}`)
	}
	b.WriteString(`]},big="`)
	b.WriteString(strings.Repeat("x\\n", (8<<20-b.Len())/3))
	b.WriteString(`"`)
	if b.Len() < 8<<20-16 {
		t.Fatalf("line only %d bytes", b.Len())
	}
	r, err := Parse(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	dbg := r.Get("symbols").Get("debug")
	if len(dbg.Items) < 10000 {
		t.Errorf("%d files", len(dbg.Items))
	}
	if fn := dbg.Items[0].Value.Get("filename").String(); fn != "/tmp/a b/é.c" {
		t.Errorf("filename %q", fn)
	}
	if n := len(r.Get("big").Bytes); n < 1<<20 {
		t.Errorf("big string %d bytes", n)
	}
}

func TestParseDoesNotAliasInput(t *testing.T) {
	line := []byte(`^done,a="abc",b="x\ny"`)
	orig := string(line)
	r, err := Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	if string(line) != orig {
		t.Fatalf("Parse modified its input: %q", line)
	}
	for i := range line {
		line[i] = 'Z'
	}
	if r.Get("a").String() != "abc" || r.Get("b").String() != "x\ny" || r.Results[0].Name != "a" {
		t.Fatalf("record aliases the input: %+v", r)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"main", "main"},
		{"--thread", "--thread"},
		{"", `""`},
		{"a b", `"a b"`},
		{`say "hi"`, `"say \"hi\""`},
		{`C:\x`, `"C:\\x"`},
		{"l1\nl2", `"l1\nl2"`},
		{"é", "\"é\""},
		{"\x01", `"\001"`},
	}
	for _, tt := range tests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
		// What we quote, our parser decodes back.
		r := mustParse(t, "^done,a="+cQuote(tt.in))
		if r.Get("a").String() != tt.in {
			t.Errorf("cQuote(%q) does not round-trip: %q", tt.in, r.Get("a").String())
		}
	}
}

func TestExitCodeOctal(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "03": 3, "012": 10, "0377": 255, "01": 1} {
		if got, ok := ParseExitCode(in); !ok || got != want {
			t.Errorf("ParseExitCode(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "09", "x"} {
		if _, ok := ParseExitCode(bad); ok {
			t.Errorf("ParseExitCode(%q) accepted", bad)
		}
	}
	s, _ := ParseStop(mustParse(t, `*stopped,reason="exited",exit-code="012"`))
	if s.ExitCode != 10 || !s.Exited() {
		t.Errorf("exited 012: %+v", s)
	}
	s, _ = ParseStop(mustParse(t, `*stopped,reason="exited-normally"`))
	if s.ExitCode != 0 {
		t.Errorf("exited-normally: %+v", s)
	}
}

func TestTextAssembler(t *testing.T) {
	var a TextAssembler
	var got []string
	for _, l := range []string{`~"\nProgram"`, `~" received signal SIGSEGV"`, `&"log\n"`, `~", Segmentation fault.\nnext"`} {
		for _, line := range a.Add(mustParse(t, l)) {
			got = append(got, string(line))
		}
	}
	want := []string{"", "log", "Program received signal SIGSEGV, Segmentation fault."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q", got, want)
	}
	if f := a.Flush(ConsoleStream); string(f) != "next" {
		t.Errorf("flush %q", f)
	}
}

func TestParseEscapeHeavyLinear(t *testing.T) {
	// Megabytes of escapes, escaped quotes included, must not make the sizing pass quadratic.
	for _, unit := range []string{`\n`, `\"`, `\\`, `\303\251`} {
		line := []byte(`^done,a="` + strings.Repeat(unit, (4<<20)/len(unit)) + `",b=["x"]`)
		r, err := Parse(line)
		if err != nil {
			t.Fatalf("%s: %v", unit, err)
		}
		if r.Get("b").Items[0].Value.String() != "x" {
			t.Fatalf("%s: lost the list after the string", unit)
		}
	}
}

// TestStopReasons covers every documented reason, including the ones the recorded transcripts
// lack (access watchpoints, vfork, no-history), in the forms of gdb's manual.
func TestStopReasons(t *testing.T) {
	frame := `frame={addr="0x0000555555555153",func="f",args=[],file="a.c",fullname="/a.c",line="4",arch="i386:x86-64"},thread-id="1",stopped-threads="all",core="1"`
	tests := []struct {
		line  string
		check func(s StopEvent) bool
	}{
		{`*stopped,reason="breakpoint-hit",disp="keep",bkptno="2",locno="1",` + frame, func(s StopEvent) bool {
			return s.BkptNo == "2" && s.LocNo == "1" && s.Frame.Line == 4 && s.ThreadID == 1 && s.AllStopped && s.Core == 1
		}},
		{`*stopped,reason="watchpoint-trigger",wpt={number="2",exp="x"},value={old="1",new="2"},` + frame, func(s StopEvent) bool {
			return s.WatchNo == "2" && s.WatchExp == "x" && s.OldValue == "1" && s.NewValue == "2"
		}},
		{`*stopped,reason="read-watchpoint-trigger",hw-rwpt={number="3",exp="x"},value={value="7"},` + frame, func(s StopEvent) bool { return s.WatchNo == "3" && s.NewValue == "7" }},
		{`*stopped,reason="access-watchpoint-trigger",hw-awpt={number="4",exp="x"},value={old="7",new="8"},` + frame, func(s StopEvent) bool { return s.WatchNo == "4" && s.OldValue == "7" && s.NewValue == "8" }},
		{`*stopped,reason="function-finished",` + frame + `,gdb-result-var="$1",return-value="42"`, func(s StopEvent) bool { return s.ReturnValue == "42" && s.GDBResultVar == "$1" }},
		{`*stopped,reason="location-reached",` + frame, func(s StopEvent) bool { return s.Frame != nil }},
		{`*stopped,reason="watchpoint-scope",wpnum="5",` + frame, func(s StopEvent) bool { return s.WatchNo == "5" }},
		{`*stopped,reason="end-stepping-range",` + frame, func(s StopEvent) bool { return s.Frame.Func == "f" }},
		{`*stopped,reason="exited-signalled",signal-name="SIGSYS",signal-meaning="Bad system call"`, func(s StopEvent) bool { return s.Exited() && s.SignalName == "SIGSYS" && s.ExitCode == -1 }},
		{`*stopped,reason="exited",exit-code="0377"`, func(s StopEvent) bool { return s.Exited() && s.ExitCode == 255 }},
		{`*stopped,reason="exited",exit-code="012"`, func(s StopEvent) bool { return s.ExitCode == 10 }},
		{`*stopped,reason="exited-normally"`, func(s StopEvent) bool { return s.Exited() && s.ExitCode == 0 }},
		{`*stopped,reason="signal-received",signal-name="SIGSEGV",signal-meaning="Segmentation fault",` + frame, func(s StopEvent) bool { return s.SignalMeaning == "Segmentation fault" && !s.Exited() }},
		{`*stopped,reason="solib-event",` + frame, func(s StopEvent) bool { return s.Frame != nil }},
		{`*stopped,reason="fork",newpid="1234",` + frame, func(s StopEvent) bool { return s.NewPID == 1234 }},
		{`*stopped,reason="vfork",newpid="1235",` + frame, func(s StopEvent) bool { return s.NewPID == 1235 }},
		{`*stopped,reason="syscall-entry",syscall-number="110",syscall-name="getppid",` + frame, func(s StopEvent) bool { return s.SyscallNumber == 110 && s.SyscallName == "getppid" }},
		{`*stopped,reason="syscall-return",syscall-number="110",syscall-name="getppid",` + frame, func(s StopEvent) bool { return s.SyscallNumber == 110 }},
		{`*stopped,reason="exec",new-exec="/bin/true",` + frame, func(s StopEvent) bool { return s.NewExec == "/bin/true" }},
		{`*stopped,reason="no-history",` + frame, func(s StopEvent) bool { return s.Frame != nil }},
		{`*stopped,` + strings.Replace(frame, `stopped-threads="all"`, `stopped-threads=["1","3"]`, 1), func(s StopEvent) bool {
			return s.Reason == "" && !s.AllStopped && len(s.StoppedThreads) == 2 && s.StoppedThreads[1] == 3
		}},
	}
	for _, tt := range tests {
		r := mustParse(t, tt.line)
		s, ok := ParseStop(r)
		if !ok || !tt.check(s) {
			t.Errorf("%s:\n%+v", tt.line, s)
		}
		if !strings.Contains(tt.line, `reason="`+s.Reason+`"`) && s.Reason != "" {
			t.Errorf("reason %q", s.Reason)
		}
	}
	if _, ok := ParseStop(mustParse(t, `*running,thread-id="all"`)); ok {
		t.Error("*running parsed as a stop")
	}
}

func TestTokenInt64(t *testing.T) {
	tests := []struct {
		tok  Token
		want int64
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"1", 1, true},
		{"42", 42, true},
		{"000", 0, false}, // not the form Conn sends: never matched to a command
		{"0001", 0, false},
		{"999999999999999999", 999999999999999999, true},
		{"1234567890123456789", 0, false}, // 19 digits: beyond any token Conn sends
	}
	for _, tt := range tests {
		v, ok := tt.tok.Int64()
		if v != tt.want || ok != tt.ok {
			t.Errorf("Token(%q).Int64() = %d, %v; want %d, %v", tt.tok, v, ok, tt.want, tt.ok)
		}
	}
}

// TestParseOctalOverflow: an octal escape over \377 is malformed (gdb never writes one) and is
// reported at the escape, never wrapped into another byte (\400 would have become NUL).
func TestParseOctalOverflow(t *testing.T) {
	for _, line := range []string{`~"\400"`, `~"ok \777"`, `^done,value="\500x"`} {
		_, err := Parse([]byte(line))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Msg, "does not fit a byte") {
			t.Errorf("Parse(%s) = %v, want a syntax error about the escape", line, err)
		}
	}
	if r := mustParse(t, `~"\377\3771"`); string(r.Stream) != "\xff\xff1" {
		t.Errorf(`\377\3771 = %q`, r.Stream)
	}
}
