/* The program exits at once; its child lives on and makes a forbidden call after its parent is
 * gone. The sandbox (and its reports) must outlive the program's main process. The child's
 * RESULT line goes to the same stdout. */
#include "hostile.h"
#include <sys/ptrace.h>
#include <time.h>

int main(void) {
	pid_t parent = getpid();
	pid_t c = fork();
	if (c < 0)
		broken("orphan", "fork");
	if (c > 0) {
		printf("PARENT exits pid=%d child=%d\n", parent, c);
		return 0;
	}
	struct timespec d = {0, 5 * 1000 * 1000};
	for (int i = 0; i < 400 && getppid() == parent; i++)
		nanosleep(&d, NULL); /* until re-parented (at most 2 s) */
	return check("orphan", ptrace(PTRACE_TRACEME, 0, 0, 0));
}
