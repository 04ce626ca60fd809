package launcher

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseSanitizerReport reads real reports of gcc 12's ASan and UBSan (testdata/sanitizer,
// made from k.c there): the kind, the program's own faulting frame and, for ASan's heap errors,
// where the block was allocated and freed.
func TestParseSanitizerReport(t *testing.T) {
	for _, tc := range []struct {
		file         string
		kind         CrashKind
		where        string
		alloc, freed string
		explain      string
	}{
		{"heap-overflow", CrashHeapOverflow, "k.c:14 in main()", "k.c:9 in main()", "", "a write of 4 bytes"},
		{"use-after-free", CrashUseAfterFree, "k.c:15 in main()", "k.c:9 in main()", "k.c:5 in pop()", "The block was freed at k.c:5 in pop()"},
		{"stack-overflow", CrashStackArray, "k.c:16 in main()", "", "", "'a' (line 8)"},
		{"global-overflow", CrashGlobalOverflow, "k.c:17 in main()", "", "", "global variable 'g'"},
		{"double-free", CrashDoubleFree, "k.c:18 in main()", "k.c:9 in main()", "k.c:5 in pop()", "freed at k.c:5 in pop()"},
		{"asan-null", CrashNull, "k.c:21 in main()", "", "", "NULL pointer"},
		{"int-overflow", CrashIntOverflow, "k.c:19 in main()", "", "", "2147483647 + 2 cannot be represented in type 'int'"},
		{"divide", CrashDivide, "k.c:20 in main()", "", "", "division by zero"},
		{"ubsan-null", CrashNull, "k.c:21 in main()", "", "", "store to null pointer"},
		{"index", CrashIndex, "k.c:22 in main()", "", "", "index 5 out of bounds for type 'int [4]'"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "sanitizer", tc.file+".log"))
			if err != nil {
				t.Fatal(err)
			}
			r, ok := ParseSanitizerReport(string(b))
			if !ok {
				t.Fatal("no report found")
			}
			if r.Kind != tc.kind {
				t.Errorf("kind %q, want %q", r.Kind, tc.kind)
			}
			if got := r.Where.Where(); got != tc.where {
				t.Errorf("where %q, want %q", got, tc.where)
			}
			if got := r.Alloc.Where(); got != tc.alloc {
				t.Errorf("allocated at %q, want %q", got, tc.alloc)
			}
			if got := r.Freed.Where(); got != tc.freed {
				t.Errorf("freed at %q, want %q", got, tc.freed)
			}
			c := r.Crash(nil)
			if e := c.Explanation(); !strings.Contains(e, tc.explain) || !strings.Contains(e, "Next:") {
				t.Errorf("explanation %q, want it to hold %q and a next step", e, tc.explain)
			}
			if c.Headline() == "" {
				t.Error("no headline")
			}
		})
	}
	if _, ok := ParseSanitizerReport("hello\nworld\n"); ok {
		t.Error("found a report in plain output")
	}
}

func TestSanitizeFlagsAndEnv(t *testing.T) {
	for _, tc := range []struct {
		in    string
		flags string
		asan  bool
		ubsan bool
	}{
		{"address", "-fsanitize=address -fno-omit-frame-pointer", true, false},
		{"undefined", "-fsanitize=undefined -fno-omit-frame-pointer", false, true},
		{"both", "-fsanitize=address,undefined -fno-omit-frame-pointer", true, true},
		{"", "", false, false},
	} {
		z, err := ParseSanitize(tc.in)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if got := strings.Join(z.CFlags(), " "); got != tc.flags {
			t.Errorf("%q: flags %q, want %q", tc.in, got, tc.flags)
		}
		env := strings.Join(sanitizerEnv(z, "/t/sanitizer", 256), "\n")
		if strings.Contains(env, "ASAN_OPTIONS=") != tc.asan || strings.Contains(env, "UBSAN_OPTIONS=") != tc.ubsan {
			t.Errorf("%q: env %q", tc.in, env)
		}
		if tc.asan && (!strings.Contains(env, "detect_leaks=0") || !strings.Contains(env, "soft_rss_limit_mb=256") ||
			!strings.Contains(env, "log_path=/t/sanitizer")) {
			t.Errorf("%q: ASAN_OPTIONS %q lack leaks off, the rss limit or the log", tc.in, env)
		}
	}
	if _, err := ParseSanitize("thread"); err == nil {
		t.Error("thread accepted")
	}
	if n := strings.Join(SanitizerNotes(SanitizeAddress, 1<<30), " "); !strings.Contains(n, "leaks are not checked") || !strings.Contains(n, "1024M") {
		t.Errorf("notes %q", n)
	}
}
