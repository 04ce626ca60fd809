/* io_uring_setup: io_uring operations never pass through seccomp, so the ring itself must be
 * refused. */
#include "hostile.h"
#include <linux/io_uring.h>

int main(void) {
	struct io_uring_params p;
	memset(&p, 0, sizeof p);
	return check("io_uring", syscall(SYS_io_uring_setup, 4, &p));
}
