/* ptrace(PTRACE_TRACEME): ask to be traced by the parent (the debugger, the launcher).
 * With argv[1] == "wait" it first reads one byte from stdin, so a test can act in between. */
#include "hostile.h"
#include <sys/ptrace.h>

int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "wait") == 0) {
		char b;
		if (read(0, &b, 1) != 1)
			broken("ptrace_traceme", "read stdin");
	}
	return check("ptrace_traceme", ptrace(PTRACE_TRACEME, 0, 0, 0));
}
