package launcher

import (
	"errors"
	"strings"
)

// ErrNotRecording is returned by the reverse controls when gdb is not recording.
var ErrNotRecording = errors.New("not recording: press v to record first, then step; reverse steps go back through what was recorded")

// RecordEvent says that gdb's process record (`record full`, the history reverse stepping
// goes back through) started or stopped. Reason says why it stopped when the user did not
// stop it: an instruction or system call gdb cannot record, or the program's end.
type RecordEvent struct {
	On     bool
	Reason string
}

func (RecordEvent) isEvent() {}

// Stop reasons of reverse execution.
const (
	// StopNoHistory: a reverse (or replayed) command reached the end of the recorded history.
	StopNoHistory StopReason = "no-history"
	// StopRecordFailed: gdb could not record the next instruction and stopped the program
	// (the RecordEvent before it says which).
	StopRecordFailed StopReason = "record-failed"
)

// glibcNoAVX is the GLIBC_TUNABLES value of debug sessions: glibc's string functions then
// choose their SSE2 versions, which gdb's `record full` can record (it does not know AVX and
// AVX-512 instructions: "Process record does not support instruction 0x62"). These are the
// feature names glibc 2.33 and later accept (no "_Usable" suffix: ld.so --list-diagnostics
// shows the bits change).
const glibcNoAVX = "glibc.cpu.hwcaps=-AVX,-AVX2,-AVX512F,-AVX512BW,-AVX512VL,-AVX512DQ,-AVX512CD"

// debugTunables returns GLIBC_TUNABLES for a debug session: glibcNoAVX, then the user's own.
func debugTunables(own string) string {
	if own == "" {
		return glibcNoAVX
	}
	return glibcNoAVX + ":" + own
}

var (
	recordFailRE = lazyRE(`^Process record (?:and replay target )?(?:does not|doesn't) support (.*?)\.?$`)
	recordAddrRE = lazyRE(`instruction (0x[0-9a-f]+) at address (0x[0-9a-f]+)`)
)

// recordFailure reads a gdb message that ends recording ("Process record does not support
// instruction 0x62 at address 0x7ffff7f3cac2."): what gdb could not record, in a sentence.
func recordFailure(line string) (string, bool) {
	m := recordFailRE().FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return "", false
	}
	what := m[1]
	if a := recordAddrRE().FindStringSubmatch(what); a != nil {
		what = "instruction " + a[1] + " at " + a[2]
		if a[1] == "0x62" || a[1] == "0xc4" || a[1] == "0xc5" {
			what += " (AVX code)"
		}
	}
	return "recording stopped: gdb cannot record " + what + "; reverse stepping goes back only to where it started", true
}
