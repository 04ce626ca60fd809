/* peer SOCKET [stdin|error|error-nofd]: installs an allow-all filter with a listener, connects
 * to a supervisor socket, sends a well-formed hello with the real listener fd (or, with "stdin",
 * fd 0 instead), and prints what came back: "ack" or "closed". With "error" it installs the
 * filter before it connects (as a sandboxed program is) and sends a wrapper error message with
 * the listener; "error-nofd" sends the same error without it. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int install(void) {
	struct sock_filter f[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_fprog p = {1, f};
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &p);
}

int main(int argc, char **argv) {
	if (argc < 2) return 2;
	const char *mode = argc > 2 ? argv[2] : "";
	int early = !strncmp(mode, "error", 5);
	int fd = -1;
	if (early && (fd = install()) < 0) { perror("seccomp"); return 1; }
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
	if (connect(s, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
	char msg[160];
	int n;
	if (early)
		n = snprintf(msg, sizeof msg, "{\"type\":\"error\",\"code\":125,\"msg\":\"peer %s\"}\n", mode);
	else
		n = snprintf(msg, sizeof msg, "{\"type\":\"hello\",\"pid\":%d,\"program\":\"x\",\"policy\":\"p\"}\n", (int)getpid());
	if (!early && (fd = install()) < 0) { perror("seccomp"); return 1; }
	if (!strcmp(mode, "stdin")) fd = 0;
	char cbuf[CMSG_SPACE(sizeof fd)] = {0};
	struct iovec iov = {.iov_base = msg, .iov_len = n};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof fd);
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	if (!strcmp(mode, "error-nofd")) mh.msg_control = NULL, mh.msg_controllen = 0;
	if (sendmsg(s, &mh, MSG_NOSIGNAL) < 0) { printf("closed\n"); return 0; }
	char b;
	ssize_t r = read(s, &b, 1);
	printf(r == 1 ? "ack\n" : "closed\n");
	return 0;
}
