package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sandbug/sandbug/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m) }

// The issue asks for at least these demos; the names are what `sandbug demo NAME` takes.
var required = []string{"hello", "segfault", "recursion", "linkedlist", "ptrace", "forkbomb",
	"infloop", "memhog", "network", "secretfile", "forkexec", "threads", "signals", "keyboard"}

func TestEveryLessonParses(t *testing.T) {
	l, err := load()
	if err != nil {
		t.Fatal(err)
	}
	if len(l) < len(required) {
		t.Fatalf("%d examples, want at least %d", len(l), len(required))
	}
	seen := map[string]bool{}
	for _, e := range l {
		if seen[e.Name] {
			t.Errorf("duplicate example name %q", e.Name)
		}
		seen[e.Name] = true
		if e.Title == "" || e.Summary == "" || e.Profile == "" || e.Lesson == "" || e.Source == "" {
			t.Errorf("%s: a field is empty: %+v", e.Name, e)
		}
		if e.SourceFile != e.Name+".c" {
			t.Errorf("%s: SourceFile = %q", e.Name, e.SourceFile)
		}
		if len(e.Summary) > 100 {
			t.Errorf("%s: summary is %d characters, too long for one listing line", e.Name, len(e.Summary))
		}
		if len(e.Expect.Output) == 0 {
			t.Errorf("%s: expect.output is empty: every demo should promise some output", e.Name)
		}
		switch e.Profile {
		case "default", "strict", "permissive":
		default:
			t.Errorf("%s: unknown profile %q", e.Name, e.Profile)
		}
		if !strings.HasPrefix(e.Lesson, "# ") {
			t.Errorf("%s: lesson body should start with a '# ' heading", e.Name)
		}
	}
	for _, n := range required {
		if !seen[n] {
			t.Errorf("required example %q is missing", n)
		}
	}
	if !sort.SliceIsSorted(l, func(i, j int) bool { return l[i].Name < l[j].Name }) {
		t.Error("List is not sorted by name")
	}
}

// TestEveryEmbeddedDirIsAnExample catches a directory whose lesson or source went missing.
func TestEveryEmbeddedDirIsAnExample(t *testing.T) {
	ents, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, n := range Names() {
		names[n] = true
	}
	for _, d := range ents {
		if d.IsDir() && !names[d.Name()] {
			t.Errorf("directory %s is not a valid example (needs %s.c and lesson.md)", d.Name(), d.Name())
		}
	}
}

func TestEveryProgramCompilesCleanly(t *testing.T) {
	testbin.NeedTool(t, "gcc")
	for _, e := range List() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			src, err := e.WriteTo(dir)
			if err != nil {
				t.Fatal(err)
			}
			// The flags sandbug itself uses, plus -Werror and -Wextra: a demo must be clean.
			out, err := exec.Command("gcc", "-g", "-O0", "-Wall", "-Wextra", "-Werror",
				"-o", filepath.Join(dir, e.Name), src).CombinedOutput()
			if err != nil {
				t.Fatalf("gcc: %v\n%s", err, out)
			}
		})
	}
}

func TestGet(t *testing.T) {
	e, err := Get("ptrace")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "ptrace" || !strings.Contains(e.Source, "PTRACE_TRACEME") {
		t.Errorf("Get(ptrace) = %+v", e)
	}
	// The copy is the caller's: changing it must not change the package's list.
	e.Expect.Blocked[0] = "changed"
	if again, _ := Get("ptrace"); again.Expect.Blocked[0] != "ptrace" {
		t.Error("Get returned shared slices")
	}
	_, err = Get("no-such-demo")
	if err == nil {
		t.Fatal("Get(no-such-demo) succeeded")
	}
	for _, n := range required {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list %q", err, n)
		}
	}
}

func TestWriteTo(t *testing.T) {
	e, err := Get("hello")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "new", "dir")
	p, err := e.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join(dir, "hello.c") {
		t.Errorf("WriteTo returned %q", p)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != e.Source {
		t.Errorf("written source differs (err %v)", err)
	}
	if _, err := (Example{Name: "x", SourceFile: "../x.c"}).WriteTo(dir); err == nil {
		t.Error("WriteTo accepted a source name with a slash")
	}
}

