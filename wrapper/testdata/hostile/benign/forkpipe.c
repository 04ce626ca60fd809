/* fork, a pipe from child to parent, waitpid and the child's exit status. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	int p[2];
	if (pipe(p) < 0)
		return 2;
	pid_t c = fork();
	if (c < 0)
		return 3;
	if (c == 0) {
		close(p[0]);
		const char *msg = "from the child";
		write(p[1], msg, strlen(msg));
		_exit(7);
	}
	close(p[1]);
	char buf[64] = {0};
	ssize_t n, got = 0;
	while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += n;
	int st;
	waitpid(c, &st, 0);
	printf("forkpipe ok read=\"%s\" exited=%d code=%d\n", buf, WIFEXITED(st), WEXITSTATUS(st));
	return 0;
}
