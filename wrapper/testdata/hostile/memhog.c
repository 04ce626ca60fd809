/* Allocate and touch memory 1 MiB at a time up to argv[1] MiB (default 1024). */
#include "hostile.h"

int main(int argc, char **argv) {
	long want = argc > 1 ? atol(argv[1]) : 1024;
	long got = 0;
	for (; got < want; got++) {
		char *p = malloc(1 << 20);
		if (!p)
			return result("memhog", errno ? errno : ENOMEM, "allocated_mb=%ld", got);
		memset(p, 0x5a, 1 << 20);
	}
	return result("memhog", 0, "allocated_mb=%ld", got);
}
