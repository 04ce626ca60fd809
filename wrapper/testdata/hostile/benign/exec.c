/* fork, then execve /bin/true in the child (the sandbox stays on across exec). */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	pid_t c = fork();
	if (c == 0) {
		char *argv[] = {"true", NULL};
		char *envp[] = {NULL};
		execve("/bin/true", argv, envp);
		_exit(99);
	}
	int st;
	waitpid(c, &st, 0);
	printf("exec ok exited=%d code=%d\n", WIFEXITED(st), WEXITSTATUS(st));
	return 0;
}
