/* Signal handlers: raise(SIGUSR1), kill(getpid()), sigprocmask, and alarm with pause. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, alrm;

static void on_usr1(int sig) { (void)sig; usr1++; }
static void on_alrm(int sig) { (void)sig; alrm++; }

int main(void) {
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_alrm;
	sigaction(SIGALRM, &sa, NULL);
	raise(SIGUSR1);
	kill(getpid(), SIGUSR1);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1); /* pending until unblocked */
	int before = usr1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	alarm(1);
	while (!alrm)
		pause();
	printf("signals ok usr1=%d blocked_before=%d alrm=%d\n", (int)usr1, before, (int)alrm);
	return 0;
}
