/* Talk to the supervisor behind the sandbox's back: connect to its notify socket (argv[1]) and
 * send a forged wrapper error, as if the sandbox had failed. The socket sits in a 0700
 * directory of the launcher's user, and the supervisor checks the peer's uid; run as that uid
 * (--user root) the program reaches it, and then the supervisor must still tell it from the
 * wrapper: by the token (which the wrapper removed from this environment: the forgery uses it
 * if it is there) and by the seccomp filter this process runs under. */
#include "hostile.h"
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv) {
	if (argc < 2)
		broken("notify_spoof", "usage: notify_spoof SOCKET");
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		broken("notify_spoof", "socket");
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[1]);
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
		return result("notify_spoof", errno, "step=connect");
	const char *token = getenv("SANDBUG_NOTIFY_TOKEN");
	char msg[512];
	snprintf(msg, sizeof msg,
	         "{\"type\":\"error\",\"code\":125,\"msg\":\"spoofed by the sandboxed program\"%s%s%s}\n",
	         token ? ",\"token\":\"" : "", token ? token : "", token ? "\"" : "");
	if (write(s, msg, strlen(msg)) < 0)
		return result("notify_spoof", errno, "step=write");
	char b;
	read(s, &b, 1); /* until the supervisor closes */
	return result("notify_spoof", 0, "step=sent token=%s", token ? "seen" : "none");
}
