/* zombie.c: a child exits, and its parent never calls wait().
 *
 * When a process exits, the kernel keeps a small record of it (its pid and exit status)
 * until its parent collects that status with wait() or waitpid(). Until then the dead
 * process is a "zombie": it runs no code and holds no files, but it still has its pid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* linger keeps the parent alive for a second without waiting for its child. */
static void linger(void)
{
	printf("parent: not calling wait(); the child is a zombie now\n");
	fflush(stdout);
	sleep(1);
}

int main(void)
{
	pid_t pid;

	fflush(stdout); /* otherwise the child inherits unwritten output */
	pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		printf("child: exiting with status 7\n");
		fflush(stdout);
		_exit(7);
	}
	usleep(100000); /* give the child time to exit */
	linger();
	printf("parent: exiting without wait(); the zombie is reaped by the system\n");
	return 0;
}
