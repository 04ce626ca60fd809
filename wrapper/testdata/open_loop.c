/* open_loop N [landlock]: opens and closes a file in the working folder N times (created first)
 * and prints the loop's own time, so the program's start-up is not in the figure. With
 * "landlock" it first puts itself in the smallest Landlock domain that lets the loop run (every
 * file right handled, one rule: the working folder), the floor any Landlock jail pays per open. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int landlock_here(void) {
	int abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) { fprintf(stderr, "open-loop: no landlock\n"); return -1; }
	__u64 all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1's rights */
	if (abi >= 2) all |= 1ULL << 13; /* REFER */
	if (abi >= 3) all |= 1ULL << 14; /* TRUNCATE: newer than some headers */
	struct landlock_ruleset_attr ra = {.handled_access_fs = all};
	int rfd = syscall(SYS_landlock_create_ruleset, &ra, sizeof ra, 0);
	struct landlock_path_beneath_attr pb = {.allowed_access = all, .parent_fd = open(".", O_PATH | O_CLOEXEC)};
	if (rfd < 0 || pb.parent_fd < 0 || syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_landlock_restrict_self, rfd, 0)) {
		perror("open-loop: landlock");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 100000;
	if (argc > 2 && strcmp(argv[2], "landlock") == 0 && landlock_here() < 0) return 2;
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
