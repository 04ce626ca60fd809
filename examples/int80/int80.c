/* int80.c: the 32-bit back door, and why the sandbox keeps it shut.
 *
 * An x86_64 program can still make 32-bit (i386) system calls with the old
 * `int $0x80` instruction, and the numbers there are different: ptrace is 101
 * on x86_64 but 26 on i386. A filter that only knows the 64-bit numbers would
 * let this call through. sandbug's filter checks the architecture first and
 * kills the program for any call that is not x86_64.
 */
#include <stdio.h>

int main(void)
{
	long ret;

	printf("calling ptrace(PTRACE_TRACEME) through the 32-bit entry, int $0x80...\n");
	fflush(stdout);
	/* eax = 26 (i386 ptrace), ebx = 0 (PTRACE_TRACEME), ecx = edx = 0 */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(26L), "b"(0L), "c"(0L), "d"(0L)
			 : "memory");
	printf("ptrace returned %ld: the 32-bit call went through\n", ret);
	return 0;
}
