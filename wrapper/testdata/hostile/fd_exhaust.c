/* Open /dev/null argv[1] times (default 200) and keep every descriptor. */
#include "hostile.h"
#include <fcntl.h>

int main(int argc, char **argv) {
	int want = argc > 1 ? atoi(argv[1]) : 200;
	int opened = 0, highest = -1;
	for (; opened < want; opened++) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0)
			return result("fd_exhaust", errno, "opened=%d highest=%d", opened, highest);
		highest = fd;
	}
	return result("fd_exhaust", 0, "opened=%d highest=%d", opened, highest);
}
