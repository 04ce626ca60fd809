/* getrlimit on every resource (values differ under limits, so only sanity is printed). */
#include <stdio.h>
#include <sys/resource.h>

int main(void) {
	int bad = 0;
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		struct rlimit l;
		if (getrlimit(r, &l) < 0 || (l.rlim_max != RLIM_INFINITY && l.rlim_cur > l.rlim_max))
			bad++;
	}
	printf("rlimit ok resources=%d bad=%d\n", RLIM_NLIMITS, bad);
	return bad != 0;
}
