/* ioctl(0, TIOCLINUX, &subcode) drives the Linux virtual console: its selection subcodes
 * (TIOCL_SETSEL, TIOCL_PASTESEL) paste text into the console's input, like TIOCSTI. The
 * subcode here is the harmless TIOCL_GETSHIFTSTATE (a query); stdin must be a terminal. On a
 * pty, which is not a virtual console, the kernel itself refuses the call (ENOTTY/EINVAL).
 * argv[1] == "hi": the request number with garbage in the upper 32 bits, which the kernel
 * truncates away (ioctl's cmd is an unsigned int). */
#include "hostile.h"
#include <linux/tiocl.h>
#include <sys/ioctl.h>

int main(int argc, char **argv) {
	int hi = argc > 1 && strcmp(argv[1], "hi") == 0;
	const char *name = hi ? "tioclinux_hi" : "tioclinux";
	if (!isatty(0))
		broken(name, "stdin is not a terminal");
	unsigned long req = TIOCLINUX;
	if (hi)
		req |= 1UL << 32;
	char subcode[2] = {TIOCL_GETSHIFTSTATE, 0};
	return check(name, syscall(SYS_ioctl, 0L, req, subcode));
}
