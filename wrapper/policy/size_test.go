package policy

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// bigPolicy is a policy file of n rules, each on socket with its own argument condition: the
// worst case for one syscall's block of candidates.
func bigPolicy(n int) []byte {
	var b strings.Builder
	b.WriteString("name: big\ndefault: allow\nrules:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - name: r%d\n    syscalls: [\"=socket\"]\n    args:\n      - {arg: 0, op: \"==\", value: %d}\n    action: errno\n", i, i)
	}
	return []byte(b.String())
}

// TestBigPolicyRefusedQuickly: a policy too big for the kernel is refused with the counts that
// explain it, and the time to do so grows linearly with the rules (it was quadratic: 10,000
// rules took 15 s).
func TestBigPolicyRefusedQuickly(t *testing.T) {
	elapsed := map[int]time.Duration{}
	for _, n := range []int{1000, 10000} {
		p, err := Parse(bigPolicy(n))
		if err != nil {
			t.Fatal(err)
		}
		// The fastest of three: a loaded machine stretches single runs, never the best one.
		for range 3 {
			start := time.Now()
			_, err = p.Compile(CompileOptions{Notify: true})
			if d := time.Since(start); elapsed[n] == 0 || d < elapsed[n] {
				elapsed[n] = d
			}
		}
		if n == 1000 && err != nil {
			t.Fatalf("1000 rules fit the kernel's limit: %v", err)
		}
		if n == 10000 && (err == nil || !strings.Contains(err.Error(), "its 10000 rules make a filter of at least 30011 instructions, over the kernel's limit of 4096")) {
			t.Fatalf("10000 rules: %v", err)
		}
	}
	t.Logf("compile: 1000 rules %v, 10000 rules %v", elapsed[1000], elapsed[10000])
	// Linear is ~10x; the quadratic code took ~35x. Generous for a loaded machine.
	if elapsed[10000] > time.Second || elapsed[10000] > 25*elapsed[1000]+50*time.Millisecond {
		t.Errorf("10000 rules took %v (1000: %v): not linear", elapsed[10000], elapsed[1000])
	}
}
