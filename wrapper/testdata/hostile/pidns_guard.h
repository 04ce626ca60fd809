/* pidns_guard.h: refuse to run outside a private pid namespace. The fork bomb and kill(-1)
 * programs take the test's own pid namespace (the target of its /proc/self/ns/pid link) as
 * argv[1] and exit 3 if they find themselves in it: a broken test harness must never turn
 * them loose on the machine. */
#ifndef SANDBUG_PIDNS_GUARD_H
#define SANDBUG_PIDNS_GUARD_H
#include "hostile.h"

static void pidns_guard(const char *name, int argc, char **argv) {
	char own[128];
	ssize_t n = readlink("/proc/self/ns/pid", own, sizeof own - 1);
	if (argc < 2 || n <= 0) {
		printf("RESULT %s refused pid=%d what=no-namespace-to-compare\n", name, getpid());
		exit(3);
	}
	own[n] = 0;
	if (strcmp(own, argv[1]) == 0) {
		printf("RESULT %s refused pid=%d what=in-the-host-pid-namespace\n", name, getpid());
		exit(3);
	}
}
#endif
