/* orphan.c: a process whose parent exits first.
 *
 * The program forks a middle process, which forks a grandchild and exits. The grandchild
 * is then an orphan: the kernel gives it a new parent (a "subreaper", or init), and
 * getppid() starts returning that new parent's pid.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* grandchild waits until its parent has exited, says so, and then lives on until the
 * program's first process ends: end of file on the pipe whose write end only main holds. */
static void grandchild(pid_t parent, int done)
{
	char c;

	for (int i = 0; i < 300 && getppid() == parent; i++)
		usleep(10000);
	if (getppid() != parent)
		printf("grandchild: my parent exited; I was adopted\n");
	else
		printf("grandchild: my parent is still there\n");
	fflush(stdout);
	while (read(done, &c, 1) > 0)
		;
	_exit(0);
}

int main(void)
{
	int fd[2];
	int status;
	pid_t middle;

	if (pipe(fd) == -1) {
		perror("pipe");
		return 1;
	}
	fflush(stdout); /* otherwise the children inherit unwritten output */
	middle = fork();
	if (middle == -1) {
		perror("fork");
		return 1;
	}
	if (middle == 0) {
		pid_t me = getpid(); /* the grandchild's parent, as long as it lives */

		close(fd[1]); /* only main keeps a write end */
		if (fork() == 0)
			grandchild(me, fd[0]);
		sleep(1);
		printf("middle: exiting before my child\n");
		fflush(stdout);
		_exit(0);
	}
	close(fd[0]);
	waitpid(middle, &status, 0); /* reap the middle process */
	printf("parent: the middle process has exited\n");
	fflush(stdout);
	sleep(1); /* the orphan lives on meanwhile */
	return 0;
}
