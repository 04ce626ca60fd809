// Package examples holds sandbug's teaching demos: small C programs, each with a lesson
// (a markdown file with YAML front matter) and a machine-checkable expected outcome.
//
// The programs and lessons are embedded in the binary, so `sandbug demo` works from any
// directory. Each demo lives in examples/<name>/ as <name>.c and lesson.md:
//
//	---
//	title: ptrace is blocked (where sandbug began)
//	summary: one line for the `sandbug demo` listing
//	profile: default            # or strict, permissive
//	limits: cpu=5s              # wrapper.ParseLimits syntax
//	args: []                    # program arguments
//	stdin: ""                   # what the tests type (the keyboard demo)
//	needs: [ia32]               # optional: machine features it depends on
//	expect:
//	  kind: exited              # exited | signaled | sandbox-killed | limit
//	  code: 1                   # kind exited
//	  signal: SIGSEGV           # kind signaled
//	  limit: cpu                # kind limit: cpu|mem|fsize|nproc|nofile|wall
//	  blocked: [ptrace]         # syscalls the sandbox must report as blocked
//	  output: ["ptrace: Operation not permitted"]  # substrings of the program's output
//	  where: main               # optional: function of the stop at the signal or blocked call
//	  crash: null               # optional, kind signaled: the crash kind sandbug must read
//	  card: ["`l` is NULL"]     # optional: substrings of the crash card's explanation (run,
//	                            # --json and debug modes; where is then checked on the card too)
//	---
//	# The lesson in markdown...
//
// The package imports nothing else of sandbug's; tests in this directory run every demo
// through the real wrapper and launcher and check that each lesson still tells the truth.
package examples
