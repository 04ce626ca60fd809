/* Raw clone(CLONE_NEWUSER|SIGCHLD): the fork-like form (no new stack) in a new user namespace. */
#include "hostile.h"
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

int main(void) {
	long rc = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), 0L, 0L, 0L, 0L);
	if (rc == 0)
		_exit(0);
	if (rc > 0)
		waitpid((pid_t)rc, NULL, 0);
	return check("clone_newuser", rc);
}
