/* perf_event_open: a software CPU clock counter on the program itself. */
#include "hostile.h"
#include <linux/perf_event.h>

int main(void) {
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.disabled = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return check("perf_event_open", syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
}
