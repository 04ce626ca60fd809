/* segfault.c: a bug to find with the debugger.
 *
 * push() writes through a pointer without checking it. One caller hands it NULL,
 * the processor refuses the write, and the kernel ends the program with SIGSEGV
 * (segmentation fault). Run it under the debugger: it stops on the faulting line
 * and the call stack shows who passed the bad pointer.
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
	int value;
	struct node *next;
};

struct list {
	struct node *head;
	int length;
};

/* push adds value at the front of l. Bug: it trusts that l is a real list. */
static void push(struct list *l, int value)
{
	struct node *n = malloc(sizeof *n);

	if (n == NULL)
		exit(1);
	n->value = value;
	n->next = l->head; /* l is NULL on the third call: SIGSEGV here */
	l->head = n;
	l->length++;
}

static struct list *find_list(struct list *lists, int count, int wanted)
{
	if (wanted < count)
		return &lists[wanted];
	return NULL; /* not found: the caller should check... */
}

int main(void)
{
	struct list lists[2] = {{NULL, 0}, {NULL, 0}};

	push(find_list(lists, 2, 0), 10);
	push(find_list(lists, 2, 1), 20);
	printf("two pushes done, now a third one into list #2...\n");
	fflush(stdout);
	push(find_list(lists, 2, 2), 30); /* there is no list #2 */
	printf("not reached\n");
	return 0;
}
