/* Look for descriptors the wrapper left open beyond stdin/stdout/stderr. A leaked seccomp
 * listener would let the program answer its own notifications; a leaked notify socket would let
 * it talk to the supervisor. "success" lists what leaked. */
#include "hostile.h"
#include <dirent.h>

int main(void) {
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		broken("fd_leak", "opendir");
	char leaked[400] = "";
	size_t used = 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		char link[64], target[128];
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t k = readlink(link, target, sizeof target - 1);
		target[k > 0 ? k : 0] = 0;
		for (char *c = target; *c; c++)
			if (*c == ' ')
				*c = '_';
		if (used < sizeof leaked)
			used += snprintf(leaked + used, sizeof leaked - used, "%s%d:%s", n ? "," : "", fd,
			                 target);
		n++;
	}
	closedir(d);
	if (n == 0)
		return result("fd_leak", EBADF, "leaked=none");
	return result("fd_leak", 0, "leaked=%s", leaked);
}
