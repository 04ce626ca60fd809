/* floor-notify FILTER PROG [ARGS...]: the C floor of sandbug's supervisor (issue 17). The child
 * installs FILTER (compiled with -notify: denied calls become USER_NOTIF) with a new listener,
 * hands the listener to the parent over a socket and execs PROG. The parent answers every
 * notification of a denied call with EPERM (the calls the filter passes on for other reasons run
 * on), with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP set, counts them, and prints the count when
 * the listener hangs up (the program is gone). No events, no report, no liveness check. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#define PTRACE_NR 101

int main(int argc, char **argv) {
	static struct sock_filter prog[4096];
	if (argc < 3) { fprintf(stderr, "usage: floor-notify FILTER PROG [ARGS...]\n"); return 2; }
	int fd = open(argv[1], O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, prog, sizeof prog);
	if (n <= 0 || n % sizeof prog[0]) { perror("floor-notify: filter"); return 2; }
	close(fd);
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp)) { perror("socketpair"); return 2; }
	char cbuf[CMSG_SPACE(sizeof(int))] = {0}, one = 0;
	struct iovec iov = {&one, 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	pid_t pid = fork();
	if (pid == 0) {
		struct sock_fprog fp = {.len = n / sizeof prog[0], .filter = prog};
		int lfd;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    (lfd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp)) < 0) {
			perror("floor-notify: seccomp");
			_exit(2);
		}
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS, c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &lfd, sizeof lfd);
		if (sendmsg(sp[1], &msg, 0) != 1) _exit(2);
		close(lfd);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	close(sp[1]);
	if (recvmsg(sp[0], &msg, 0) != 1) { fprintf(stderr, "floor-notify: no listener\n"); return 2; }
	int lfd;
	memcpy(&lfd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof lfd);
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP))
		perror("floor-notify: SYNC_WAKE_UP (going on without it)");
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	long denied = 0;
	for (;;) {
		struct pollfd p = {lfd, POLLIN};
		if (poll(&p, 1, -1) < 0 && errno != EINTR) break;
		if (p.revents & POLLIN) {
			memset(&req, 0, sizeof req);
			if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req)) continue; /* the caller died meanwhile */
			memset(&resp, 0, sizeof resp);
			resp.id = req.id;
			if (req.data.nr == PTRACE_NR) resp.error = -EPERM, denied++;
			else resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		} else if (p.revents & (POLLHUP | POLLERR)) break;
	}
	int st;
	waitpid(pid, &st, 0);
	fprintf(stderr, "floor-notify: %ld denied\n", denied);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
