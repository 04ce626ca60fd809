/* unshare(CLONE_NEWUSER): a user namespace gives "root" inside and a large kernel attack surface. */
#include "hostile.h"
#include <sched.h>

int main(void) {
	return check("unshare_user", unshare(CLONE_NEWUSER));
}
