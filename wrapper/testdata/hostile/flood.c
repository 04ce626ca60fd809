/* Call a forbidden syscall (personality(READ_IMPLIES_EXEC)) argv[1] times and count how each
 * call ended. With argv[2] == "storm", a 50 us interval timer interrupts the program all along
 * (SA_RESTART), so calls pending at the supervisor get interrupted and restarted: each call must
 * still be counted once. */
#include "hostile.h"
#include <signal.h>
#include <sys/personality.h>
#include <sys/time.h>

static volatile sig_atomic_t ticks;
static void on_alarm(int sig) { (void)sig; ticks++; }

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
	long denied = 0, other = 0, succeeded = 0;
	for (long i = 0; i < n; i++) {
		long rc = syscall(SYS_personality, (unsigned long)READ_IMPLIES_EXEC);
		if (rc >= 0)
			succeeded++;
		else if (errno == EPERM)
			denied++;
		else
			other++;
	}
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	return result("flood", succeeded ? 0 : EPERM, "calls=%ld denied=%ld other=%ld ticks=%d", n,
	              denied, other, (int)ticks);
}
