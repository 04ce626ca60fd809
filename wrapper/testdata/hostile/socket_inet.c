/* Open an IPv4 socket (the strict profile allows only AF_UNIX). argv[1] == "hi": the family with
 * garbage in the upper 32 bits, which the kernel truncates away (the family is an int). */
#include "hostile.h"
#include <sys/socket.h>

int main(int argc, char **argv) {
	int hi = argc > 1 && strcmp(argv[1], "hi") == 0;
	unsigned long family = AF_INET | (hi ? 1UL << 32 : 0);
	long fd = syscall(SYS_socket, family, (long)SOCK_STREAM, 0L);
	if (fd >= 0)
		close((int)fd);
	return check(hi ? "socket_inet_hi" : "socket_inet", fd);
}
