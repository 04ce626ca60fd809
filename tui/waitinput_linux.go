package tui

import (
	"os"
	"strconv"
	"strings"
)

// waitsForInput reports whether the process pid is blocked reading its standard input. While a
// task sleeps in a system call, /proc/<pid>/syscall shows the call's number and arguments:
// "0 0x0 ..." is read(0, ...) on x86_64, the only architecture the sandbox supports. When that
// file cannot be read (another uid), wchan n_tty_read or wait_woken with state S (sleeping) is
// taken instead: the terminal's line discipline waiting for a line.
func waitsForInput(pid int) bool {
	if pid <= 0 {
		return false
	}
	dir := "/proc/" + strconv.Itoa(pid) + "/"
	if b, err := os.ReadFile(dir + "syscall"); err == nil {
		f := strings.Fields(string(b))
		return len(f) >= 2 && f[0] == "0" && f[1] == "0x0"
	}
	w, err := os.ReadFile(dir + "wchan")
	if err != nil {
		return false
	}
	st, err := os.ReadFile(dir + "stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which may itself hold spaces and parentheses.
	s := string(st)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) || s[i+2] != 'S' {
		return false
	}
	wchan := string(w)
	return wchan == "n_tty_read" || wchan == "wait_woken"
}
