// Package proctree reads the picture a student of fork, pipe and dup2 needs: a program's
// process tree and, for each process, its file descriptor table, with pipes joined to their
// other ends across processes and descriptors that share one open file description marked.
//
// Read takes one snapshot from /proc (stat, cmdline, fd, fdinfo, task/*/children) and the
// kernel's kcmp(KCMP_FILE); everything else (decoding, joining pipes) is pure and works on
// plain data. A process that exits while it is being read simply ends early in the snapshot:
// that is a normal event, never an error. Reading never stops or traces the program.
package proctree
