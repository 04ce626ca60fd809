/* offbyone.c: an array on the stack written one element past its end.
 *
 * squares[] has 10 elements, indexes 0 to 9; the loop also writes squares[10], over
 * whatever the compiler put next to the array on the stack. Without a sanitizer the
 * program may go on with a damaged variable; with --sanitize=address (the lesson's
 * default) AddressSanitizer stops it at the write.
 */
#include <stdio.h>

#define N 10

static int sum_squares(void)
{
	int squares[N];
	int sum = 0;

	for (int i = 0; i <= N; i++)
		squares[i] = i * i; /* i == N writes past the end */
	for (int i = 0; i < N; i++)
		sum += squares[i];
	return sum;
}

int main(void)
{
	printf("adding the squares of 0 to %d\n", N - 1);
	fflush(stdout);
	printf("sum of squares: %d\n", sum_squares());
	return 0;
}
