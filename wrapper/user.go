package wrapper

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Credential is the user the program runs as.
type Credential struct {
	Name     string
	Uid, Gid int
}

// Nobody is the unprivileged user a program started by root runs as when no --user is given.
var Nobody = Credential{Name: "nobody", Uid: 65534, Gid: 65534}

// LookupUser resolves a user name or numeric uid through /etc/passwd (read directly, so the
// wrapper stays a static binary without cgo). A numeric uid with no passwd entry gets gid = uid.
func LookupUser(spec string) (Credential, error) {
	f, err := os.Open("/etc/passwd")
	if err != nil {
		f = nil
	}
	if f != nil {
		defer f.Close()
	}
	return lookupUser(spec, f)
}

func lookupUser(spec string, passwd io.Reader) (Credential, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return Credential{}, fmt.Errorf("--user: empty user name")
	}
	num, numErr := strconv.ParseUint(spec, 10, 31)
	if passwd != nil {
		sc := bufio.NewScanner(passwd)
		for sc.Scan() {
			fields := strings.Split(sc.Text(), ":")
			if len(fields) < 4 || strings.HasPrefix(fields[0], "#") {
				continue
			}
			uid, err1 := strconv.ParseUint(fields[2], 10, 31)
			gid, err2 := strconv.ParseUint(fields[3], 10, 31)
			if err1 != nil || err2 != nil {
				continue
			}
			if fields[0] == spec || (numErr == nil && uid == num) {
				return Credential{Name: fields[0], Uid: int(uid), Gid: int(gid)}, nil
			}
		}
	}
	if numErr == nil {
		return Credential{Name: spec, Uid: int(num), Gid: int(num)}, nil
	}
	if spec == Nobody.Name {
		return Nobody, nil
	}
	return Credential{}, fmt.Errorf("--user %s: no such user in /etc/passwd", spec)
}
