/* status: prints what the sandbox did to this process, one key=value per line. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv) {
	char line[512];
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) { perror("status: /proc/self/status"); return 1; }
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "NoNewPrivs:", 11) || !strncmp(line, "Seccomp:", 8) ||
		    !strncmp(line, "Seccomp_filters:", 16)) {
			char *tab = strchr(line, '\t');
			line[strcspn(line, ":")] = 0;
			printf("%s=%s", line, tab ? tab + 1 : "?\n");
		}
	}
	fclose(f);
	struct rlimit r;
	getrlimit(RLIMIT_NOFILE, &r);
	printf("nofile=%llu\n", (unsigned long long)r.rlim_cur);
	getrlimit(RLIMIT_NPROC, &r);
	printf("nproc=%lld\n", (long long)r.rlim_cur);
	getrlimit(RLIMIT_CPU, &r);
	printf("cpu=%lld/%lld\n", (long long)r.rlim_cur, (long long)r.rlim_max);
	printf("uid=%d\ngid=%d\n", (int)getuid(), (int)getgid());
	/* File descriptors beyond stdio (fd:target), other than the one reading the directory. */
	DIR *d = opendir("/proc/self/fd");
	printf("fds=");
	for (struct dirent *e; d && (e = readdir(d));) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d)) continue;
		char path[64], target[256];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, target, sizeof target - 1);
		target[n < 0 ? 0 : n] = 0;
		printf("%d:%s ", fd, target);
	}
	printf("\n");
	if (d) closedir(d);
	for (int i = 1; i < argc; i++) printf("arg=%s\n", argv[i]);
	return 0;
}
