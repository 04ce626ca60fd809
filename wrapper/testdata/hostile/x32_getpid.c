/* An x32 syscall number (bit 0x40000000) through the 64-bit syscall instruction. Most kernels
 * lack x32 (ENOSYS); the sandbox must kill it (SIGSYS) whatever the kernel supports. */
#include "hostile.h"

int main(void) {
	long ret;
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(0x40000000L | SYS_getpid)
	                 : "rcx", "r11", "memory");
	return result("x32_getpid", ret < 0 ? (int)-ret : 0, "ret=%ld", ret);
}
