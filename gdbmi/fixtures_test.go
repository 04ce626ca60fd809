package gdbmi

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// The C programs the transcripts are recorded from. Markers like /* L_SQUARE */ name lines
// that tests break on (see lineOf).

const progC = `#include <stdio.h>
#include <string.h>
#include <stdlib.h>
struct item { int id; double weight; char label[16]; unsigned char raw[4]; struct item *next; };
union u { int i; float f; };
static const char *greeting = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93";
static const char bad[] = "bad \xff\xfe utf8 \x1b[31mred\x1b[0m \"q\" \\ end";
int counter;
int square(int x) {
	int r = x * x; /* L_SQUARE */
	return r;
}
int sum(const int *a, int n) {
	int s = 0;
	for (int i = 0; i < n; i++) {
		s += square(a[i]); /* L_LOOP */
	}
	return s; /* L_RET */
}
int main(int argc, char **argv) {
	int arr[5] = {1, 2, 3, 4, 5};
	struct item it = { 7, 1.5, "caf\xc3\xa9", {0xde, 0xad, 0xbe, 0xef}, NULL };
	union u un; un.i = 42;
	char local[8] = "\xfe\xff\x01ok";
	int total = sum(arr, 5); /* L_CALL */
	counter = total;
	counter += 1; /* L_AFTER */
	printf("%s %s %d %s %s %d\n", greeting, bad, total, it.label, local, un.i);
	return total == 55 ? 0 : 1;
}
`

const signalsC = `#include <signal.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "segv")) { volatile int *p = 0; *p = 1; }
	if (!strcmp(m, "abort")) abort();
	if (!strcmp(m, "sigsys")) raise(SIGSYS);
	if (!strcmp(m, "exit")) return atoi(argv[2]);
	return 0;
}
`

const forkC = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
	if (argc > 1 && !strcmp(argv[1], "exec")) {
		execl("/bin/true", "true", (char *)0);
		return 99;
	}
	getppid();
	pid_t pid = fork();
	if (pid == 0) {
		_exit(7); /* L_CHILD */
	}
	int st = 0;
	waitpid(pid, &st, 0);
	printf("child %d\n", WEXITSTATUS(st));
	return WEXITSTATUS(st);
}
`

const threadsC = `#include <pthread.h>
#include <stdio.h>
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int total;
void *worker(void *arg) {
	int id = *(int *)arg;
	pthread_mutex_lock(&mu);
	total += id; /* L_WORKER */
	pthread_mutex_unlock(&mu);
	return NULL;
}
int main(void) {
	pthread_t t[3];
	int ids[3] = {1, 2, 3};
	for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, worker, &ids[i]);
	for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
	printf("total %d\n", total);
	return 0;
}
`

// The multi-location fixture: a static function in a header included by two files has one copy
// (one breakpoint location) per file.
const sharedH = `static int helper(int x) {
	return x + 1;
}
`

const multiBC = `#include "shared.h"
int fb(int x) { return helper(x * 2); }
`

const multiAC = `#include "shared.h"
int fb(int x);
int fa(int x) { return helper(x); }
int main(void) { return fa(1) + fb(2) == 7 ? 0 : 1; }
`

// lineOf returns the 1-based line holding marker in src.
func lineOf(t testing.TB, src, marker string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("marker %s not in source", marker)
	return 0
}

// buildMulti compiles the two-file program; the header and the second file live in a temp dir.
func buildMulti(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "shared.h"), []byte(sharedH), 0o644); err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(dir, "multib.c")
	if err := os.WriteFile(b, []byte(multiBC), 0o644); err != nil {
		t.Fatal(err)
	}
	return testbin.CompileC(t, "multi", multiAC, "-I", dir, b)
}

// bigC generates a program with n functions, for a -symbol-info-functions answer over 0.5 MB.
func bigC(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "int generated_function_number_%05d(int x, const char *label) { return x + %d + (label != 0); }\n", i, i)
	}
	sb.WriteString("int main(void) { return generated_function_number_00000(0, 0); }\n")
	return sb.String()
}
