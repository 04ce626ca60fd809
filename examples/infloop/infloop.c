/* infloop.c: a loop that never ends, and the CPU limit that ends it.
 *
 * The loop condition is always true. Without a limit this program would spin
 * until someone kills it. The sandbox's CPU limit (cpu=1s) makes the kernel send
 * SIGXCPU after one second of CPU time, which ends the program.
 */
#include <stdio.h>

int main(void)
{
	volatile unsigned long count = 0; /* volatile: the compiler keeps the loop */

	printf("spinning forever...\n");
	fflush(stdout);
	while (1)
		count++; /* interrupt here in the debugger and print count */
	return 0;
}
