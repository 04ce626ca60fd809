package main

import (
	"io"
	"testing"
	"time"
)

// TestConfigDefaultLimits: the profile's default limits fill what --limit leaves unset, and the
// wall clock applies unless --timeout was given (--timeout 0 turns it off).
func TestConfigDefaultLimits(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		limits  string
		timeout time.Duration
	}{
		{[]string{"p"}, "cpu=30s,mem=1G,fsize=256M,nproc=+64", 5 * time.Minute},
		{[]string{"--profile", "strict", "p"}, "cpu=10s,mem=512M,fsize=64M,nproc=+32", time.Minute},
		{[]string{"--profile", "permissive", "p"}, "", 0},
		{[]string{"--policy", "x.yaml", "p"}, "cpu=30s,mem=1G,fsize=256M,nproc=+64", 5 * time.Minute},
		{[]string{"--limit", "cpu=2s,nproc=20", "--timeout", "0", "p"}, "cpu=2s,mem=1G,fsize=256M,nproc=20", 0},
		{[]string{"--profile", "strict", "--limit", "mem=64M", "--timeout", "3s", "p"}, "cpu=10s,mem=64M,fsize=64M,nproc=+32", 3 * time.Second},
	} {
		var o options
		fs := newFlagSet("run", &o, io.Discard, true, false)
		if err := parseArgs(fs, tc.args, &o, true); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		c := o.config()
		if c.Limits.String() != tc.limits || c.Timeout != tc.timeout {
			t.Errorf("%v: limits %q timeout %v, want %q %v", tc.args, c.Limits.String(), c.Timeout, tc.limits, tc.timeout)
		}
	}
}
