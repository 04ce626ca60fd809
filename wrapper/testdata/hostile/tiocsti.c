/* ioctl(0, TIOCSTI, "x") pushes a keystroke into the input of the terminal on stdin: on the
 * launcher's terminal that runs commands as the user. stdin must be a terminal.
 * argv[1] == "hi": the request number with garbage in the upper 32 bits, which the kernel
 * truncates away (ioctl's cmd is an unsigned int). */
#include "hostile.h"
#include <sys/ioctl.h>

int main(int argc, char **argv) {
	int hi = argc > 1 && strcmp(argv[1], "hi") == 0;
	const char *name = hi ? "tiocsti_hi" : "tiocsti";
	if (!isatty(0))
		broken(name, "stdin is not a terminal");
	unsigned long req = TIOCSTI;
	if (hi)
		req |= 1UL << 32;
	char c = 'x';
	return check(name, syscall(SYS_ioctl, 0L, req, &c));
}
