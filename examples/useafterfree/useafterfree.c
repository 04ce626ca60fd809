/* useafterfree.c: a pointer used after the memory it points to was freed.
 *
 * A big block (1 MiB) comes from malloc() as its own mapping, and free() gives it
 * straight back to the system: a write through the old pointer then touches memory
 * the program no longer has, and the kernel ends it with SIGSEGV.
 * (A small freed block stays inside the heap: the same bug would corrupt data silently.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *make_report(void)
{
	char *buf = malloc(1 << 20);

	if (buf == NULL)
		exit(1);
	strcpy(buf, "report: all good");
	return buf;
}

static void finish(char *report)
{
	printf("%s\n", report);
	fflush(stdout);
	free(report); /* finished with it... */
}

static void add_footer(char *report)
{
	report[0] = 'R'; /* ...but report was freed in finish(): SIGSEGV here */
}

int main(void)
{
	char *report = make_report();

	finish(report);
	add_footer(report);
	printf("not reached\n");
	return 0;
}
