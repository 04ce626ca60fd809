/* assert.c: a failed assert() ends the program with abort().
 *
 * assert(expr) checks something the programmer believes is always true. When it is
 * false, glibc prints the expression, the file and the line, and calls abort(): the
 * program dies of SIGABRT. Here the check catches a bad index before it is used.
 */
#include <assert.h>
#include <stdio.h>

#define DAYS 7

static const char *day_name(int day)
{
	static const char *names[DAYS] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

	assert(day >= 0 && day < DAYS);
	return names[day];
}

int main(void)
{
	int day;

	for (day = 1; day <= DAYS; day++) { /* bug: days are 0..6, not 1..7 */
		printf("day %d is %s\n", day, day_name(day));
		fflush(stdout);
	}
	return 0;
}
