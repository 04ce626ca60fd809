/* A bounded fork bomb: fork up to 2000 children (each waits on a pipe, so they all count at
 * once) until fork fails, then release and reap them all. The RLIMIT_NPROC limit must stop it
 * early (EAGAIN); RLIMIT_NPROC is not enforced for root, so the program must not run as root.
 * Run only inside `unshare --pid --fork --mount-proc` (see pidns_guard.h). */
#include "pidns_guard.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define MAX_FORKS 2000

int main(int argc, char **argv) {
	pidns_guard("forkbomb", argc, argv);
	int p[2];
	if (pipe(p) < 0)
		broken("forkbomb", "pipe");
	int forks = 0, err = 0;
	for (; forks < MAX_FORKS; forks++) {
		pid_t c = fork();
		if (c < 0) {
			err = errno;
			break;
		}
		if (c == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			close(p[1]);
			char b;
			while (read(p[0], &b, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	close(p[1]); /* every child's read now returns 0 */
	int reaped = 0;
	while (wait(NULL) > 0)
		reaped++;
	return result("forkbomb", err, "forks=%d reaped=%d", forks, reaped);
}
