package launcher

import "strings"

// shellEscape reports whether a gdb console command would start a program of gdb's own: gdb
// runs it outside the sandbox, as the user, with its output on gdb's terminal rather than in
// MI (so the console would show nothing). It returns the command's name for the message.
func shellEscape(cmd string) (string, bool) {
	c := strings.TrimSpace(cmd)
	if strings.HasPrefix(c, "!") || strings.HasPrefix(c, "|") {
		return "`" + c[:1] + "`", true
	}
	word, _, _ := strings.Cut(c, " ")
	switch word {
	case "shell", "she", "shel", "pipe", "make":
		return "`" + word + "`", true
	}
	return "", false
}
