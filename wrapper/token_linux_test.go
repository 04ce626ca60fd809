package wrapper

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// sendRaw connects to the supervisor's socket as the test process (an unfiltered peer of the
// right uid, like a wrapper before its filter), sends line and waits until the supervisor
// closes the connection: by then an accepted message's event is queued.
func sendRaw(t *testing.T, sup *Supervisor, line string) {
	t.Helper()
	c, err := net.Dial("unix", sup.SocketPath())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		t.Fatal(err)
	}
	var b [1]byte
	c.Read(b[:])
}

// TestSupervisorToken: messages with a wrong token are refused always; messages without one
// only when RequireToken is set (a launcher that does not pass Env yet keeps working).
func TestSupervisorToken(t *testing.T) {
	for _, require := range []bool{false, true} {
		t.Run(map[bool]string{false: "optional", true: "required"}[require], func(t *testing.T) {
			sup, c := newSupervisor(t, SupervisorConfig{RequireToken: require})
			if len(sup.Token()) != 32 || len(sup.Env()) != 1 || sup.Env()[0] != TokenEnv+"="+sup.Token() {
				t.Fatalf("Token %q, Env %q", sup.Token(), sup.Env())
			}
			other, _ := newSupervisor(t, SupervisorConfig{})
			sendRaw(t, sup, `{"type":"error","code":125,"msg":"wrong token","token":"`+other.Token()+`"}`)
			sendRaw(t, sup, `{"type":"error","code":125,"msg":"empty token","token":""}`)
			sendRaw(t, sup, `{"type":"error","code":125,"msg":"no token"}`)
			sendRaw(t, sup, `{"type":"error","code":125,"msg":"right token","token":"`+sup.Token()+`"}`)
			c.waitFor(t, "the right token's error", func(e Event) bool { return e.Message == "right token" })
			sup.Close()
			got := map[string]bool{}
			for _, e := range c.all() {
				got[e.Message] = true
			}
			if got["wrong token"] {
				t.Errorf("a message with another supervisor's token was accepted")
			}
			if got["no token"] != !require || got["empty token"] != !require {
				t.Errorf("messages without a token accepted: %v, want %v", got["no token"] || got["empty token"], !require)
			}
		})
	}
}

// TestWrapperToken: the real wrapper takes the token from its environment, proves itself with
// it in hello and error messages, and the program never sees it.
func TestWrapperToken(t *testing.T) {
	sup, c := newSupervisor(t, SupervisorConfig{RequireToken: true})
	run := func(env []string, args ...string) wrapperRun {
		cmd := exec.Command(testbin.Wrapper(t), append([]string{"--notify", sup.SocketPath(), "--"}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return wrapperRun{cmd.Process.Pid, out.String(), errb.String(), err}
	}
	// With the token: attached, and the program's environment lacks it (also a second copy).
	r := run(append(sup.Env(), sup.Env()...), "/usr/bin/env")
	if r.err != nil {
		t.Fatalf("wrapper with the token: %v; stderr %q", r.err, r.stderr)
	}
	c.waitFor(t, "attached", func(e Event) bool { return e.Kind == EventAttached && e.Pid == r.pid })
	if strings.Contains(r.stdout, TokenEnv) || strings.Contains(r.stdout, sup.Token()) {
		t.Errorf("the program saw the token:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "PATH=") {
		t.Errorf("the rest of the environment was lost:\n%s", r.stdout)
	}
	// Without it the hello is refused: no ack, the wrapper fails closed and never execs.
	r = run(nil, "/usr/bin/env")
	if exitCode(r.err) != ExitSetup || strings.Contains(r.stdout, "PATH=") {
		t.Fatalf("wrapper without the token: %v, stdout %q; want exit %d before exec", r.err, r.stdout, ExitSetup)
	}
	// Errors: with the token reported, without it dropped.
	bad := run(nil, "sandbug-no-such-program")
	good := run(sup.Env(), "sandbug-no-such-program")
	if exitCode(bad.err) != ExitNotFound || exitCode(good.err) != ExitNotFound {
		t.Fatalf("exit statuses %v and %v, want %d", bad.err, good.err, ExitNotFound)
	}
	c.waitFor(t, "wrapper error", func(e Event) bool { return e.Kind == EventWrapperError && e.Pid == good.pid })
	sup.Close()
	for _, e := range c.all() {
		if e.Pid == bad.pid {
			t.Errorf("a wrapper without the token was heard: %s", dumpEvents([]Event{e}))
		}
	}
}

// TestSupervisorFilteredPeerErrors: the defence in depth behind the token. A peer already under
// seccomp when it connects (as a sandboxed program always is) cannot report a wrapper error
// without showing a seccomp listener; a wrapper that fails after its own filter is on sends its
// listener along and is heard. The supervisor does not require the token here.
func TestSupervisorFilteredPeerErrors(t *testing.T) {
	peer := fixture(t, "peer")
	sup, c := newSupervisor(t, SupervisorConfig{})
	for _, mode := range []string{"error-nofd", "error"} {
		if out, err := exec.Command(peer, sup.SocketPath(), mode).CombinedOutput(); err != nil || string(out) != "closed\n" {
			t.Fatalf("peer %s: %v %q", mode, err, out)
		}
	}
	c.waitFor(t, "the error sent with a listener", func(e Event) bool { return e.Message == "peer error" })
	sup.Close()
	for _, e := range c.all() {
		if e.Message == "peer error-nofd" {
			t.Errorf("a filtered peer without a listener was heard: %s", dumpEvents([]Event{e}))
		}
	}
}
