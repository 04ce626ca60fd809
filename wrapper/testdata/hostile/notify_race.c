/* A kernel fact behind the supervisor's counts, shown without sandbug: a call waiting at a
 * SECCOMP_RET_USER_NOTIF listener and interrupted by a signal (SA_RESTART) can have its reply
 * dropped even though SECCOMP_IOCTL_NOTIF_SEND succeeded (the signal woke the thread first);
 * the call restarts and notifies again, so "successful replies" over-counts calls. With
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19) a received notification waits killably,
 * signals no longer interrupt it, and the counts are exact.
 * Usage: notify_race CALLS [killable]. Prints calls, what the program saw, and the replies that
 * the supervisor (a forked child holding the listener) saw succeed. */
#include "hostile.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static volatile sig_atomic_t ticks;
static void on_alarm(int s) {
	(void)s;
	ticks++;
}

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 20000;
	int killable = argc > 2 && strcmp(argv[2], "killable") == 0;
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_personality, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {4, f};
	volatile long *replies =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (replies == MAP_FAILED)
		broken("notify_race", "mmap");
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER |
	                      (killable ? SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV : 0);
	int lfd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (lfd < 0)
		broken("notify_race", "seccomp");
	pid_t sup = fork();
	if (sup < 0)
		broken("notify_race", "fork");
	if (sup == 0) { /* the supervisor: answer EPERM, count successful replies */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() == 1)
			_exit(0);
		for (;;) {
			struct seccomp_notif req;
			struct seccomp_notif_resp resp;
			memset(&req, 0, sizeof req);
			if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
				continue;
			memset(&resp, 0, sizeof resp);
			resp.id = req.id;
			resp.error = -EPERM;
			/* Count before replying: once the last reply lands the program may kill us at once.
			 * A failed reply is counted before the next RECV, which its restart requires. */
			replies[0]++;
			if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) {
				replies[0]--;
				replies[1]++;
			}
		}
	}
	close(lfd);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 50}, {0, 50}}, off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
	long denied = 0;
	for (long i = 0; i < n; i++)
		if (syscall(SYS_personality, (unsigned long)READ_IMPLIES_EXEC) < 0 && errno == EPERM)
			denied++;
	setitimer(ITIMER_REAL, &off, NULL);
	kill(sup, SIGKILL); /* every call was answered: nothing is pending */
	waitpid(sup, NULL, 0);
	printf("RESULT notify_race %s pid=%d calls=%ld denied=%ld ticks=%d replies_ok=%ld "
	       "replies_enoent=%ld overcount=%ld\n",
	       killable ? "killable" : "interruptible", getpid(), n, denied, (int)ticks, replies[0],
	       replies[1], replies[0] - denied);
	return 0;
}
