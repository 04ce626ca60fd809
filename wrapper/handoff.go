package wrapper

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Exit statuses of the wrapper when it fails itself, as env(1) and timeout(1) use them.
const (
	ExitSetup         = 125 // the sandbox could not be set up (bad flag, policy, limit, kernel refusal)
	ExitNotExecutable = 126 // the program was found but cannot be executed
	ExitNotFound      = 127 // the program was not found
)

// AckByte is the byte the supervisor writes back once it holds the listener fd; the wrapper
// execs the program only after reading it.
const AckByte = 'A'

// maxMessage bounds one hand-off line, so a hostile peer cannot make either side buffer much.
const maxMessage = 64 << 10

// Message is one line of the hand-off protocol on the notify socket (a unix stream socket).
//
// The wrapper sends exactly one message: either
//
//	{"type":"hello","pid":N,"program":"...","policy":"name","token":"...","jail":{...}}  + the listener fd as SCM_RIGHTS
//
// after which it waits for AckByte, or
//
//	{"type":"error","code":125,"msg":"...","token":"..."}  (+ the listener fd when the filter is on)
//
// just before it exits with that code. The token is the supervisor's secret, which the wrapper
// got in its environment (TokenEnv) and removed from the program's: it is absent when the
// wrapper was given none.
type Message struct {
	Type    string      `json:"type"`              // "hello" or "error"
	Pid     int         `json:"pid,omitempty"`     // hello: the wrapper's pid, which the program keeps
	Program string      `json:"program,omitempty"` // hello: the resolved program path
	Policy  string      `json:"policy,omitempty"`  // hello: the policy name
	Code    int         `json:"code,omitempty"`    // error: the exit status the wrapper uses
	Msg     string      `json:"msg,omitempty"`     // error: one-line reason
	Token   string      `json:"token,omitempty"`   // the supervisor's token (TokenEnv), when given
	Jail    *JailReport `json:"jail,omitempty"`    // hello: which parts of the Landlock jail are in force
}

// TokenEnv is the environment variable through which a launcher gives the wrapper its
// supervisor's token (Supervisor.Env). The wrapper removes it from the program's environment
// and puts it in its hand-off messages, so the supervisor can tell the wrapper from the
// sandboxed program, which may reach the socket too when it runs as the launcher's uid.
const TokenEnv = "SANDBUG_NOTIFY_TOKEN"

// takeToken returns the last TokenEnv value in env and env without any TokenEnv entry.
func takeToken(env []string) (token string, rest []string) {
	rest = make([]string, 0, len(env))
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, TokenEnv+"="); ok {
			token = v
			continue
		}
		if kv == TokenEnv { // a name without "=": not a value, but never pass it on either
			continue
		}
		rest = append(rest, kv)
	}
	return token, rest
}

// Message types.
const (
	MsgHello = "hello"
	MsgError = "error"
)

// encode returns the message as one JSON line.
func (m Message) encode() []byte {
	b, err := json.Marshal(m)
	if err != nil { // cannot happen for this struct; keep the protocol well-formed anyway
		b = []byte(`{"type":"error","code":125,"msg":"cannot encode message"}`)
	}
	return append(b, '\n')
}

// decodeMessage parses one line (without or with its newline) and checks its type.
func decodeMessage(line []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(line, &m); err != nil {
		return Message{}, fmt.Errorf("hand-off message: %w", err)
	}
	switch m.Type {
	case MsgHello:
		if m.Pid <= 0 {
			return Message{}, fmt.Errorf("hand-off hello: bad pid %d", m.Pid)
		}
	case MsgError:
		if m.Code == 0 {
			m.Code = ExitSetup
		}
	default:
		return Message{}, fmt.Errorf("hand-off message: unknown type %q", m.Type)
	}
	return m, nil
}

// ExitError is a failure of the wrapper itself: the exit status it uses and a one-line reason.
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

func exitErrorf(code int, format string, args ...any) *ExitError {
	return &ExitError{Code: code, Msg: fmt.Sprintf(format, args...)}
}
