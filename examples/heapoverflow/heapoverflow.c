/* heapoverflow.c: a loop that writes one element past the end of a malloc()ed array.
 *
 * Without a sanitizer this program usually prints its scores and exits normally: the
 * extra int lands in glibc's padding after the block, and nobody notices. Built with
 * --sanitize=address (the lesson's default), AddressSanitizer stops it at the very write.
 */
#include <stdio.h>
#include <stdlib.h>

static int *make_scores(int n)
{
	int *scores = malloc(n * sizeof(int));

	if (scores == NULL)
		exit(1);
	return scores;
}

static void fill_scores(int *scores, int n)
{
	for (int i = 0; i <= n; i++) /* <= : one element too many */
		scores[i] = 10 * i;
}

int main(void)
{
	int n = 5;
	int *scores = make_scores(n);

	printf("filling %d scores\n", n);
	fflush(stdout);
	fill_scores(scores, n);
	printf("last score: %d\n", scores[n - 1]);
	free(scores);
	return 0;
}
