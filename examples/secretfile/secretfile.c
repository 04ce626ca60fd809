/* secretfile.c: reading files outside the program's own directory.
 *
 * seccomp filters system calls by number and by plain-number arguments; it cannot
 * read the path a pointer points to, so it is not a filesystem jail: open() of
 * /etc/passwd is allowed. What stops /etc/shadow is ordinary file permissions:
 * the sandbox runs the program as the unprivileged user `nobody`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* show_first_entry prints the first field of the first line of path (a user
 * name, never a password hash), or why the file could not be read. */
static int show_first_entry(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		printf("%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, ":\n")] = '\0'; /* keep the text before the first ':' */
	printf("%s: read it! first entry: %s\n", path, line);
	return 0;
}

int main(void)
{
	show_first_entry("/etc/passwd"); /* world-readable: the sandbox lets it through */
	show_first_entry("/etc/shadow"); /* readable by root only */
	return 0;
}
