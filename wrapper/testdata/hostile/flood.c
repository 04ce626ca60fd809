/* Call a forbidden syscall (personality(READ_IMPLIES_EXEC)) argv[1] times and count how each
 * call ended. With argv[2] == "storm", a 50 us interval timer interrupts the program all along
 * (SA_RESTART), so calls pending at the supervisor get interrupted and restarted. With
 * argv[2] == "threads", 8 threads share the calls. */
#include "hostile.h"
#include <signal.h>
#include <sys/personality.h>
#include <pthread.h>
#include <sys/time.h>

static volatile sig_atomic_t ticks;
static void on_alarm(int sig) { (void)sig; ticks++; }

struct share {
	long n, denied, other, succeeded;
};

static void *calls(void *arg) {
	struct share *s = arg;
	for (long i = 0; i < s->n; i++) {
		long rc = syscall(SYS_personality, (unsigned long)READ_IMPLIES_EXEC);
		if (rc >= 0)
			s->succeeded++;
		else if (errno == EPERM)
			s->denied++;
		else
			s->other++;
	}
	return NULL;
}

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 10000;
	if (argc > 2 && strcmp(argv[2], "storm") == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;
		sa.sa_flags = SA_RESTART;
		sigaction(SIGALRM, &sa, NULL);
		struct itimerval it = {{0, 50}, {0, 50}};
		setitimer(ITIMER_REAL, &it, NULL);
	}
	int nthreads = argc > 2 && strcmp(argv[2], "threads") == 0 ? 8 : 1;
	struct share sh[8];
	pthread_t t[8];
	memset(sh, 0, sizeof sh);
	for (int i = 0; i < nthreads; i++) {
		sh[i].n = n / nthreads + (i < n % nthreads);
		if (nthreads == 1)
			calls(&sh[0]);
		else if (pthread_create(&t[i], NULL, calls, &sh[i]) != 0)
			broken("flood", "pthread_create");
	}
	long denied = 0, other = 0, succeeded = 0;
	for (int i = 0; i < nthreads; i++) {
		if (nthreads > 1)
			pthread_join(t[i], NULL);
		denied += sh[i].denied;
		other += sh[i].other;
		succeeded += sh[i].succeeded;
	}
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	return result("flood", succeeded ? 0 : EPERM, "calls=%ld denied=%ld other=%ld ticks=%d", n,
	              denied, other, (int)ticks);
}
