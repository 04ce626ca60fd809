/* Open /proc/<ppid>/mem for writing: with it a program rewrites its debugger's or launcher's
 * code. open is not a syscall a filter can refuse by path; only running the program as another
 * uid (nobody) stops it: the open must fail with EACCES. Nothing is ever written. */
#include "hostile.h"
#include <fcntl.h>

int main(void) {
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/mem", getppid());
	int fd = open(path, O_RDWR);
	int err = fd < 0 ? errno : 0;
	return result("proc_mem", err, "path=%s", path);
}
