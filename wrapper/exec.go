package wrapper

import (
	"io"

	"golang.org/x/net/bpf"
)

// ExecConfig says what Exec runs and how it is confined.
type ExecConfig struct {
	Program string   // name (looked up in the PATH of Env) or path of the program
	Args    []string // arguments after the program name
	Env     []string // the program's environment; nil means os.Environ()

	// Filter returns the BPF program to install and the policy's name. notify says whether a
	// supervisor is listening (reported actions must then compile to SECCOMP_RET_USER_NOTIF).
	// It is called after the notify socket is connected, so its errors reach the supervisor.
	Filter func(notify bool) (prog []bpf.RawInstruction, policyName string, err error)

	NotifySocket string // unix socket of a Supervisor; "" runs without one
	Limits       Limits
	User         string    // user name or uid; "" means nobody when started as root, else unchanged
	Stderr       io.Writer // where the one-line failure goes; nil means os.Stderr
	// Jail configures Landlock; nil is the standard jail (network open). Filter may still
	// change it (a policy's filesystem and jail sections): Exec reads it after Filter.
	Jail    *JailConfig
	KeepEnv bool // keep SessionEnv variables (SSH_AUTH_SOCK, DISPLAY...) in the environment
}
