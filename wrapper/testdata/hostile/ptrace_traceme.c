/* ptrace(PTRACE_TRACEME): ask to be traced by the parent (the debugger, the launcher). */
#include "hostile.h"
#include <sys/ptrace.h>

int main(void) {
	return check("ptrace_traceme", ptrace(PTRACE_TRACEME, 0, 0, 0));
}
