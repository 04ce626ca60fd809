package launcher

import (
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/sandbug/sandbug/gdbmi"
)

// Library reports whether gdb's own description of the frame places it outside the user's
// program source, without touching the file system:
//   - its object (From) is a shared library;
//   - its source is a system one (/usr/..., glibc, sysdeps);
//   - its File, as compiled, climbs out of the compilation directory ("../sysdeps/.../ptrace.c")
//     and FullName is not that same file: gdb resolves such a name by its base name along the
//     source path, so glibc's ../sysdeps/unix/sysv/linux/ptrace.c becomes the user's own
//     ptrace.c. A user's "../src/list.c" whose FullName ends in /src/list.c stays user source.
//     The same holds for a name with folders that does not climb ("./assert/assert.c").
func (f Frame) Library() bool {
	if f.From != "" && isSharedObject(f.From) {
		return true
	}
	if isSystemSource(f.File) || isSystemSource(f.FullName) {
		return true
	}
	if f.File != "" && !path.IsAbs(f.File) {
		rel := path.Clean(f.File)
		if rel == ".." || strings.HasPrefix(rel, "../") {
			for strings.HasPrefix(rel, "../") {
				rel = strings.TrimPrefix(rel, "../")
			}
			if rel == ".." || !strings.HasSuffix(path.Clean(f.FullName), "/"+rel) {
				return true
			}
		} else if strings.Contains(rel, "/") && f.FullName != "" && !strings.HasSuffix(path.Clean(f.FullName), "/"+rel) {
			// glibc's "./assert/assert.c" resolved by base name to the user's own assert.c.
			return true
		}
	}
	return false
}

// UserSource reports whether the frame is in the user's own source: a file and line known, not
// a Library frame, and FullName an existing regular file. It stats the file.
func (f Frame) UserSource() bool {
	if f.FullName == "" || f.Line <= 0 || f.Library() {
		return false
	}
	st, err := os.Stat(f.FullName)
	return err == nil && st.Mode().IsRegular()
}

// isSharedObject reports whether an object file name is a shared library ("libc.so.6",
// "/lib/x86_64-linux-gnu/libm.so.6", "ld-linux-x86-64.so.2", "linux-vdso.so.1").
func isSharedObject(p string) bool {
	b := path.Base(p)
	return strings.HasSuffix(b, ".so") || strings.Contains(b, ".so.")
}

// isSystemSource reports whether a source path belongs to the system (libc and friends).
func isSystemSource(p string) bool {
	return strings.HasPrefix(p, "/usr/") || strings.Contains(p, "/glibc") || strings.Contains(p, "/sysdeps/") ||
		strings.HasPrefix(p, "sysdeps/")
}

func fromMIFrame(f gdbmi.Frame) Frame {
	out := Frame{Level: f.Level, Func: f.Func, File: f.File, FullName: f.FullName, Line: f.Line, From: f.From}
	if f.Addr != 0 {
		out.Addr = fmt.Sprintf("%#016x", f.Addr)
	}
	if out.Level < 0 {
		out.Level = 0
	}
	return out
}
