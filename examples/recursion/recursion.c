/* recursion.c: functions that call themselves, one stack frame per call.
 *
 * Each call to factorial() gets its own copy of n on the stack. Step into it
 * and watch the call stack grow to six frames, then shrink as the results come back.
 */
#include <stdio.h>

/* factorial returns n! = n * (n-1) * ... * 1. */
static long factorial(int n)
{
	long result;

	if (n <= 1)
		return 1; /* the base case stops the recursion */
	result = n * factorial(n - 1);
	return result;
}

/* fib returns the n-th Fibonacci number the slow, doubly recursive way. */
static int fib(int n)
{
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}

int main(void)
{
	int i;

	printf("5! = %ld\n", factorial(5));
	for (i = 0; i <= 10; i++)
		printf("fib(%d) = %d\n", i, fib(i));
	return 0;
}
