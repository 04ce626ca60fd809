/* Loading a new kernel to boot into (kexec) replaces the running kernel for every user.
 *   load       kexec_load(0, nr_segments = KEXEC_SEGMENT_MAX + 1, NULL, KEXEC_ARCH_DEFAULT)
 *   file_load  kexec_file_load(-1, -1, 0, NULL, flags = an undefined bit)
 * Both are made in a form that does nothing even if the permission check passed: the kernel
 * refuses the segment count / flags with EINVAL right after that check and before it touches
 * any loaded image. (kexec_load with 0 segments would UNLOAD the loaded or crash kernel, and
 * kexec_file_load with KEXEC_FILE_UNLOAD likewise: never use those forms.) argv[1] picks one. */
#include "hostile.h"
#include <linux/kexec.h>

int main(int argc, char **argv) {
	const char *what = argc > 1 ? argv[1] : "";
	char name[64];
	snprintf(name, sizeof name, "kexec_%s", what);
	long rc;
	if (strcmp(what, "load") == 0)
		rc = syscall(SYS_kexec_load, 0L, (long)KEXEC_SEGMENT_MAX + 1, NULL, (long)KEXEC_ARCH_DEFAULT);
	else if (strcmp(what, "file_load") == 0)
		rc = syscall(SYS_kexec_file_load, -1L, -1L, 0L, NULL, 1L << 30);
	else
		broken(name, "unknown call");
	return check(name, rc);
}
