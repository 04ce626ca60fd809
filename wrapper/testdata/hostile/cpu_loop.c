/* Burn CPU until the process has used argv[1] seconds of CPU time (default 5). Under a CPU limit
 * the kernel sends SIGXCPU first; printing means the limit did not hold. */
#include "hostile.h"
#include <time.h>

static double cpu_seconds(void) {
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
	double want = argc > 1 ? atof(argv[1]) : 5;
	volatile unsigned long spin = 0;
	while (cpu_seconds() < want)
		for (int i = 0; i < 100000; i++)
			spin++;
	return result("cpu_loop", 0, "cpu_seconds=%.2f", cpu_seconds());
}
