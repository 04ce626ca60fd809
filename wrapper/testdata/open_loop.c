/* open_loop N: opens and closes a file in the working folder N times (created first) and
 * prints the loop's own time, so the program's start-up is not in the figure. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int fd = open("open-loop.txt", O_WRONLY | O_CREAT, 0666);
	if (fd < 0) { perror("open-loop: create"); return 2; }
	close(fd);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		fd = open("open-loop.txt", O_RDONLY);
		if (fd < 0) { perror("open-loop: open"); return 2; }
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
	printf("opens=%ld per_open_ns=%.1f\n", n, ns / n);
	return 0;
}
