package policy

import (
	"strings"
	"testing"
)

// TestMatchSeesChanges: Match caches a flattened policy, but a change to the policy after a
// Match must be seen by the next one.
func TestMatchSeesChanges(t *testing.T) {
	p, _ := Profile("default")
	ptrace := mustNr("ptrace")
	if m := p.Match(AuditArchX86_64, ptrace, [6]uint64{}); m.Action.Kind != Errno {
		t.Fatalf("ptrace: %+v", m)
	}
	i := -1
	for k, r := range p.Rules {
		if r.Name == "debugging other programs" {
			i = k
		}
	}
	p.Rules[i].Action = Action{Kind: Kill}
	if m := p.Match(AuditArchX86_64, ptrace, [6]uint64{}); m.Action.Kind != Kill {
		t.Errorf("after changing the action: %+v", m)
	}
	p.Rules[i].Syscalls[0] = "@bpf"
	if m := p.Match(AuditArchX86_64, ptrace, [6]uint64{}); m.Action.Kind != Allow {
		t.Errorf("after renaming the syscalls: %+v", m)
	}
	f := false
	p.Rules[i].Report = &f
	if m := p.Match(AuditArchX86_64, mustNr("bpf"), [6]uint64{}); m.Report {
		t.Errorf("after report: false: %+v", m)
	}
	*p.Rules[i].Report = true
	if m := p.Match(AuditArchX86_64, mustNr("bpf"), [6]uint64{}); !m.Report {
		t.Errorf("after *report = true: %+v", m)
	}
	p.Rules = append(p.Rules[:i], p.Rules[i+1:]...)
	if m := p.Match(AuditArchX86_64, mustNr("bpf"), [6]uint64{}); m.Rule == nil || m.Rule.Name != "BPF programs" {
		t.Errorf("after removing the rule: %+v", m)
	}
	// Many policies in turn: the cache stays bounded and correct.
	for k := 0; k < 50; k++ {
		q, _ := Profile(ProfileNames()[k%3])
		if m := q.Match(AuditArchX86_64, ptrace, [6]uint64{}); m.Rule == nil || m.Rule.Name != "debugging other programs" {
			t.Fatalf("%s: %+v", q.Name, m)
		}
	}
}

// TestMatchRuleIndex: Rule points into Policy.Rules at RuleIndex; the special indexes come
// with a nil Rule.
func TestMatchRuleIndex(t *testing.T) {
	p, _ := Profile("strict")
	for n := 0; n < 470; n++ {
		m := p.Match(AuditArchX86_64, n, [6]uint64{})
		switch {
		case m.RuleIndex >= 0:
			if m.Rule != &p.Rules[m.RuleIndex] {
				t.Errorf("%d: Rule does not point at Rules[%d]", n, m.RuleIndex)
			}
		case m.Rule != nil:
			t.Errorf("%d: RuleIndex %d with a rule", n, m.RuleIndex)
		}
	}
	if m := p.Match(AuditArchX86_64, 999, [6]uint64{}); m.RuleIndex != RuleIndexDefault || m.Action.Kind != Errno || !m.Report {
		t.Errorf("unknown number under strict: %+v", m)
	}
	custom := &Policy{Name: "c", Default: Action{Kind: Errno}}
	if m := custom.Match(AuditArchX86_64, mustNr("read"), [6]uint64{}); m.RuleIndex != RuleIndexHot || m.Action.Kind != Allow {
		t.Errorf("hot syscall under an empty allowlist: %+v", m)
	}
}

// TestProfilesExplained: every rule of every profile has a name and a one-sentence Explain.
func TestProfilesExplained(t *testing.T) {
	for _, p := range allProfiles(t) {
		if p.Description == "" {
			t.Errorf("%s: no description", p.Name)
		}
		names := map[string]bool{}
		for _, r := range p.Rules {
			if r.Name == "" || r.Explain == "" {
				t.Errorf("%s: rule %q lacks a name or an explanation", p.Name, r.Name)
			}
			if names[r.Name] {
				t.Errorf("%s: two rules named %q", p.Name, r.Name)
			}
			names[r.Name] = true
			e := strings.TrimSuffix(r.Explain, ".")
			if !strings.HasSuffix(r.Explain, ".") || strings.Contains(e, ". ") || strings.Contains(e, "\n") {
				t.Errorf("%s: rule %q: explanation is not one sentence: %q", p.Name, r.Name, r.Explain)
			}
		}
	}
}

func TestMatchExplain(t *testing.T) {
	strict, _ := Profile("strict")
	tests := []struct {
		m        Match
		rule, in string
	}{
		{strict.Match(AuditArchX86_64, mustNr("ptrace"), [6]uint64{}), "debugging other programs", "another program's memory"},
		{strict.Match(AuditArchX86_64, mustNr("ustat"), [6]uint64{}), "default", "allows only the calls it lists"},
		{strict.Match(AuditArchI386, 26, [6]uint64{}), "non-x86_64 call", "int $0x80"},
		{(&Policy{Default: Action{Kind: Errno}}).Match(AuditArchX86_64, 0, [6]uint64{}), "hot syscall", "always allowed"},
		{(&Policy{Default: Action{Kind: Log}}).Match(AuditArchX86_64, 101, [6]uint64{}), "default", "reports every call"},
	}
	for _, tc := range tests {
		if got := tc.m.RuleName(); got != tc.rule {
			t.Errorf("RuleName = %q, want %q", got, tc.rule)
		}
		if got := tc.m.Explain(); !strings.Contains(got, tc.in) {
			t.Errorf("Explain = %q, want it to contain %q", got, tc.in)
		}
	}
}

// TestMatchConcurrent: Match may be called from several goroutines at once (run with -race).
func TestMatchConcurrent(t *testing.T) {
	ps := allProfiles(t)
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			for k := 0; k < 200; k++ {
				p := ps[(g+k)%len(ps)]
				m := p.Match(AuditArchX86_64, mustNr("ptrace"), [6]uint64{})
				if m.Rule == nil || m.Rule.Name != "debugging other programs" {
					t.Errorf("%s: %+v", p.Name, m)
				}
			}
			done <- true
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
