/* process_vm_readv from the parent: a forked child (same uid) reads a secret the program that
 * forked it wrote after the fork. */
#include "hostile.h"
#include <sys/uio.h>
#include <sys/wait.h>

static volatile long secret = 0;

int main(void) {
	pid_t parent = getpid();
	int go[2];
	if (pipe(go) < 0)
		broken("process_vm_readv", "pipe");
	pid_t c = fork();
	if (c < 0)
		broken("process_vm_readv", "fork");
	if (c == 0) {
		char b;
		close(go[1]);
		read(go[0], &b, 1); /* wait until the parent has set the secret */
		long v = 0;
		struct iovec local = {&v, sizeof v};
		struct iovec remote = {(void *)&secret, sizeof secret};
		ssize_t n = process_vm_readv(parent, &local, 1, &remote, 1, 0);
		if (n != (ssize_t)sizeof v)
			_exit(errno ? errno : EIO);
		_exit(v == 0x5ec2e7 ? 0 : EIO);
	}
	secret = 0x5ec2e7;
	close(go[1]);
	int st;
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st))
		broken("process_vm_readv", "child died");
	return result("process_vm_readv", WEXITSTATUS(st), "attacker=%d", c);
}
