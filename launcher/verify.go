package launcher

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// VerifyPid reads /proc/<pid>/status and reports whether the kernel shows the process inside a
// seccomp filter sandbox: Seccomp 2 (filter mode), NoNewPrivs 1 and at least one filter. It also
// works on a zombie that has not been reaped yet.
func VerifyPid(pid int) VerifiedEvent {
	ev := VerifiedEvent{Pid: pid}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		ev.Detail = fmt.Sprintf("cannot read the status of process %d: %v", pid, err)
		return ev
	}
	return verifyStatus(pid, data)
}

func verifyStatus(pid int, status []byte) VerifiedEvent {
	ev := VerifiedEvent{Pid: pid, Seccomp: -1, Filters: -1}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			continue
		}
		switch k {
		case "Seccomp":
			ev.Seccomp = n
		case "Seccomp_filters":
			ev.Filters = n
		case "NoNewPrivs":
			ev.NoNewPrivs = n == 1
		}
	}
	var bad []string
	switch ev.Seccomp {
	case 2:
	case -1:
		bad = append(bad, "the kernel reports no seccomp state")
	case 0:
		bad = append(bad, "no seccomp filter is installed (Seccomp: 0)")
	default:
		bad = append(bad, fmt.Sprintf("seccomp is in mode %d, not filter mode 2", ev.Seccomp))
	}
	if ev.Seccomp == 2 && ev.Filters == 0 {
		bad = append(bad, "no filter is attached (Seccomp_filters: 0)")
	}
	if !ev.NoNewPrivs {
		bad = append(bad, "no_new_privs is not set")
	}
	if len(bad) > 0 {
		ev.Detail = fmt.Sprintf("process %d is NOT sandboxed: %s", pid, strings.Join(bad, "; "))
		return ev
	}
	ev.OK = true
	if ev.Filters > 0 {
		ev.Detail = fmt.Sprintf("process %d runs under %d seccomp filter(s) with no_new_privs", pid, ev.Filters)
	} else {
		// Kernels before 5.9 do not print Seccomp_filters.
		ev.Detail = fmt.Sprintf("process %d runs under a seccomp filter with no_new_privs", pid)
	}
	return ev
}
