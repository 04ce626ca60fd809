/* pipeline.c: a parent sends lines to its child through a pipe, like `ls | wc -l`.
 *
 * pipe() makes a one-way channel with two descriptors: fd[0] is the read end, fd[1]
 * the write end. After fork() both processes hold both ends; each closes the end it does
 * not use. The child makes the read end its standard input with dup2() and reads to the
 * end of file, which comes when no process holds the write end any more.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* reader is the child: it counts the lines on its standard input (the pipe). */
static int reader(void)
{
	char line[256];
	int lines = 0;

	while (fgets(line, sizeof line, stdin) != NULL) {
		printf("child read: %s", line);
		lines++;
	}
	printf("child: end of file after %d lines\n", lines);
	return 0;
}

/* send_line writes one line into the pipe's write end. */
static void send_line(int fd, const char *line)
{
	if (write(fd, line, strlen(line)) == -1)
		perror("write");
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
		close(fd[1]); /* the child only reads */
		return reader();
	}
	close(fd[0]); /* the parent only writes */
	send_line(fd[1], "one\n");
	send_line(fd[1], "two\n");
	send_line(fd[1], "three\n");
	close(fd[1]); /* the last write end: the child sees end of file */
	waitpid(pid, &status, 0);
	printf("parent: child exited with status %d\n", WEXITSTATUS(status));
	return 0;
}
