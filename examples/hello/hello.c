/* hello.c: the smallest program, and the number it hands back to whoever started it.
 *
 * main's return value becomes the exit status: 0 means "all went well", anything
 * from 1 to 255 means "something went wrong" (the caller decides what). This one
 * returns 3 on purpose, so you can see the status sandbug reports.
 */
#include <stdio.h>

int main(void)
{
	const char *name = "sandbug";
	int status = 3; /* try changing it: the exit card follows */

	printf("Hello from %s!\n", name);
	printf("Returning %d from main.\n", status);
	return status;
}
