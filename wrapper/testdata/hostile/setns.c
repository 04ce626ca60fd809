/* setns(fd, 0) on /proc/self/ns/uts: joining a namespace is how a program escapes into one
 * another process prepared (a container's, the host's). Here the namespace is the program's own
 * UTS namespace, so even a call that succeeds changes nothing; it still needs CAP_SYS_ADMIN,
 * which only root has unsandboxed. */
#include "hostile.h"
#include <fcntl.h>
#include <sched.h>

int main(void) {
	const char *name = "setns";
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		broken(name, "open /proc/self/ns/uts");
	long rc = syscall(SYS_setns, (long)fd, 0L);
	int err = rc < 0 ? errno : 0;
	close(fd);
	return result(name, err, NULL);
}
