/* memhog.c: a program that eats memory until it is told no.
 *
 * It allocates 1 MiB at a time and touches every page. Under the sandbox's
 * memory limit (mem=64M) malloc() soon returns NULL: a well-written program
 * checks for that, says so, and exits with an error status. To be safe outside
 * the sandbox too, it gives up after LIMIT_MB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1024 * 1024)
#define LIMIT_MB 256

int main(void)
{
	char *chunks[LIMIT_MB];
	int mb;

	for (mb = 0; mb < LIMIT_MB; mb++) {
		chunks[mb] = malloc(CHUNK);
		if (chunks[mb] == NULL) {
			printf("malloc returned NULL after %d MiB: out of memory\n", mb);
			return 1;
		}
		memset(chunks[mb], 0xAB, CHUNK); /* touch it, so it is really used */
	}
	printf("allocated %d MiB without hitting a limit\n", LIMIT_MB);
	for (mb = 0; mb < LIMIT_MB; mb++)
		free(chunks[mb]);
	return 0;
}
