package policy

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// customGo is a policy built in Go using every field, for the round-trip test.
func customGo() *Policy {
	return &Policy{
		Name:        "mine",
		Description: "Line one.\nLine two: with a colon, 'quotes' and \"double quotes\".",
		Default:     Action{Kind: Errno, Errno: "EACCES"},
		Rules: []Rule{
			{Name: "yes", Explain: "ok: fine", Syscalls: []string{"acct", "@debug", "=clone3", "syscall_999"}, Action: Action{Kind: Errno}},
			{Name: "no", Syscalls: []string{"socket"}, Args: []ArgCond{
				{Index: 0, Op: OpNotEqual, Value: 1},
				{Index: 1, Op: OpMaskEqual, Value: 1, Mask: 0xf},
				{Index: 5, Op: OpAnySet, Value: 0xffff000000000000, Width64: true},
				{Index: 4, Op: OpMaskEqual, Value: 0, Mask: 0xffffffffffffffff, Width64: true},
			}, Action: Action{Kind: Trap}, Report: boolp(false)},
			{Name: "true", Syscalls: []string{"=clone"}, Args: []ArgCond{{Index: 0, Op: OpAnySet, Value: 0x7e020000}}, Action: Action{Kind: Kill}, Report: boolp(true)},
			{Name: "@odd name: yes", Syscalls: []string{"execve"}, Action: Action{Kind: Log}},
			{Name: "0x10", Syscalls: []string{"ioctl"}, Args: []ArgCond{{Index: 1, Op: OpEqual, Value: 0x5412}}, Action: Action{Kind: Errno, Errno: "ENOTTY"}},
			{Name: "allow", Syscalls: []string{"getcwd"}, Action: Action{Kind: Allow}, Report: boolp(false)},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	ps := allProfiles(t)
	ps = append(ps, customGo(), &Policy{Name: "", Default: Action{Kind: Allow}})
	for _, f := range []string{"testdata/custom.yaml", "testdata/example.yaml"} {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	for _, p := range ps {
		y, err := p.Marshal()
		if err != nil {
			t.Fatalf("%s: marshal: %v", p.Name, err)
		}
		q, err := Parse(y)
		if err != nil {
			t.Fatalf("%s: parse of marshalled policy: %v\n%s", p.Name, err, y)
		}
		if !reflect.DeepEqual(p, q) {
			t.Errorf("%s: Parse(Marshal(p)) differs from p\n%s\np: %#v\nq: %#v", p.Name, y, p, q)
		}
		y2, _ := q.Marshal()
		if !bytes.Equal(y, y2) {
			t.Errorf("%s: Marshal not stable:\n%s\n---\n%s", p.Name, y, y2)
		}
	}
}

func TestMarshalComments(t *testing.T) {
	p, _ := Profile("default")
	y, _ := p.Marshal()
	for _, want := range []string{"# CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET", "# TIOCSTI", "# PR_SET_SECCOMP", "syscalls: [=clone3]"} {
		if !bytes.Contains(y, []byte(want)) {
			t.Errorf("marshalled default profile lacks %q", want)
		}
	}
}

func TestParseSymbolicValues(t *testing.T) {
	p, err := Parse([]byte(`name: sym
default: allow
rules:
  - name: r
    syscalls: ["=clone"]
    args:
      - {arg: 0, op: "&", value: CLONE_NEWUSER | CLONE_NEWNS|0x1}
      - {arg: 1, op: "==", value: -1}
      - {arg: 2, op: "==", value: -1, width64: true}
      - {arg: 3, op: "==", value: 0o17}
      - {arg: 4, op: "==", value: SIGKILL}
    action: errno
`))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Rules[0].Args
	want := []ArgCond{
		{Index: 0, Op: "&", Value: 0x10020001},
		{Index: 1, Op: "==", Value: 0xffffffff},
		{Index: 2, Op: "==", Value: 0xffffffffffffffff, Width64: true},
		{Index: 3, Op: "==", Value: 15},
		{Index: 4, Op: "==", Value: 9},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	head := "name: x\ndefault: allow\nrules:\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown syscall", head + "  - name: a\n    syscalls: [read, ptrase]\n    action: errno\n",
			`line 5: rule "a": unknown syscall "ptrase" (did you mean "ptrace"?)`},
		{"unknown group", head + "  - name: a\n    syscalls: [\"@mounts\"]\n    action: errno\n",
			`line 5: rule "a": unknown syscall group "@mounts" (did you mean "@mount"?)`},
		{"unknown errno", head + "  - name: a\n    syscalls: [ptrace]\n    action: errno\n    errno: EPREM\n",
			`line 6: rule "a": unknown errno "EPREM" (did you mean "EPERM"?)`},
		{"unknown action", head + "  - name: a\n    syscalls: [ptrace]\n    action: deny\n",
			`line 6: rule "a": unknown action "deny" (use allow, errno, kill, trap or log)`},
		{"unknown default", "name: x\ndefault: block\nrules: []\n",
			`line 2: default: unknown action "block" (use allow, errno, kill, trap or log)`},
		{"missing default", "name: x\nrules: []\n", `line 1: missing "default:"`},
		{"unknown key", head + "  - name: a\n    syscall: [ptrace]\n    action: errno\n",
			`line 5: unknown key "syscall" (did you mean "syscalls"?)`},
		{"unknown top key", "name: x\ndefualt: allow\n", `line 2: unknown key "defualt" (did you mean "default"?)`},
		{"errno with kill", head + "  - name: a\n    syscalls: [ptrace]\n    action: kill\n    errno: EPERM\n",
			`line 6: rule "a": errno EPERM given with action kill`},
		{"no name", head + "  - syscalls: [ptrace]\n    action: kill\n", `line 4: rule without a name`},
		{"no syscalls", head + "  - name: a\n    action: kill\n", `line 4: rule "a": no syscalls`},
		{"no action", head + "  - name: a\n    syscalls: [ptrace]\n", `line 4: rule "a": missing "action:"`},
		{"arg index", head + "  - name: a\n    syscalls: [socket]\n    args: [{arg: 6, op: \"==\", value: 1}]\n    action: kill\n",
			`line 6: argument index 6 out of range 0..5`},
		{"bad op", head + "  - name: a\n    syscalls: [socket]\n    args: [{arg: 0, op: \"<\", value: 1}]\n    action: kill\n",
			`line 6: unknown operator "<"`},
		{"wide value", head + "  - name: a\n    syscalls: [socket]\n    args: [{arg: 0, op: \"==\", value: 0x100000002}]\n    action: kill\n",
			`line 6: value 0x100000002 does not fit in the low 32 bits compared by default; set width64: true`},
		{"bad constant", head + "  - name: a\n    syscalls: [socket]\n    args: [{arg: 0, op: \"==\", value: AF_INTE}]\n    action: kill\n",
			`line 6: unknown constant "AF_INTE" in value (did you mean "AF_INET"?)`},
		{"alias with args", head + "  - name: a\n    syscalls: [clone]\n    args: [{arg: 0, op: \"&\", value: 1}]\n    action: kill\n",
			`line 5: rule "a": clone has aliases with other argument layouts; write "=clone"`},
		{"group with args", head + "  - name: a\n    syscalls: [\"@debug\"]\n    args: [{arg: 0, op: \"&\", value: 1}]\n    action: kill\n",
			`line 5: rule "a": group @debug with argument conditions`},
		{"hot denied", head + "  - name: a\n    syscalls: [futex]\n    action: kill\n",
			`line 4: rule "a": futex is a hot syscall`},
		{"report allow", head + "  - name: a\n    syscalls: [ptrace]\n    action: allow\n    report: true\n",
			`line 4: rule "a": report: true with action allow; use action log`},
		{"mask outside", head + "  - name: a\n    syscalls: [socket]\n    args: [{arg: 0, op: \"&==\", value: 3, mask: 1}]\n    action: kill\n",
			`line 6: value 0x3 has bits outside mask 0x1`},
		{"yaml syntax", "name: x\ndefault: allow\nrules:\n  - name: a\n   syscalls: [ptrace]\n", `line 3: invalid YAML:`},
		{"unquoted group", head + "  - name: a\n    syscalls: [@debug]\n    action: kill\n", `line 5: invalid YAML: found character that cannot start any token (quote group names: "@debug")`},
		{"empty", "", "empty policy"},
		{"not a mapping", "- a\n- b\n", "line 1: a policy is a mapping"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error for\n%s", tc.yaml)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %T is not a *ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error\n  %s\nwant prefix\n  %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestLoadNamesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(path, []byte("name: x\ndefault: allow\nrules:\n  - name: a\n    syscalls: [ptrac]\n    action: kill\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	want := path + `:5: rule "a": unknown syscall "ptrac" (did you mean "ptrace"?)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestExampleFile(t *testing.T) {
	p, err := Load("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "example" || len(p.Rules) < 5 {
		t.Errorf("unexpected example policy %+v", p)
	}
	if m := p.Match(AuditArchX86_64, mustNr("socket"), [6]uint64{0x100000002, 1}); m.Action.Kind != Errno || m.Rule.Name != "no internet" {
		t.Errorf("example: socket(0x100000002) -> %+v", m)
	}
}

func TestProfileUnknown(t *testing.T) {
	_, err := Profile("defualt")
	if err == nil || !strings.Contains(err.Error(), `did you mean "default"`) {
		t.Errorf("got %v", err)
	}
	// Profiles are fresh copies.
	a, _ := Profile("default")
	a.Rules[0].Name = "changed"
	b, _ := Profile("default")
	if b.Rules[0].Name == "changed" {
		t.Error("Profile returned shared state")
	}
}

// TestDocExample parses the commented example in doc.go, so the package doc cannot rot.
func TestDocExample(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var y []string
	in := false
	for _, line := range strings.Split(string(src), "\n") {
		switch {
		case strings.HasPrefix(line, "//\tname: exam"):
			in = true
		case in && !strings.HasPrefix(line, "//\t"):
			in = false
		}
		if in {
			y = append(y, strings.TrimPrefix(line, "//\t"))
		}
	}
	if len(y) < 10 {
		t.Fatalf("example not found in doc.go (%d lines)", len(y))
	}
	p, err := Parse([]byte(strings.Join(y, "\n")))
	if err != nil {
		t.Fatalf("doc.go example: %v", err)
	}
	if m := p.Match(AuditArchX86_64, mustNr("socket"), [6]uint64{0x100000002}); m.Action.ErrnoValue() != 13 {
		t.Errorf("doc example: socket(0x100000002) -> %+v", m)
	}
	if m := p.Match(AuditArchX86_64, mustNr("fork"), [6]uint64{}); m.Action.Kind != Allow {
		t.Errorf("doc example: fork -> %+v", m)
	}
}
