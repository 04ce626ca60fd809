/* Several pthreads (glibc tries clone3 first, then clone), a mutex, and joins. */
#include <pthread.h>
#include <stdio.h>

#define N 8
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *work(void *arg) {
	long id = (long)arg;
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&mu);
		total += id;
		pthread_mutex_unlock(&mu);
	}
	return (void *)(id * 2);
}

int main(void) {
	pthread_t t[N];
	for (long i = 0; i < N; i++)
		if (pthread_create(&t[i], NULL, work, (void *)i) != 0) {
			printf("pthread_create failed\n");
			return 2;
		}
	long ret = 0;
	for (int i = 0; i < N; i++) {
		void *r;
		pthread_join(t[i], &r);
		ret += (long)r;
	}
	printf("threads ok total=%ld ret=%ld\n", total, ret);
	return 0;
}
