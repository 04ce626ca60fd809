/* linkedlist.c: structs joined by pointers.
 *
 * Each node holds a value and the address of the next node; the last one points
 * to NULL. Expand `head` in the locals pane and follow the next pointers.
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
	int value;
	struct node *next;
};

/* prepend returns a new list: a node holding value, followed by head. */
static struct node *prepend(struct node *head, int value)
{
	struct node *n = malloc(sizeof *n);

	if (n == NULL) {
		perror("malloc");
		exit(1);
	}
	n->value = value;
	n->next = head;
	return n;
}

/* print_list walks the list from head to the NULL at its end. */
static void print_list(const struct node *head)
{
	const struct node *p;

	printf("list:");
	for (p = head; p != NULL; p = p->next)
		printf(" %d ->", p->value);
	printf(" NULL\n");
}

/* sum adds up the values. */
static int sum(const struct node *head)
{
	int total = 0;

	while (head != NULL) {
		total += head->value;
		head = head->next;
	}
	return total;
}

int main(void)
{
	struct node *head = NULL;
	struct node *next;
	int i;

	for (i = 3; i >= 1; i--)
		head = prepend(head, i);
	print_list(head);
	printf("sum = %d\n", sum(head));

	/* free every node: save next before freeing the node that holds it */
	while (head != NULL) {
		next = head->next;
		free(head);
		head = next;
	}
	return 0;
}
