/* stackoverflow.c: recursion without an end.
 *
 * sum_to(n) should stop at n == 0, but the test is wrong for odd steps: it never
 * reaches the base case. Each call takes a stack frame, the 8 MiB stack runs out,
 * and the kernel ends the program with SIGSEGV: a stack overflow.
 */
#include <stdio.h>

static long sum_to(long n)
{
	if (n == 0) /* bug: n goes 7, 5, 3, 1, -1, ... and never equals 0 */
		return 0;
	return n + sum_to(n - 2);
}

int main(void)
{
	printf("sum of 8, 6, 4, 2 = %ld\n", sum_to(8));
	fflush(stdout);
	printf("sum of 7, 5, 3, 1 = %ld\n", sum_to(7));
	return 0;
}
