package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

const srcUseAfterFree = `#include <stdlib.h>
#include <stdio.h>
struct node { int value; struct node *next; };
static int pop(struct node **head) {
	struct node *n = *head;
	int v = n->value;
	*head = n->next;
	free(n);
	return v;
}
int main(void) {
	struct node *head = malloc(sizeof *head);
	head->value = 7; head->next = NULL;
	struct node *keep = head;
	pop(&head);
	printf("%d\n", keep->value);
	return 0;
}
`

// TestRunSanitizeJSON: `sandbug run --sanitize=address --json` names the bug ASan found, where,
// and where the block was freed (exit.crash, exit.sanitizer), and says what the sanitizer
// changes about the sandbox (sanitize.notes: leaks, the memory limit); the card says it too.
func TestRunSanitizeJSON(t *testing.T) {
	testbin.NeedTool(t, "gcc")
	src := filepath.Join(testbin.WorldDir(t), "list.c")
	if err := os.WriteFile(src, []byte(srcUseAfterFree), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := sandbug(t, "", "run", "--json", "--sanitize=address", src)
	if code != 134 {
		t.Fatalf("status %d, want 134 (SIGABRT after the report); stderr %q", code, errOut)
	}
	var rep struct {
		Exit struct {
			Crash, Where, Explanation string
			Sanitizer                 map[string]string
		}
		Sanitize struct {
			Mode  string
			Notes []string
		}
		Compile struct{ Command string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	if rep.Exit.Crash != "heap-use-after-free" || rep.Exit.Where != "list.c:16 in main()" {
		t.Errorf("exit crash %q at %q", rep.Exit.Crash, rep.Exit.Where)
	}
	if s := rep.Exit.Sanitizer; s["tool"] != "AddressSanitizer" || s["freed_at"] != "list.c:8 in pop()" ||
		s["allocated_at"] != "list.c:12 in main()" || s["access"] != "READ of size 4" {
		t.Errorf("exit.sanitizer %v", s)
	}
	if !strings.Contains(rep.Exit.Explanation, "The block was freed at list.c:8 in pop()") {
		t.Errorf("explanation %q", rep.Exit.Explanation)
	}
	notes := strings.Join(rep.Sanitize.Notes, "\n")
	if rep.Sanitize.Mode != "address" || !strings.Contains(notes, "leaks are not checked") ||
		!strings.Contains(notes, "memory limit 1024M is enforced by AddressSanitizer") {
		t.Errorf("sanitize %+v", rep.Sanitize)
	}
	if !strings.Contains(rep.Compile.Command, "-fsanitize=address -fno-omit-frame-pointer") {
		t.Errorf("compile command %q", rep.Compile.Command)
	}

	_, errOut, _ = sandbug(t, "", "run", "--sanitize=address", src)
	if !strings.Contains(errOut, "use after free") || !strings.Contains(errOut, "--sanitize=address: leaks are not checked") {
		t.Errorf("exit card: %q", errOut)
	}
}

func TestSanitizeRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--sanitize=thread", "x.c"}, "unknown sanitizer"},
		{[]string{"run", "--sanitize=address", "/bin/true"}, "needs a C or C++ source"},
	} {
		_, errOut, code := sandbug(t, "", tc.args...)
		if code != 125 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: status %d, stderr %q; want 125 and %q", tc.args, code, errOut, tc.want)
		}
	}
}
