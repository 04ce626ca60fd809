/* thread_call: a second thread makes the personality(1) call while the main thread waits for
 * it; prints the pid, the calling thread's tid and the result. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *worker(void *arg) {
	printf("pid=%d tid=%d\n", (int)getpid(), (int)gettid());
	fflush(stdout);
	long r = syscall(SYS_personality, 1, 22, 33, 44, 55, 66);
	printf("result=%ld errno=%d\n", r, r == -1 ? errno : 0);
	fflush(stdout);
	return arg;
}

int main(void) {
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL)) { perror("pthread_create"); return 2; }
	pthread_join(t, NULL);
	return 0;
}
