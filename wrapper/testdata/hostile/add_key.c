/* add_key: the kernel keyring is shared state and attack surface. The key goes into the process
 * keyring, which dies with the program. */
#include "hostile.h"
#include <linux/keyctl.h>

int main(void) {
	return check("add_key", syscall(SYS_add_key, "user", "sandbug:hostile", "x", 1L,
	                                (long)KEY_SPEC_PROCESS_KEYRING));
}
