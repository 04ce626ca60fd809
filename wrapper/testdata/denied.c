/* denied N [NR [ARG0 [time]]]: makes syscall NR (default personality) with ARG0 (default 1) N
 * times and prints how the calls ended: eperm=K other=M last_errno=E. With "time" it also
 * times every call and prints the percentiles: p50_ns=.. p90_ns=.. p99_ns=.. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static long now_ns(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 1;
	long nr = argc > 2 ? atol(argv[2]) : SYS_personality;
	long a0 = argc > 3 ? strtol(argv[3], 0, 0) : 1;
	long eperm = 0, other = 0;
	int last = 0;
	long *lat = argc > 4 && !strcmp(argv[4], "time") && n > 0 ? malloc(n * sizeof(long)) : NULL;
	for (long i = 0; i < n; i++) {
		long t0 = lat ? now_ns() : 0;
		long r = syscall(nr, a0, 2, 3, 4, 5, 6);
		if (lat) lat[i] = now_ns() - t0;
		if (r == -1 && errno == EPERM) eperm++;
		else { other++; last = r == -1 ? errno : 0; }
	}
	printf("eperm=%ld other=%ld last_errno=%d\n", eperm, other, last);
	if (lat) {
		qsort(lat, n, sizeof(long), cmp);
		printf("p50_ns=%ld p90_ns=%ld p99_ns=%ld\n", lat[n / 2], lat[n * 9 / 10], lat[n * 99 / 100]);
	}
	return 0;
}