func TestParseRejects(t *testing.T) {
	const good = "---\ntitle: T\nsummary: S\nprofile: default\nexpect:\n  kind: exited\n  code: 0\n  output: [x]\n---\n# Body\n"
	if _, err := Parse("ok", []byte(good), []byte("int main(void){return 0;}")); err != nil {
		t.Fatalf("the good lesson fails: %v", err)
	}
	bad := map[string]string{
		"no front matter":   "# Body\n",
		"unclosed":          "---\ntitle: T\n",
		"unknown key":       strings.Replace(good, "title: T", "title: T\ntitel: U", 1),
		"no title":          strings.Replace(good, "title: T\n", "", 1),
		"no summary":        strings.Replace(good, "summary: S\n", "", 1),
		"no profile":        strings.Replace(good, "profile: default\n", "", 1),
		"no kind":           strings.Replace(good, "  kind: exited\n", "", 1),
		"bad kind":          strings.Replace(good, "kind: exited", "kind: crashed", 1),
		"exited no code":    strings.Replace(good, "  code: 0\n", "", 1),
		"code out of range": strings.Replace(good, "code: 0", "code: 300", 1),
		"signaled no sig":   strings.Replace(good, "kind: exited\n  code: 0", "kind: signaled", 1),
		"limit unknown":     strings.Replace(good, "kind: exited\n  code: 0", "kind: limit\n  limit: disk", 1),
		"unknown need":      strings.Replace(good, "profile: default", "profile: default\nneeds: [arm]", 1),
		"code with signal":  strings.Replace(good, "kind: exited", "kind: signaled\n  signal: SIGSEGV", 1),
		"empty body":        strings.Replace(good, "# Body\n", "\n", 1),
		"bad yaml":          strings.Replace(good, "title: T", "title: [T", 1),
		"unknown sanitizer": strings.Replace(good, "profile: default", "profile: default\nsanitize: thread", 1),
	}
	for name, lesson := range bad {
		if _, err := Parse("x", []byte(lesson), []byte("int main;")); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
	if _, err := Parse("x", []byte(good), nil); err == nil {
		t.Error("Parse accepted an empty source")
	}
	if e, err := Parse("x", []byte(strings.Replace(good, "profile: default", "profile: default\nsanitize: both", 1)), []byte("int main;")); err != nil || e.Sanitize != "both" {
		t.Errorf("sanitize: both: %v, %q", err, e.Sanitize)
	}
	if _, err := Parse("../x", []byte(good), []byte("int main;")); err == nil {
		t.Error("Parse accepted a name with a slash")
	}
}

func FuzzParse(f *testing.F) {
	for _, e := range List() {
		b, _ := files.ReadFile(e.Name + "/lesson.md")
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, lesson []byte) {
		_, _ = Parse("fuzz", lesson, []byte("int main;")) // must not panic
	})
}

// TestLessonsNameRealFunctions keeps the lessons' breakpoint advice true: every function a
// lesson tells the student to break on is defined in the demo's source, and every source line
// a lesson quotes in backticks with a trailing "line" exists there.
func TestLessonsNameRealFunctions(t *testing.T) {
	breakRe := regexp.MustCompile("break ([A-Za-z_][A-Za-z0-9_]*)|breakpoint (?:on|in) `([A-Za-z_][A-Za-z0-9_]*)`")
	for _, e := range List() {
		for _, m := range breakRe.FindAllStringSubmatch(e.Lesson, -1) {
			fn := m[1] + m[2]
			def := regexp.MustCompile(`(?m)^[a-z].*\b` + fn + `\(`)
			if !def.MatchString(e.Source) {
				t.Errorf("%s: the lesson says to break on %s, which %s does not define", e.Name, fn, e.SourceFile)
			}
		}
		if e.Expect.Where != "" && !regexp.MustCompile(`(?m)^[a-z].*\b`+e.Expect.Where+`\(`).MatchString(e.Source) {
			t.Errorf("%s: expect.where %s is not a function of %s", e.Name, e.Expect.Where, e.SourceFile)
		}
	}
}

// TestLessonsQuoteRealLines checks the code a lesson quotes as "the `...` line" is in the source.
func TestLessonsQuoteRealLines(t *testing.T) {
	lineRe := regexp.MustCompile("`([^`]+)` line")
	for _, e := range List() {
		for _, m := range lineRe.FindAllStringSubmatch(e.Lesson, -1) {
			code := strings.TrimSuffix(m[1], "...")
			if !strings.Contains(e.Source, code) {
				t.Errorf("%s: the lesson quotes the line %q, which %s does not contain", e.Name, m[1], e.SourceFile)
			}
		}
	}
}

