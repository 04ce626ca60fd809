/* signals.c: signals and a handler.
 *
 * A signal interrupts the program wherever it is and runs a handler function,
 * if one is installed (otherwise the default action, often death). Here the
 * program sends itself SIGUSR1 three times, then asks for a SIGALRM in one
 * second and sleeps in pause() until it arrives.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Handlers may only touch variables of this type safely. */
static volatile sig_atomic_t usr1_count;
static volatile sig_atomic_t alarm_rang;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		usr1_count++; /* put a breakpoint here */
	else if (sig == SIGALRM)
		alarm_rang = 1;
}

int main(void)
{
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);

	for (i = 0; i < 3; i++)
		raise(SIGUSR1); /* the handler runs before raise returns */
	printf("SIGUSR1 handled %d times\n", (int)usr1_count);

	alarm(1); /* SIGALRM in one second */
	while (!alarm_rang)
		pause(); /* sleeps until a signal arrives */
	printf("SIGALRM arrived: the alarm rang\n");
	return 0;
}
