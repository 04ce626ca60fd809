/* Exec a set-user-ID-root program (argv[1]) to get root back. Under no_new_privs the kernel
 * ignores the set-user-ID bit. With argv[1] == "--payload" this is the setuid program itself:
 * it prints the verdict from its effective uid. */
#include "hostile.h"

int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "--payload") == 0) {
		int err = geteuid() == 0 ? 0 : EPERM;
		return result("suid_exec", err, "uid=%d euid=%d", getuid(), geteuid());
	}
	if (argc < 2)
		broken("suid_exec", "usage: suid_exec SETUID-COPY-OF-ME");
	execl(argv[1], argv[1], "--payload", (char *)NULL);
	broken("suid_exec", "execl");
}
