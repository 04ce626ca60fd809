/* Plain stdio: formatted output to stdout and stderr. */
#include <stdio.h>

int main(void) {
	printf("hello, %s! %d %.3f %x %c\n", "sandbox", 42, 3.14159, 255, 'z');
	fprintf(stderr, "to stderr\n");
	for (int i = 0; i < 3; i++)
		printf("line %d\n", i);
	return 0;
}
