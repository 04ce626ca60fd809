/* hostile.h: shared helpers for the hostile and benign test programs of sandbug's wrapper.
 *
 * Every hostile program tries ONE attack and prints exactly one machine-readable line:
 *   RESULT <name> success pid=<pid> [key=value ...]     the attack worked      -> exit 1
 *   RESULT <name> errno=<ENAME> pid=<pid> [key=value ...] the attack failed    -> exit 0
 * Exit 2 means the program could not even set up its attack (a broken test, not a verdict).
 * A program killed by the kernel (SIGSYS, SIGXCPU, SIGXFSZ) prints nothing: the wait status
 * is the verdict. Tests compile these with gcc -I<this directory>. */
#ifndef SANDBUG_HOSTILE_H
#define SANDBUG_HOSTILE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((unused)) static const char *errname(int e) {
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

/* result prints the RESULT line; err == 0 means the attack succeeded. Extra text (key=value
 * pairs) follows the pid. It returns the exit status the program should use. */
__attribute__((unused)) static int result(const char *name, int err, const char *fmt, ...) {
	char extra[512] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(extra, sizeof extra, fmt, ap);
		va_end(ap);
	}
	if (err == 0)
		printf("RESULT %s success pid=%d%s%s\n", name, getpid(), extra[0] ? " " : "", extra);
	else
		printf("RESULT %s errno=%s pid=%d%s%s\n", name, errname(err), getpid(),
		       extra[0] ? " " : "", extra);
	fflush(stdout);
	return err == 0 ? 1 : 0;
}

/* check turns a syscall's return value into a RESULT line: rc < 0 failed (errno), else success. */
__attribute__((unused)) static int check(const char *name, long rc) {
	return result(name, rc < 0 ? errno : 0, NULL);
}

/* broken reports that the attack could not be set up, and exits 2. */
__attribute__((unused)) static void broken(const char *name, const char *what) {
	printf("RESULT %s broken pid=%d what=%s errno=%s\n", name, getpid(), what, errname(errno));
	fflush(stdout);
	exit(2);
}

#endif
