/* freedread.c: a stack of numbers that reads a node after pop() freed it.
 *
 * pop() frees the top node and returns the next one; main keeps the old pointer and prints
 * its value afterwards. Without a sanitizer that read usually still finds the old bytes (glibc
 * has not reused the block yet) and the program looks right. Built with --sanitize=address
 * (the lesson's default), AddressSanitizer stops it at the read and says where the block was
 * freed.
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
	int value;
	struct node *next;
};

static struct node *push(struct node *top, int value)
{
	struct node *n = malloc(sizeof *n);

	if (n == NULL)
		exit(1);
	n->value = value;
	n->next = top;
	return n;
}

static struct node *pop(struct node *top)
{
	struct node *next = top->next;

	free(top);
	return next;
}

int main(void)
{
	struct node *top = push(push(NULL, 1), 2);
	struct node *keep = top;

	top = pop(top);
	printf("popped, %d left\n", top->value);
	fflush(stdout);
	printf("the popped value was %d\n", keep->value); /* keep was freed by pop() */
	while (top != NULL)
		top = pop(top);
	return 0;
}
