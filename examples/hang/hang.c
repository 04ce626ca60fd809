/* hang.c: a reader that never sees end of file.
 *
 * The parent sends two lines through a pipe to its child, which counts the lines of its
 * standard input until end of file. End of file comes only when no process holds the
 * pipe's write end, and the parent forgot to close its own: both wait forever.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* reader is the child: it counts the lines on its standard input (the pipe). */
static int reader(void)
{
	char line[256];
	int lines = 0;

	while (fgets(line, sizeof line, stdin) != NULL)
		lines++;
	printf("reader: %d lines\n", lines);
	return 0;
}

int main(void)
{
	int fd[2];
	int status;
	pid_t pid;

	if (pipe(fd) == -1) {
		perror("pipe");
		return 1;
	}
	fflush(stdout); /* otherwise the child inherits unwritten output */
	pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		dup2(fd[0], 0); /* the read end becomes the child's stdin */
		close(fd[0]);
		close(fd[1]);
		return reader();
	}
	close(fd[0]);
	dprintf(fd[1], "first line\nsecond line\n");
	printf("parent: sent two lines, waiting for the reader\n");
	fflush(stdout);
	waitpid(pid, &status, 0); /* waits forever: see the lesson */
	printf("parent: reader exited with status %d\n", WEXITSTATUS(status));
	return 0;
}
