package wrapper

import (
	"strings"
	"testing"
	"time"
)

func TestParseLimits(t *testing.T) {
	zero := int64(0)
	for _, tc := range []struct {
		in   string
		want Limits
		str  string
	}{
		{"", Limits{}, ""},
		{"cpu=2s,mem=256M,fsize=16M,nofile=64,nproc=64,core=0",
			Limits{CPU: 2 * time.Second, Mem: 256 << 20, FSize: 16 << 20, NoFile: 64, NProc: 64, Core: &zero},
			"cpu=2s,mem=256M,fsize=16M,nofile=64,nproc=64,core=0"},
		{"cpu=3", Limits{CPU: 3 * time.Second}, "cpu=3s"},
		{"cpu=1500ms", Limits{CPU: 2 * time.Second}, "cpu=2s"},
		{"cpu=1m30s", Limits{CPU: 90 * time.Second}, "cpu=1m30s"},
		{" MEM = 1GiB , fsize=1000", Limits{Mem: 1 << 30, FSize: 1000}, "mem=1G,fsize=1000"},
		{"mem=2048k", Limits{Mem: 2 << 20}, "mem=2M"},
		{"fsize=1T", Limits{FSize: 1 << 40}, "fsize=1T"},
		{"nproc=+64", Limits{NProcExtra: 64}, "nproc=+64"},
	} {
		got, err := ParseLimits(tc.in)
		if err != nil {
			t.Errorf("ParseLimits(%q): %v", tc.in, err)
			continue
		}
		if got.String() != tc.str {
			t.Errorf("ParseLimits(%q).String() = %q, want %q", tc.in, got.String(), tc.str)
		}
		again, err := ParseLimits(got.String())
		if err != nil || again.String() != got.String() {
			t.Errorf("round trip of %q: %v %q", got.String(), err, again.String())
		}
		if got.CPU != tc.want.CPU || got.Mem != tc.want.Mem || got.FSize != tc.want.FSize ||
			got.NoFile != tc.want.NoFile || got.NProc != tc.want.NProc || got.NProcExtra != tc.want.NProcExtra || (got.Core == nil) != (tc.want.Core == nil) {
			t.Errorf("ParseLimits(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseLimitsErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"cpu", "want key=value"},
		{"cpu=", "want key=value"},
		{"cpu=fast", "duration"},
		{"cpu=0", "positive"},
		{"cpu=-1s", "positive"},
		{"mem=0", "positive"},
		{"mem=12Q", "unknown suffix"},
		{"mem=-5M", "non-negative"},
		{"mem=99999999999T", "too large"},
		{"nofile=0", "positive whole number"},
		{"nproc=many", "positive whole number"},
		{"nproc=+0", "positive whole number"},
		{"disk=1G", `unknown key "disk"`},
		{"cpu=1s,cpu=2s", "given twice"},
	} {
		_, err := ParseLimits(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseLimits(%q) error %v, want one mentioning %q", tc.in, err, tc.want)
		}
	}
}

func TestLookupUser(t *testing.T) {
	passwd := "root:x:0:0:root:/root:/bin/bash\n# comment\nbad line\nnobody:x:65534:65534:nobody:/:/usr/sbin/nologin\nalice:x:1000:100::/home/alice:/bin/sh\n"
	for _, tc := range []struct {
		spec string
		want Credential
	}{
		{"root", Credential{"root", 0, 0}},
		{"0", Credential{"root", 0, 0}},
		{"nobody", Nobody},
		{"alice", Credential{"alice", 1000, 100}},
		{"1000", Credential{"alice", 1000, 100}},
		{"4242", Credential{"4242", 4242, 4242}},
	} {
		got, err := lookupUser(tc.spec, strings.NewReader(passwd))
		if err != nil || got != tc.want {
			t.Errorf("lookupUser(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}
	if _, err := lookupUser("mallory", strings.NewReader(passwd)); err == nil || !strings.Contains(err.Error(), "no such user") {
		t.Errorf("unknown user: %v", err)
	}
}

func TestLimitsOr(t *testing.T) {
	def, _ := ParseLimits("cpu=30s,mem=1G,fsize=256M,nproc=+64")
	for _, tc := range []struct{ explicit, want string }{
		{"", "cpu=30s,mem=1G,fsize=256M,nproc=+64"},
		{"cpu=5s,mem=64M", "cpu=5s,mem=64M,fsize=256M,nproc=+64"},
		{"nproc=20", "cpu=30s,mem=1G,fsize=256M,nproc=20"},
		{"nofile=10,nproc=+5", "cpu=30s,mem=1G,fsize=256M,nofile=10,nproc=+5"},
	} {
		l, err := ParseLimits(tc.explicit)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Or(def).String(); got != tc.want {
			t.Errorf("%q over the defaults = %q, want %q", tc.explicit, got, tc.want)
		}
	}
}
