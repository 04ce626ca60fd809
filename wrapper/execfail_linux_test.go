package wrapper

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
	"golang.org/x/sys/unix"
)

// TestFailedExecUnderMemLimit: with a memory limit, RLIMIT_AS is set just before the execve, and
// a failed execve is reported from bytes prepared before it (a report built afterwards died now
// and then with "fatal error: runtime: out of memory", exit 2). Each start the kernel refuses
// still exits with its code and one line saying why, 20 times in a row.
func TestFailedExecUnderMemLimit(t *testing.T) {
	dir := testbin.WorldDir(t)
	notELF := filepath.Join(dir, "notelf")
	script := filepath.Join(dir, "script")
	os.WriteFile(notELF, []byte("just some text\n"), 0o755)
	os.WriteFile(script, []byte("#!/no/such/interpreter\necho hi\n"), 0o755)
	for _, tc := range []struct {
		prog string
		code int
		msg  string
	}{
		{notELF, ExitNotExecutable, "not a program this machine can run"},
		{script, ExitNotFound, "its interpreter is missing"},
	} {
		for i := 0; i < 20; i++ {
			r := runWrapper(t, "--limit", "mem=64M", "--", tc.prog)
			if got := exitCode(r.err); got != tc.code || strings.Count(r.stderr, "\n") != 1 ||
				!strings.HasPrefix(r.stderr, "sandbug-wrapper: cannot start "+tc.prog+": ") || !strings.Contains(r.stderr, tc.msg) {
				t.Fatalf("run %d of %s under mem=64M: exit %d (want %d), stderr %q", i, tc.prog, got, tc.code, r.stderr)
			}
		}
	}
}

// TestPreparedFailureGeneric: an errno without prepared words gets the generic report with its
// number, in the line, the message to the supervisor and the returned error alike.
func TestPreparedFailureGeneric(t *testing.T) {
	p := prepareFailures("/x/prog", "tok")
	var stderr bytes.Buffer
	r := &runner{cfg: ExecConfig{Stderr: &stderr}, conn: -1, listener: -1}
	err := p.report(r, unix.Errno(123))
	want := "cannot start /x/prog: the kernel refused it (errno 123)"
	if err.Code != ExitNotExecutable || err.Msg != want || stderr.String() != "sandbug-wrapper: "+want+"\n" {
		t.Fatalf("generic report: %d %q, stderr %q", err.Code, err.Msg, stderr.String())
	}
	m, derr := decodeMessage(p.generic.msg)
	if derr != nil || m.Msg != want || m.Code != ExitNotExecutable || m.Token != "tok" {
		t.Fatalf("message to the supervisor: %+v %v", m, derr)
	}
	stderr.Reset()
	if err := p.report(r, unix.EPERM); err.Msg != execFailure("/x/prog", unix.EPERM).Msg || !strings.Contains(stderr.String(), "refused by the sandbox's policy") {
		t.Fatalf("EPERM report: %q, stderr %q", err.Msg, stderr.String())
	}
}
