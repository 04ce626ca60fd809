/* personality(READ_IMPLIES_EXEC) from a second thread: the report must name the process
 * (thread group) and the thread that made the call. (Not ptrace: a thread traced by the test
 * process would stay a zombie nobody reaps.) */
#include "hostile.h"
#include <pthread.h>
#include <sys/personality.h>

static int err, tid;

static void *attack(void *arg) {
	(void)arg;
	tid = gettid();
	long rc = syscall(SYS_personality, (unsigned long)READ_IMPLIES_EXEC);
	err = rc < 0 ? errno : 0;
	if (err == 0 && !(syscall(SYS_personality, 0xffffffffUL) & READ_IMPLIES_EXEC))
		err = EINVAL;
	return NULL;
}

int main(void) {
	pthread_t t;
	if (pthread_create(&t, NULL, attack, NULL) != 0)
		broken("thread_personality", "pthread_create");
	pthread_join(t, NULL);
	return result("thread_personality", err, "tid=%d", tid);
}
