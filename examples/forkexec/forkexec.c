/* forkexec.c: how a shell starts a program: fork, exec, wait.
 *
 * fork() makes a copy of the process; in the copy (the child) it returns 0, in
 * the parent it returns the child's pid. The child replaces itself with another
 * program through execv(); the parent waits and reads its exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* run starts argv[0] in a child process and returns its exit status. */
static int run(char *const argv[])
{
	int status;
	pid_t pid;

	fflush(stdout); /* otherwise the child inherits unwritten output */
	pid = fork();
	if (pid == -1) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		execv(argv[0], argv);
		perror("execv"); /* only reached if exec failed */
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1) {
		perror("waitpid");
		exit(1);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int main(void)
{
	char *echo[] = {"/bin/echo", "hello from the child", NULL};
	char *sh[] = {"/bin/sh", "-c", "exit 7", NULL};

	printf("parent: starting %s\n", echo[0]);
	printf("parent: child exited with status %d\n", run(echo));
	printf("parent: starting %s -c 'exit 7'\n", sh[0]);
	printf("parent: child exited with status %d\n", run(sh));
	return 0;
}
