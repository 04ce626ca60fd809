/* redirect.c: dup2 points standard output at a file, as `prog > out.txt` does.
 *
 * printf writes to file descriptor 1, whatever that refers to. dup2(file, 1) makes fd 1
 * refer to the file opened as `file`: from then on printf writes into the file. dup(1)
 * before that keeps a second descriptor on the terminal to come back to.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* show prints the first line of a file. */
static void show(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		perror(path);
		return;
	}
	if (fgets(line, sizeof line, f) != NULL)
		printf("%s holds: %s", path, line);
	fclose(f);
}

int main(void)
{
	int file, saved;

	printf("before: this line goes to the terminal\n");
	fflush(stdout);
	file = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (file == -1) {
		perror("open out.txt (is the working folder writable?)");
		return 1;
	}
	saved = dup(1); /* a second descriptor on the terminal */
	dup2(file, 1);  /* fd 1 now refers to out.txt */
	close(file);
	printf("this line goes to out.txt\n");
	fflush(stdout); /* write it now, while fd 1 is the file */
	dup2(saved, 1); /* fd 1 is the terminal again */
	close(saved);
	printf("after: back on the terminal\n");
	show("out.txt");
	return 0;
}
