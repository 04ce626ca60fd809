package launcher

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/sandbug/sandbug/wrapper"
)

// Temporary folders of a run are named <prefix><owner pid>-<random> in os.TempDir(), so that a
// later sandbug can tell the folders of a sandbug that was killed (SIGKILL, the OOM killer)
// from those of one still running, and remove them.
var tempPrefixes = []string{"sandbug-session-", "sandbug-notify-", "sandbug-demo-"}

// TempPattern is the os.MkdirTemp pattern for a run's temporary folder with the given prefix
// (one of "sandbug-session-", "sandbug-notify-", "sandbug-demo-").
func TempPattern(prefix string) string {
	return prefix + strconv.Itoa(os.Getpid()) + "-*"
}

var sweepOnce sync.Once

// SweepStale removes, once per process, the temporary folders left by sandbug processes of
// this user that are gone. It returns how many it removed. Folders of other users, of live
// processes, and names it does not know are left alone.
func SweepStale() (removed int) {
	sweepOnce.Do(func() { removed = sweepStale(os.TempDir()) })
	return removed
}

func sweepStale(dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	uid := os.Geteuid()
	n := 0
	for _, e := range entries {
		pid, ok := ownerPid(e.Name())
		if !ok || !e.IsDir() || pid == os.Getpid() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok || int(st.Uid) != uid {
			continue
		}
		// The owner holds a lock on the folder for its whole life (wrapper.LockRunDir): a pid
		// alone is not enough (a sandbug in another pid namespace sees live owners as gone).
		p := filepath.Join(dir, e.Name())
		if !wrapper.RunDirAbandoned(p) {
			continue
		}
		if os.RemoveAll(p) == nil {
			n++
		}
	}
	return n
}

// ownerPid returns the pid in a name made by TempPattern.
func ownerPid(name string) (int, bool) {
	for _, p := range tempPrefixes {
		rest, ok := strings.CutPrefix(name, p)
		if !ok {
			continue
		}
		digits, _, ok := strings.Cut(rest, "-")
		if !ok {
			return 0, false
		}
		pid, err := strconv.Atoi(digits)
		return pid, err == nil && pid > 0
	}
	return 0, false
}
