/* Install a seccomp filter of its own (an allow-all one). argv[1] picks the door:
 * "prctl" prctl(PR_SET_SECCOMP), "prctl_hi" the same with garbage in the upper 32 bits of the
 * option (the kernel truncates it: prctl's option is an int), "seccomp" seccomp(2). */
#include "hostile.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

int main(int argc, char **argv) {
	const char *mode = argc > 1 ? argv[1] : "seccomp";
	char name[64];
	snprintf(name, sizeof name, "seccomp_%s", mode);
	struct sock_filter ins[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_fprog prog = {1, ins};
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); /* required unprivileged; already set in the sandbox */
	long rc;
	if (strcmp(mode, "prctl") == 0)
		rc = syscall(SYS_prctl, (long)PR_SET_SECCOMP, (long)SECCOMP_MODE_FILTER, &prog, 0L, 0L);
	else if (strcmp(mode, "prctl_hi") == 0)
		rc = syscall(SYS_prctl, (1L << 32) | PR_SET_SECCOMP, (long)SECCOMP_MODE_FILTER, &prog, 0L,
		             0L);
	else if (strcmp(mode, "seccomp") == 0)
		rc = syscall(SYS_seccomp, (long)SECCOMP_SET_MODE_FILTER, 0L, &prog);
	else
		broken(name, "unknown mode");
	return check(name, rc);
}
