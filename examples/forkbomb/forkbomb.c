/* forkbomb.c: a (bounded) fork bomb, and the process limit that contains it.
 *
 * A real fork bomb forks forever until the machine cannot start a process. This
 * one tries at most MAX_FORKS times and stops at the first failure. Under the
 * sandbox's process limit (nproc) fork() soon fails with EAGAIN ("Resource
 * temporarily unavailable"). Every child waits on a pipe, so all of them are
 * alive at once, and exits when the parent closes it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FORKS 64

int main(void)
{
	int fds[2];
	int started = 0;
	char c;
	pid_t pid;

	if (pipe(fds) == -1) {
		perror("pipe");
		return 1;
	}
	while (started < MAX_FORKS) {
		pid = fork();
		if (pid == -1) {
			printf("fork #%d failed: %s\n", started + 1, strerror(errno));
			break;
		}
		if (pid == 0) {
			/* child: block until the parent closes the pipe, then leave */
			close(fds[1]);
			while (read(fds[0], &c, 1) > 0)
				;
			_exit(0);
		}
		started++;
	}
	if (started == MAX_FORKS)
		printf("all %d forks succeeded: no process limit here\n", MAX_FORKS);
	else
		printf("the process limit stopped the bomb\n");
	close(fds[1]); /* wakes every child: read() returns 0 */
	while (wait(NULL) > 0)
		;
	printf("%d children started and reaped\n", started);
	return 0;
}
