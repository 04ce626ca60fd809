/* keyboard.c: reading a line from the keyboard.
 *
 * fgets() waits until a whole line is typed (Enter), then returns it with its
 * '\n'. In sandbug, click the program pane (or Tab to it) and type there.
 */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[128];

	printf("Type a line and press Enter: ");
	fflush(stdout); /* the prompt has no '\n', so push it out now */
	if (fgets(line, sizeof line, stdin) == NULL) {
		printf("\nno input (end of file)\n");
		return 1;
	}
	line[strcspn(line, "\n")] = '\0'; /* drop the newline */
	printf("You typed: \"%s\" (%zu characters)\n", line, strlen(line));
	return 0;
}
