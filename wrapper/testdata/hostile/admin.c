/* Machine-administration calls, each made in a form that changes nothing even if it ran:
 *   fsopen        fsopen("tmpfs") (the new mount API; the context is closed unused)
 *   iopl          iopl(0): the I/O privilege level every process already has
 *   settimeofday  settimeofday(NULL, NULL): asks for the permission, sets nothing
 *   finit_module  finit_module(-1, "", 0): a bad descriptor, loads nothing
 *   reboot        reboot() with wrong magic numbers, which the kernel refuses after the
 *                 permission check
 * argv[1] picks one. */
#include "hostile.h"
#include <sys/io.h>
#include <sys/time.h>

int main(int argc, char **argv) {
	const char *what = argc > 1 ? argv[1] : "";
	char name[64];
	snprintf(name, sizeof name, "admin_%s", what);
	long rc;
	if (strcmp(what, "fsopen") == 0) {
		rc = syscall(SYS_fsopen, "tmpfs", 0L);
		if (rc >= 0)
			close((int)rc);
	} else if (strcmp(what, "iopl") == 0)
		rc = syscall(SYS_iopl, 0L);
	else if (strcmp(what, "settimeofday") == 0)
		rc = syscall(SYS_settimeofday, NULL, NULL);
	else if (strcmp(what, "finit_module") == 0)
		rc = syscall(SYS_finit_module, -1L, "", 0L);
	else if (strcmp(what, "reboot") == 0)
		rc = syscall(SYS_reboot, 0L, 0L, 0L, NULL);
	else
		broken(name, "unknown call");
	return check(name, rc);
}
