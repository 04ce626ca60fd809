package policy

import "testing"

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
