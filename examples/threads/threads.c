/* threads.c: four threads share the work of one sum.
 *
 * Each thread adds up its own quarter of 1..1000 into its own slot, so they
 * never write the same memory; main waits for all of them (pthread_join) and
 * adds the four partial sums. In the debugger, the threads appear in the stack pane.
 */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 4
#define N 1000

struct work {
	int first, last; /* the range this thread sums */
	long sum;        /* its result */
};

static void *sum_range(void *arg)
{
	struct work *w = arg;
	int i;

	w->sum = 0;
	for (i = w->first; i <= w->last; i++)
		w->sum += i;
	return NULL;
}

int main(void)
{
	pthread_t tid[NTHREADS];
	struct work work[NTHREADS];
	long total = 0;
	int i, err;

	for (i = 0; i < NTHREADS; i++) {
		work[i].first = i * (N / NTHREADS) + 1;
		work[i].last = (i + 1) * (N / NTHREADS);
		err = pthread_create(&tid[i], NULL, sum_range, &work[i]);
		if (err != 0) {
			printf("pthread_create failed: error %d\n", err);
			return 1;
		}
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(tid[i], NULL);
		printf("thread %d summed %d..%d = %ld\n", i, work[i].first, work[i].last, work[i].sum);
		total += work[i].sum;
	}
	printf("total = %ld\n", total);
	return 0;
}
