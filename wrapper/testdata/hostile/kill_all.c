/* kill(-1, SIGKILL): every process the caller may signal, which for root is everything but init.
 * Run only inside `unshare --pid --fork --mount-proc` (see pidns_guard.h); the test checks that
 * a sibling process in that namespace survived. The kernel returns 0 when it found processes
 * even if it could signal none of them, so "success" here only means the call was not refused:
 * the sibling's fate is the verdict. */
#include "pidns_guard.h"
#include <signal.h>

int main(int argc, char **argv) {
	pidns_guard("kill_all", argc, argv);
	return check("kill_all", kill(-1, SIGKILL));
}
