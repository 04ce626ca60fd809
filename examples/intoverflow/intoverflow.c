/* intoverflow.c: a factorial computed in int, which overflows at 13!.
 *
 * 13! = 6227020800 does not fit in an int (at most 2147483647). Signed overflow is
 * undefined behavior in C: without a sanitizer the program prints a wrong number
 * and carries on. With --sanitize=undefined (the lesson's default) UBSan stops it
 * at the multiplication.
 */
#include <stdio.h>

static int factorial(int n)
{
	int result = 1;

	for (int i = 2; i <= n; i++)
		result = result * i; /* 13! does not fit in an int */
	return result;
}

int main(void)
{
	for (int n = 10; n <= 15; n++) {
		printf("%d! = %d\n", n, factorial(n));
		fflush(stdout);
	}
	return 0;
}
