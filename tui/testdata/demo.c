#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>

struct point { int x, y; };

static int square(int n) {
	int r = n * n;
	return r;
}

int main(void) {
	struct point p = { 1, 2 };
	int total = 0;
	for (int i = 0; i < 3; i++) {
		total += square(i);
	}
	printf("total = %d\n", total);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) {
		printf("ptrace: %s (errno %d)\n", strerror(errno), errno);
	}
	return 3;
}
