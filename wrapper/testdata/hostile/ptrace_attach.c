/* PTRACE_ATTACH to the parent: a forked child attaches to the program that forked it. Both run as
 * the same uid and the parent allows any tracer (PR_SET_PTRACER), so only seccomp can stop it.
 * The verdict comes back in the child's exit status (0 attached, else the errno). */
#include "hostile.h"
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

int main(void) {
	pid_t parent = getpid();
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0); /* matters only under Yama */
	pid_t c = fork();
	if (c < 0)
		broken("ptrace_attach", "fork");
	if (c == 0) {
		if (ptrace(PTRACE_ATTACH, parent, 0, 0) < 0)
			_exit(errno);
		int st;
		waitpid(parent, &st, __WALL); /* the SIGSTOP of the attach */
		ptrace(PTRACE_DETACH, parent, 0, 0);
		_exit(0);
	}
	int st;
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st))
		broken("ptrace_attach", "child died");
	return result("ptrace_attach", WEXITSTATUS(st), "attacker=%d", c);
}
