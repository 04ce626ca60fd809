/* File I/O in the working directory and in $TMPDIR (else /tmp): create, write, seek, read, stat, rename,
 * unlink, mkdir, rmdir. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int roundtrip(const char *dir) {
	char path[256], moved[300], sub[256];
	snprintf(path, sizeof path, "%s/sandbug-benign-%d.txt", dir, getpid());
	snprintf(moved, sizeof moved, "%s.moved", path);
	snprintf(sub, sizeof sub, "%s/sandbug-benign-dir-%d", dir, getpid());
	FILE *f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "0123456789abcdef\n");
	fclose(f);
	int fd = open(path, O_RDWR);
	if (fd < 0)
		return 2;
	lseek(fd, 10, SEEK_SET);
	char buf[8] = {0};
	if (read(fd, buf, 6) != 6 || strcmp(buf, "abcdef") != 0)
		return 3;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size != 17)
		return 4;
	close(fd);
	if (rename(path, moved) < 0 || access(moved, R_OK) < 0 || unlink(moved) < 0)
		return 5;
	if (mkdir(sub, 0755) < 0 || rmdir(sub) < 0)
		return 6;
	return 0;
}

int main(void) {
	int cwd = roundtrip(".");
	/* The jail opens only the private TMPDIR, as it opens it to any program. */
	const char *t = getenv("TMPDIR");
	int tmp = roundtrip(t && *t ? t : "/tmp");
	printf("fileio cwd=%d tmp=%d\n", cwd, tmp);
	return cwd || tmp;
}
