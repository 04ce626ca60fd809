/* Write argv[2] MiB (default 1024) to the file argv[1], 1 MiB at a time. Under a file-size limit
 * the kernel sends SIGXFSZ (default: death) and write fails with EFBIG. */
#include "hostile.h"
#include <fcntl.h>

int main(int argc, char **argv) {
	if (argc < 2)
		broken("bigwrite", "usage: bigwrite FILE [MiB]");
	long want = argc > 2 ? atol(argv[2]) : 1024;
	static char buf[1 << 20];
	memset(buf, 'w', sizeof buf);
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		broken("bigwrite", "open");
	long long total = 0;
	for (long i = 0; i < want; i++) {
		ssize_t n = write(fd, buf, sizeof buf);
		if (n < 0)
			return result("bigwrite", errno, "bytes=%lld", total);
		total += n;
		if (n < (ssize_t)sizeof buf) /* a short write at the limit; the next one fails */
			continue;
	}
	return result("bigwrite", 0, "bytes=%lld", total);
}
