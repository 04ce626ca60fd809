/* clone3 with namespace flags: the flags hide in a struct a filter cannot read, so clone3 must
 * answer ENOSYS (glibc then falls back to clone, whose flags the filter can check). */
#include "hostile.h"
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

int main(void) {
	struct clone_args a;
	memset(&a, 0, sizeof a);
	a.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET;
	a.exit_signal = SIGCHLD;
	long rc = syscall(SYS_clone3, &a, sizeof a);
	if (rc == 0)
		_exit(0); /* the child, in its new namespaces */
	if (rc > 0)
		waitpid((pid_t)rc, NULL, 0);
	return check("clone3_ns", rc);
}
