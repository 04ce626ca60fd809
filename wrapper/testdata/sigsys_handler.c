/* sigsys_handler: counts SIGSYS in a handler (SA_RESTART), makes the personality(1) call and
 * prints handled=N result=R errno=E. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_sigsys(int sig) { (void)sig; handled++; }

int main(void) {
	struct sigaction sa = {.sa_handler = on_sigsys, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
	long r = syscall(SYS_personality, 1);
	printf("handled=%d result=%ld errno=%d\n", (int)handled, r, r == -1 ? errno : 0);
	return 0;
}
