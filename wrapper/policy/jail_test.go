package policy

import (
	"reflect"
	"strings"
	"testing"
)

func TestJailYAML(t *testing.T) {
	src := `name: j
default: allow
rules: []
filesystem:
  read: [/srv/data]
  write: [/srv/out, /var/tmp/x]
jail: {tcp: deny, require: true}
`
	p, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Jail{Read: []string{"/srv/data"}, Write: []string{"/srv/out", "/var/tmp/x"}, DenyTCP: true, Require: true}
	if !reflect.DeepEqual(p.Jail, want) {
		t.Fatalf("parsed %+v, want %+v", p.Jail, want)
	}
	y, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	q, err := Parse(y)
	if err != nil || !reflect.DeepEqual(q.Jail, want) {
		t.Fatalf("round trip %+v (%v) from\n%s", q, err, y)
	}
	strict, _ := Profile("strict")
	if !strict.Jail.DenyTCP || !strict.Jail.Require {
		t.Errorf("strict jail %+v: want tcp denied and the jail required", strict.Jail)
	}
	for _, bad := range []string{
		"filesystem: {read: [relative/path]}",
		"filesystem: {exec: [/x]}",
		"jail: {tcp: maybe}",
		"filesystem: /x",
	} {
		_, err := Parse([]byte("name: b\ndefault: allow\nrules: []\n" + bad + "\n"))
		if err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: want a one-line error, got %v", bad, err)
		}
	}
}
