package launcher

import (
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
	"github.com/sandbug/sandbug/wrapper"
)

const srcSanList = `#include <stdlib.h>
#include <stdio.h>
struct node { int value; struct node *next; };
static int pop(struct node **head) {
	struct node *n = *head;
	int v = n->value;
	*head = n->next;
	free(n);
	return v;
}
int main(int argc, char **argv) {
	int *a = malloc(4 * sizeof(int));
	struct node *head = malloc(sizeof *head);
	head->value = 7; head->next = NULL;
	struct node *keep = head;
	pop(&head);
	if (argc > 1) {
		for (int i = 0; i <= 4; i++)
			a[i] = i;
	} else {
		printf("%d\n", keep->value);
	}
	free(a);
	return 0;
}
`

const srcSanInt = `#include <limits.h>
#include <stdio.h>
int main(int argc, char **argv) {
	int big = INT_MAX - 1;
	(void)argv;
	big = big + argc + 1;
	printf("%d\n", big);
	return 0;
}
`

const srcSanHog = `#include <stdlib.h>
#include <stdio.h>
#include <string.h>
int main(void) {
	for (int i = 0; i < 4096; i++) {
		char *p = malloc(1 << 20);
		if (p == NULL) {
			printf("malloc failed after %d MiB\n", i);
			return 3;
		}
		memset(p, 1, 1 << 20);
	}
	printf("never failed\n");
	return 0;
}
`

// sanSource writes src as NAME.c in a world-readable folder and returns its path.
func sanSource(t *testing.T, name, src string) string {
	t.Helper()
	return program(t, name, src) + ".c"
}

// TestRunSanitize runs sources built with --sanitize in the sandbox (RLIMIT_AS lifted for
// ASan) and checks that the sanitizer's report becomes the exit's crash reading: the kind, the
// faulting line and, for a use after free, the line of the free().
func TestRunSanitize(t *testing.T) {
	testbin.NeedTool(t, "gcc")
	list := sanSource(t, "list", srcSanList)
	for _, tc := range []struct {
		name    string
		src     string
		mode    Sanitize
		args    []string
		crash   CrashKind
		where   string
		explain string
	}{
		{"use-after-free", list, SanitizeAddress, nil, CrashUseAfterFree, "list.c:21 in main()", "The block was freed at list.c:8 in pop()"},
		{"heap-overflow", list, SanitizeBoth, []string{"x"}, CrashHeapOverflow, "list.c:19 in main()", "allocated at list.c:12 in main()"},
		{"int-overflow", sanSource(t, "intover", srcSanInt), SanitizeUndefined, nil, CrashIntOverflow, "intover.c:6 in main()", "cannot be represented in type 'int'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := baseConfig(t, tc.src, tc.args...)
			cfg.Sanitize = tc.mode
			cfg.Limits = DefaultLimitsOf(t)
			st := *runToEnd(t, cfg).exit
			if st.Kind != KindSignaled || st.Signal != "SIGABRT" {
				t.Fatalf("exit %+v, want SIGABRT after the report", st)
			}
			if st.Crash != string(tc.crash) || st.Where != tc.where || !strings.Contains(st.Explanation, tc.explain) {
				t.Errorf("crash %q at %q: %q; want %q at %q holding %q", st.Crash, st.Where, st.Explanation, tc.crash, tc.where, tc.explain)
			}
			if st.Sanitizer == nil || !strings.Contains(st.Summary(), "Sanitizer found") {
				t.Errorf("summary %q, sanitizer %+v", st.Summary(), st.Sanitizer)
			}
		})
	}
}

// DefaultLimitsOf returns the default profile's limits (mem=1G: RLIMIT_AS ASan cannot start under).
func DefaultLimitsOf(t *testing.T) wrapper.Limits {
	l, _ := DefaultLimits(DefaultProfile)
	return l
}

// TestRunSanitizeMemLimit: under ASan the memory limit still holds, enforced by ASan's
// soft_rss_limit_mb: malloc returns NULL past it, as it does under RLIMIT_AS.
func TestRunSanitizeMemLimit(t *testing.T) {
	cfg := baseConfig(t, sanSource(t, "sanhog", srcSanHog))
	cfg.Sanitize = SanitizeAddress
	cfg.Limits = DefaultLimitsOf(t)
	cfg.Limits.Mem = 64 << 20
	c := runToEnd(t, cfg)
	st := *c.exit
	if st.Kind != KindExited || st.Code != 3 {
		t.Fatalf("exit %+v, want status 3 (malloc returned NULL); output %q", st, c.output.String())
	}
}

// TestDebugSanitizeStopsAtReport: in the debugger the program stops at the sanitizer's report
// (abort_on_error), on the faulting line, with the report's crash reading.
func TestDebugSanitizeStopsAtReport(t *testing.T) {
	cfg := baseConfig(t, sanSource(t, "list", srcSanList))
	cfg.Sanitize = SanitizeAddress
	cfg.Limits = DefaultLimitsOf(t)
	r := startDebug(t, cfg)
	if st := r.stopped(); st == nil || !st.Entry {
		t.Fatalf("first stop %+v; events %s", st, r.c.describe())
	}
	if err := r.s.Continue(); err != nil {
		t.Fatal(err)
	}
	st := r.stopped()
	if st == nil || st.Crash == nil {
		t.Fatalf("stop %+v, want a crash stop; events %s", st, r.c.describe())
	}
	if st.Crash.Kind != CrashUseAfterFree || st.Source.Line != 21 || !strings.HasSuffix(st.Source.File, "list.c") {
		t.Errorf("crash %q at %s, want heap-use-after-free at list.c:21", st.Crash.Kind, st.Source.Where())
	}
	if e := st.Crash.Explanation(); !strings.Contains(e, "freed at list.c:8 in pop()") {
		t.Errorf("explanation %q lacks the free", e)
	}
}
