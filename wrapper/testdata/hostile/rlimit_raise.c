/* Try to undo the wrapper's resource limits: for each of CPU, AS, FSIZE, NOFILE and NPROC,
 * double the hard limit (needs CAP_SYS_RESOURCE) and raise the soft limit to the hard one.
 * "success" = some hard limit went up. The limits before and after are printed. */
#include "hostile.h"
#include <sys/resource.h>

static const struct {
	int res;
	const char *name;
} limits[] = {{RLIMIT_CPU, "cpu"},
              {RLIMIT_AS, "mem"},
              {RLIMIT_FSIZE, "fsize"},
              {RLIMIT_NOFILE, "nofile"},
              {RLIMIT_NPROC, "nproc"}};

static void show(char *buf, size_t n, rlim_t v) {
	if (v == RLIM_INFINITY)
		snprintf(buf, n, "inf");
	else
		snprintf(buf, n, "%llu", (unsigned long long)v);
}

int main(void) {
	char out[512] = "";
	size_t used = 0;
	int raised = 0, err = 0;
	for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
		struct rlimit before, after;
		getrlimit(limits[i].res, &before);
		if (before.rlim_max != RLIM_INFINITY) {
			struct rlimit more = {before.rlim_max * 2, before.rlim_max * 2};
			if (setrlimit(limits[i].res, &more) < 0)
				err = errno;
		}
		struct rlimit soft = before;
		soft.rlim_cur = before.rlim_max;
		setrlimit(limits[i].res, &soft); /* allowed: soft up to hard */
		getrlimit(limits[i].res, &after);
		if (after.rlim_max > before.rlim_max)
			raised++;
		char b[32], a[32];
		show(b, sizeof b, before.rlim_max);
		show(a, sizeof a, after.rlim_max);
		used += snprintf(out + used, sizeof out - used, " %s_hard=%s->%s", limits[i].name, b, a);
	}
	return result("rlimit_raise", raised ? 0 : (err ? err : EPERM), "%s", out + 1);
}
