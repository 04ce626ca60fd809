/* readonly.c: writing into a string literal.
 *
 * "hello, world" is a string literal: it lives in the program's read-only data.
 * A char * may point at it, but writing through that pointer is refused by the
 * processor, and the kernel ends the program with SIGSEGV.
 */
#include <stdio.h>
#include <ctype.h>

static void shout(char *s)
{
	for (; *s != '\0'; s++)
		*s = toupper((unsigned char)*s); /* s points into a literal: SIGSEGV */
}

int main(void)
{
	char *greeting = "hello, world"; /* fix: char greeting[] = "hello, world"; */

	printf("before: %s\n", greeting);
	fflush(stdout);
	shout(greeting);
	printf("after: %s\n", greeting);
	return 0;
}
