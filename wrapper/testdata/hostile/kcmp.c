/* kcmp: compare kernel objects of two processes (here a child and its parent), an information
 * leak about another process's files and memory. */
#include "hostile.h"
#include <linux/kcmp.h>
#include <sys/wait.h>

int main(void) {
	pid_t parent = getpid();
	pid_t c = fork();
	if (c < 0)
		broken("kcmp", "fork");
	if (c == 0) {
		long rc = syscall(SYS_kcmp, getpid(), parent, KCMP_FILE, 1L, 1L);
		_exit(rc < 0 ? errno : 0);
	}
	int st;
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st))
		broken("kcmp", "child died");
	return result("kcmp", WEXITSTATUS(st), "attacker=%d", c);
}
