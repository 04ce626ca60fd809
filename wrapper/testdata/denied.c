/* denied N [NR [ARG0]]: makes syscall NR (default personality) with ARG0 (default 1) N times and
 * prints how the calls ended: eperm=K other=M last_errno=E. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 1;
	long nr = argc > 2 ? atol(argv[2]) : SYS_personality;
	long a0 = argc > 3 ? strtol(argv[3], 0, 0) : 1;
	long eperm = 0, other = 0;
	int last = 0;
	for (long i = 0; i < n; i++) {
		long r = syscall(nr, a0, 2, 3, 4, 5, 6);
		if (r == -1 && errno == EPERM) eperm++;
		else { other++; last = r == -1 ? errno : 0; }
	}
	printf("eperm=%ld other=%ld last_errno=%d\n", eperm, other, last);
	return 0;
}
