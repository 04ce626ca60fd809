/* floor-wrapper FILTER PROG [ARGS...]: the C floor of sandbug-wrapper's start-up (issue 17):
 * no_new_privs, the seccomp program in FILTER (raw sock_filter records, from dumpbpf.go)
 * installed as it is, then exec. No Landlock, no limits, no report: the least any seccomp
 * wrapper does. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
	static struct sock_filter prog[4096];
	if (argc < 3) { fprintf(stderr, "usage: floor-wrapper FILTER PROG [ARGS...]\n"); return 2; }
	int fd = open(argv[1], O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, prog, sizeof prog);
	if (n <= 0 || n % sizeof prog[0]) { perror("floor-wrapper: filter"); return 2; }
	close(fd);
	struct sock_fprog fp = {.len = n / sizeof prog[0], .filter = prog};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp)) {
		perror("floor-wrapper: seccomp");
		return 2;
	}
	execv(argv[2], argv + 2);
	perror("floor-wrapper: exec");
	return 127;
}
