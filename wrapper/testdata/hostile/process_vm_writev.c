/* process_vm_writev into the parent: a forked child (same uid, so permissions allow it) writes
 * over a global of the program that forked it; the parent then checks whether it changed. */
#include "hostile.h"
#include <sys/uio.h>
#include <sys/wait.h>

static volatile long target = 0x1111;

int main(void) {
	pid_t parent = getpid();
	pid_t c = fork();
	if (c < 0)
		broken("process_vm_writev", "fork");
	if (c == 0) {
		long v = 0x2222;
		struct iovec local = {&v, sizeof v};
		struct iovec remote = {(void *)&target, sizeof target};
		ssize_t n = process_vm_writev(parent, &local, 1, &remote, 1, 0);
		_exit(n == (ssize_t)sizeof v ? 0 : errno ? errno : EIO);
	}
	int st;
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st))
		broken("process_vm_writev", "child died");
	int err = WEXITSTATUS(st);
	if (err == 0 && target != 0x2222)
		err = EIO; /* the call claimed success but nothing changed */
	return result("process_vm_writev", err, "attacker=%d target=%#lx", c, target);
}
