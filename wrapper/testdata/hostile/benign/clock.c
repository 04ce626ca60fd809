/* time, gettimeofday, clock_gettime (vDSO: never enters seccomp) and nanosleep. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

int main(void) {
	time_t t = time(NULL);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct timespec a, b, cpu, d = {0, 20 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &a);
	nanosleep(&d, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	int cpuok = clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0;
	double slept = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("clock ok time_sane=%d tod_sane=%d slept_enough=%d cpu=%d\n", t > 1600000000,
	       tv.tv_sec >= t - 1, slept >= 0.019, cpuok);
	return 0;
}
