/* userfaultfd: lets a program stall the kernel inside a copy from user memory (race helper). */
#include "hostile.h"
#include <fcntl.h>

int main(void) {
	return check("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK));
}
