/* ptrace.c: the call this sandbox was first built to stop.
 *
 * ptrace() lets one process read and write another's memory and registers: it is
 * how debuggers work, and how malware hides from them. sandbug started as a tiny
 * wrapper that blocked exactly this call. Here the program asks to be traced
 * (PTRACE_TRACEME) and prints what the kernel answered.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>

int main(void)
{
	long r;

	printf("asking for PTRACE_TRACEME...\n");
	r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	if (r == -1) {
		/* errno says why: EPERM is "Operation not permitted" */
		printf("ptrace: %s (errno %d)\n", strerror(errno), errno);
		return 1;
	}
	printf("ptrace succeeded: nothing stopped this program\n");
	return 0;
}
