/* limits MODE: runs into one resource limit and reports what happened.
 *   cpu    spin until the CPU limit (SIGXCPU) kills it
 *   fsize  write 1 MiB blocks into ./limits-fsize.out (SIGXFSZ ignored) and print the error
 *   nofile open /dev/null until it fails; print how many opened and errno
 *   nproc  fork children that wait on a pipe until fork fails; print how many
 *   mem    malloc (and touch) 1 MiB blocks until malloc fails; print how many */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "cpu")) {
		volatile unsigned long x = 0;
		for (;;) x++;
	}
	if (!strcmp(mode, "fsize")) {
		const char *path = argc > 2 ? argv[2] : "limits-fsize.out";
		if (argc > 3 && !strcmp(argv[3], "ignore")) signal(SIGXFSZ, SIG_IGN);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0) { perror("open"); return 2; }
		static char buf[1 << 20];
		long total = 0;
		for (int i = 0; i < 64; i++) {
			ssize_t w = write(fd, buf, sizeof buf);
			if (w < 0) { printf("written=%ld errno=%s\n", total, strerror(errno)); unlink(path); return 0; }
			total += w;
		}
		printf("written=%ld errno=none\n", total);
		unlink(path);
		return 0;
	}
	if (!strcmp(mode, "mem")) {
		int n = 0;
		char *p;
		while (n < 4096 && (p = malloc(1 << 20)) != NULL) { memset(p, 1, 1 << 20); n++; }
		printf("mib=%d\n", n);
		return 0;
	}
	if (!strcmp(mode, "nofile")) {
		int n = 0, maxfd = -1, fd;
		while ((fd = open("/dev/null", O_RDONLY)) >= 0) { n++; maxfd = fd; if (n > 100000) break; }
		printf("opened=%d maxfd=%d errno=%s\n", n, maxfd, strerror(errno));
		return 0;
	}
	if (!strcmp(mode, "nproc")) {
		int p[2], n = 0;
		if (pipe(p)) { perror("pipe"); return 2; }
		for (int i = 0; i < 200; i++) {
			pid_t c = fork();
			if (c < 0) { printf("forked=%d errno=%s\n", n, strerror(errno)); break; }
			if (c == 0) { char b; close(p[1]); read(p[0], &b, 1); _exit(0); }
			n++;
		}
		if (n == 200) printf("forked=%d errno=none\n", n);
		fflush(stdout);
		close(p[1]);
		while (wait(NULL) > 0) {}
		return 0;
	}
	fprintf(stderr, "limits: unknown mode %s\n", mode);
	return 2;
}
