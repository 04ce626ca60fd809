/* divide.c: an integer division by zero.
 *
 * average() divides by the number of scores, and one class has none. Integer
 * division by zero has no answer: the processor raises an exception and the kernel
 * ends the program with SIGFPE ("floating-point exception", a historical name:
 * it is used for integer arithmetic too).
 */
#include <stdio.h>

static int average(const int *scores, int count)
{
	int total = 0;
	int i;

	for (i = 0; i < count; i++)
		total += scores[i];
	return total / count; /* count is 0 for an empty class: SIGFPE */
}

int main(void)
{
	int a[] = {12, 15, 18};
	int b[1];

	printf("class A: %d\n", average(a, 3));
	fflush(stdout);
	printf("class B: %d\n", average(b, 0));
	return 0;
}
