/* denied N [NR [ARG0 [time|storm]]]: makes syscall NR (default personality) with ARG0 (default 1)
 * N times and prints how the calls ended: eperm=K other=M last_errno=E. With "time" it also
 * times every call and prints the percentiles: p50_ns=.. p90_ns=.. p99_ns=..; with "storm" a
 * 20 us interval timer interrupts it with a handled SIGALRM (SA_RESTART) and it prints ticks=T. */
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static volatile sig_atomic_t ticks;

static void on_alarm(int sig) { (void)sig; ticks++; }

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
	int storm = argc > 4 && !strcmp(argv[4], "storm");
	if (storm) {
		struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		struct itimerval it = {{0, 20}, {0, 20}};
		setitimer(ITIMER_REAL, &it, NULL);
	}
	long *lat = argc > 4 && !strcmp(argv[4], "time") && n > 0 ? malloc(n * sizeof(long)) : NULL;
	for (long i = 0; i < n; i++) {
		long t0 = lat ? now_ns() : 0;
		long r = syscall(nr, a0, 2, 3, 4, 5, 6);
		if (lat) lat[i] = now_ns() - t0;
		if (r == -1 && errno == EPERM) eperm++;
		else { other++; last = r == -1 ? errno : 0; }
	}
	if (storm) {
		struct itimerval off = {{0, 0}, {0, 0}};
		setitimer(ITIMER_REAL, &off, NULL);
	}
	printf("eperm=%ld other=%ld last_errno=%d\n", eperm, other, last);
	if (storm) printf("ticks=%d\n", (int)ticks);
	if (lat) {
		qsort(lat, n, sizeof(long), cmp);
		printf("p50_ns=%ld p90_ns=%ld p99_ns=%ld\n", lat[n / 2], lat[n * 9 / 10], lat[n * 99 / 100]);
	}
	return 0;
}