func TestUnwrap(t *testing.T) {
	in := "# Title\n\nA paragraph\nthat goes on\n  and on.\n\n1. First step\n   continues here.\n2. Second `code\n   span`.\n- bullet\n  more\n\n```\nint x;\n  int y;\n```\n| a | b |\n| c | d |\n"
	want := "# Title\n\nA paragraph that goes on and on.\n\n1. First step continues here.\n2. Second `code span`.\n- bullet more\n\n```\nint x;\n  int y;\n```\n| a | b |\n| c | d |\n"
	if got := Unwrap(in); got != want {
		t.Errorf("Unwrap:\n%s\nwant:\n%s", got, want)
	}
	// Every lesson: no paragraph is split over lines, and no text is lost.
	for _, e := range List() {
		raw, _ := files.ReadFile(e.Name + "/lesson.md")
		words := func(s string) string { return strings.Join(strings.Fields(s), " ") }
		if !strings.Contains(words(string(raw)), words(e.Lesson)) {
			t.Errorf("%s: unwrapping changed the lesson's words", e.Name)
		}
	}
}

// TestMissingFeatureNote: a demo on a machine without a feature it needs opens with a note
// saying what happens there instead, and expects that outcome; with nothing missing, neither
// the lesson nor the expectation changes.
func TestMissingFeatureNote(t *testing.T) {
	e, err := Get("int80")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.LessonOn(nil); got != e.Lesson {
		t.Errorf("LessonOn(nil) changed the lesson")
	}
	if x := e.ExpectOn(nil); x.Kind != e.Expect.Kind || x.Signal != e.Expect.Signal {
		t.Errorf("ExpectOn(nil) = %+v, want %+v", x, e.Expect)
	}
	l := e.LessonOn([]string{"ia32"})
	if !strings.HasPrefix(l, "## On this machine") || !strings.Contains(l, "SIGSEGV") || !strings.HasSuffix(l, e.Lesson) {
		t.Errorf("LessonOn(ia32) does not open with the note:\n%.300s", l)
	}
	x := e.ExpectOn([]string{"ia32"})
	if x.Kind != KindSignaled || x.Signal != "SIGSEGV" || len(x.Blocked) != 0 || len(x.Output) != len(e.Expect.Output) {
		t.Errorf("ExpectOn(ia32) = %+v", x)
	}
}

// TestCrashExpectations: a card without a crash kind (the unquoted YAML null) and an unknown
// kind are refused when a lesson is parsed.
func TestCrashExpectations(t *testing.T) {
	head := "---\ntitle: t\nsummary: s\nprofile: default\nexpect:\n  kind: signaled\n  signal: SIGSEGV\n"
	for _, tc := range []struct{ fm, want string }{
		{"  crash: null\n  card: [x]\n", "needs expect.crash"},
		{"  crash: nul\n", "not a crash kind"},
		{"  crash: \"null\"\n  card: [x]\n", ""},
	} {
		_, err := Parse("x", []byte(head+tc.fm+"---\n# body\n"), []byte("int main(void){return 0;}"))
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%q: error %v, want %q", tc.fm, err, tc.want)
		}
	}
}

// TestWallLimit: wall=DURATION in a lesson's limits is the launcher's wall clock, taken out
// of the limits the wrapper enforces; a lesson that expects the wall limit must give one.
func TestWallLimit(t *testing.T) {
	e, err := Get("hang")
	if err != nil {
		t.Fatal(err)
	}
	if e.Wall != 3*time.Second || e.Limits != "cpu=5s" || e.Expect.Limit != "wall" {
		t.Errorf("hang: wall %v, limits %q, expect %+v", e.Wall, e.Limits, e.Expect)
	}
	lesson := func(limits string) []byte {
		return []byte("---\ntitle: t\nsummary: s\nprofile: default\nlimits: " + limits +
			"\nexpect:\n  kind: limit\n  limit: wall\n---\nbody\n")
	}
	for _, bad := range []string{"cpu=1s", "wall=soon", "wall=-1s"} {
		if _, err := Parse("x", lesson(bad), []byte("int main;")); err == nil {
			t.Errorf("limits %q with expect.limit wall: accepted", bad)
		}
	}
	if e, err := Parse("x", lesson("wall=2s"), []byte("int main;")); err != nil || e.Wall != 2*time.Second || e.Limits != "" {
		t.Errorf("wall=2s: %+v, %v", e, err)
	}
}
