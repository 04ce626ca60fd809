/* Check the privilege drop from the inside and try to undo it: print the credential and
 * sandbox lines of /proc/self/status, then try setuid(0)/setgid(0). "success" = back to root. */
#include "hostile.h"

static void status_line(const char *key) {
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(key);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			char *v = line + n + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = 0;
			for (char *c = v; *c; c++)
				if (*c == '\t' || *c == ' ')
					*c = ',';
			printf("STATUS %s=%s\n", key, v);
		}
	if (f)
		fclose(f);
}

int main(void) {
	const char *keys[] = {"Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapAmb",
	                      "NoNewPrivs", "Seccomp", "Seccomp_filters"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		status_line(keys[i]);
	int err = 0;
	if (setgid(0) < 0)
		err = errno;
	if (setuid(0) < 0)
		err = errno;
	if (err == 0 && (getuid() != 0 || geteuid() != 0))
		err = EPERM;
	return result("privdrop", err, "uid=%d euid=%d gid=%d", getuid(), geteuid(), getgid());
}
