package wrapper

import (
	"bytes"
	"unsafe"

	"golang.org/x/sys/unix"
)

// preparedFailures are the reports of a failed execve, encoded while the Go runtime may still
// map memory. Once RLIMIT_AS is set (just before the execve), a new mapping is fatal: a failed
// execve that then built its report (fmt, JSON) died now and then with "fatal error: runtime:
// out of memory" and exit status 2 instead of saying why the program could not start (1 run in
// 100 under load). So with a memory limit the failure path only picks prepared bytes and writes
// them with plain system calls.
type preparedFailures struct {
	known   map[unix.Errno]*preparedFailure
	generic *preparedFailure // "errno ###", the digits written in at report time
}

type preparedFailure struct {
	err        *ExitError
	msg        []byte // the MsgError line for the supervisor
	line       []byte // the line for stderr
	msgDigits  int    // generic: where "###" is in msg
	lineDigits int    // and in line
}

// genericErrno is the placeholder prepareFailures puts where report writes the errno.
const genericErrno = "###"

// failureErrnos are the errnos prepared with execFailure's words: those it has its own words
// for, and the others execve documents; any other gets the generic report.
var failureErrnos = []unix.Errno{unix.ENOEXEC, unix.ENOENT, unix.EACCES, unix.EPERM, unix.ELIBBAD,
	unix.ETXTBSY, unix.E2BIG, unix.ENOMEM, unix.ELOOP, unix.ENAMETOOLONG, unix.EISDIR, unix.ENOTDIR,
	unix.EINVAL, unix.EIO, unix.EMFILE, unix.ENFILE, unix.EAGAIN, unix.EFAULT}

func prepareFailures(path, token string) *preparedFailures {
	p := &preparedFailures{known: make(map[unix.Errno]*preparedFailure, len(failureErrnos))}
	prep := func(e *ExitError) *preparedFailure {
		msg, line := failureBytes(e, token)
		return &preparedFailure{err: e, msg: msg, line: line}
	}
	for _, e := range failureErrnos {
		p.known[e] = prep(execFailure(path, e))
	}
	g := prep(exitErrorf(ExitNotExecutable, "cannot start %s: the kernel refused it (errno %s)", path, genericErrno))
	g.msgDigits = bytes.LastIndex(g.msg, []byte(genericErrno))
	g.lineDigits = bytes.LastIndex(g.line, []byte(genericErrno))
	p.generic = g
	return p
}

// report tells the supervisor (when connected) and stderr why the execve failed with e, as
// fail does, without allocating, and returns the prepared error.
func (p *preparedFailures) report(r *runner, e unix.Errno) *ExitError {
	f := p.known[e]
	if f == nil {
		f = p.generic
		n := int(e)
		for i := 2; i >= 0; i-- {
			d := byte('0' + n%10)
			f.msg[f.msgDigits+i], f.line[f.lineDigits+i] = d, d
			n /= 10
		}
		// The message's text is the line's, between "sandbug-wrapper: " and the newline.
		f.err.Msg = unsafe.String(&f.line[len("sandbug-wrapper: ")], len(f.line)-len("sandbug-wrapper: ")-1)
	}
	r.tell(f.msg, f.line)
	return f.err
}
