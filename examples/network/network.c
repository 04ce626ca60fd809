/* network.c: a program that tries to open a network socket.
 *
 * The `strict` profile forbids sockets for the Internet (and every other
 * family): socket() fails with EPERM before the kernel creates anything, and
 * the program reports it like any other error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int fd;

	printf("opening a TCP socket...\n");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1) {
		printf("socket: %s (errno %d)\n", strerror(errno), errno);
		return 1;
	}
	printf("socket() succeeded: fd %d, the network is reachable\n", fd);
	close(fd);
	return 0;
}
