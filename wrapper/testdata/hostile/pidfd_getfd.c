/* pidfd_getfd: a forked child (same uid) steals a descriptor of the program that forked it:
 * with it, any file or socket of a debugger or launcher would be the program's. The parent
 * opens a marker file on a known descriptor; the child checks it got that same file. */
#include "hostile.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

int main(void) {
	pid_t parent = getpid();
	int secret = open("/proc/self/exe", O_RDONLY);
	if (secret < 0)
		broken("pidfd_getfd", "open marker");
	struct stat want;
	fstat(secret, &want);
	pid_t c = fork();
	if (c < 0)
		broken("pidfd_getfd", "fork");
	if (c == 0) {
		int pfd = syscall(SYS_pidfd_open, parent, 0);
		if (pfd < 0)
			_exit(120); /* pidfd_open itself is fine: report as broken */
		int fd = syscall(SYS_pidfd_getfd, pfd, secret, 0);
		if (fd < 0)
			_exit(errno);
		struct stat got;
		fstat(fd, &got);
		_exit(got.st_ino == want.st_ino && got.st_dev == want.st_dev ? 0 : EIO);
	}
	int st;
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 120)
		broken("pidfd_getfd", "child");
	return result("pidfd_getfd", WEXITSTATUS(st), "attacker=%d", c);
}
