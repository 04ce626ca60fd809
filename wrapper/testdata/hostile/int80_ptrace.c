/* The i386 ABI from a 64-bit program: int $0x80 with eax=26 is ptrace(PTRACE_TRACEME) in the
 * 32-bit table. A filter that checks only x86_64 numbers would read 26 as sched_yield... The
 * sandbox must kill any non-x86_64 call outright (SIGSYS) before the policy runs. */
#include "hostile.h"

int main(void) {
	long ret;
	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"(26L), "b"(0L), "c"(0L), "d"(0L), "S"(0L)
	                 : "memory", "r8", "r9", "r10", "r11");
	return result("int80_ptrace", ret < 0 ? (int)-ret : 0, "ret=%ld", ret);
}
