/* personality(READ_IMPLIES_EXEC) makes every readable mapping executable. The query form
 * personality(0xffffffff) must keep working (glibc and gdb use it).
 * argv[1] == "hi": set the bit with garbage in the upper 32 bits of the argument, which the
 * kernel truncates away (an unsigned int parameter): a filter comparing 64 bits misses it. */
#include "hostile.h"
#include <sys/personality.h>

int main(int argc, char **argv) {
	int hi = argc > 1 && strcmp(argv[1], "hi") == 0;
	const char *name = hi ? "personality_hi" : "personality";
	long before = syscall(SYS_personality, 0xffffffffUL);
	if (before < 0)
		broken(name, "query");
	unsigned long want = (unsigned long)before | READ_IMPLIES_EXEC;
	if (hi)
		want |= 1UL << 32;
	long rc = syscall(SYS_personality, want);
	int err = rc < 0 ? errno : 0;
	long after = syscall(SYS_personality, 0xffffffffUL);
	if (after < 0)
		broken(name, "query after");
	if (err == 0 && !(after & READ_IMPLIES_EXEC))
		err = EINVAL; /* the call returned but nothing changed */
	return result(name, err, "before=%#lx after=%#lx", before, after);
}
