/* mount a tmpfs over argv[1] (and unmount it at once if that worked). */
#include "hostile.h"
#include <sys/mount.h>

int main(int argc, char **argv) {
	if (argc < 2)
		broken("mount", "usage: mount DIR");
	int rc = mount("sandbug", argv[1], "tmpfs", 0, "size=1m");
	int err = rc < 0 ? errno : 0;
	if (rc == 0)
		umount(argv[1]);
	return result("mount", err, NULL);
}
