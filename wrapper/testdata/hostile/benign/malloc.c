/* malloc/realloc/free, small and large (mmap-backed) blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
	long sum = 0;
	for (int i = 1; i <= 1000; i++) {
		char *p = malloc(i * 64);
		if (!p)
			return 2;
		memset(p, i & 0xff, i * 64);
		sum += (unsigned char)p[i * 32];
		free(p);
	}
	char *big = malloc(32 << 20); /* above the mmap threshold */
	if (!big)
		return 3;
	memset(big, 1, 32 << 20);
	big = realloc(big, 64 << 20);
	if (!big)
		return 4;
	big[(64 << 20) - 1] = 7;
	printf("malloc ok sum=%ld last=%d\n", sum, big[(64 << 20) - 1]);
	free(big);
	return 0;
}
