package policy

import (
	"strconv"
	"sync"
	"unsafe"
)

// entry is one rule that may decide a syscall number.
type entry struct {
	rule int
	args []ArgCond
}

// resolved is a policy flattened per syscall number: the rules naming each number, in order,
// cut after the first unconditional one. Compile and Match both work from it, so they cannot
// disagree about which rules apply.
type resolved struct {
	perNr [][]entry // index: syscall number, up to the largest named or known
}

func (p *Policy) resolve() *resolved {
	maxNr := len(syscallNames) - 1
	nums := make([][]int, len(p.Rules))
	for i := range p.Rules {
		nums[i] = p.Rules[i].numbers()
		for _, nr := range nums[i] {
			maxNr = max(maxNr, nr)
		}
	}
	res := &resolved{perNr: make([][]entry, maxNr+1)}
	done := make([]bool, maxNr+1) // an unconditional rule already decided this number
	for i := range p.Rules {
		for _, nr := range nums[i] {
			if done[nr] {
				continue
			}
			res.perNr[nr] = append(res.perNr[nr], entry{rule: i, args: p.Rules[i].Args})
			done[nr] = len(p.Rules[i].Args) == 0
		}
	}
	return res
}

func (r *resolved) entries(nr int) []entry {
	if nr < 0 || nr >= len(r.perNr) {
		return nil
	}
	return r.perNr[nr]
}

// The Match cache: a few recently matched policies with their resolved tables. An entry is
// used only while the policy still equals the snapshot taken when it was built (a shallow
// clone: comparing strings that share their bytes is a pointer check), so changing a policy
// after matching it is safe, only slower once.
type cached struct {
	p        *Policy
	snapshot Policy
	res      *resolved
}

var matchCache struct {
	sync.Mutex
	entries [8]*cached
	next    int
}

func (p *Policy) cachedResolve() *resolved {
	matchCache.Lock()
	for _, c := range matchCache.entries {
		if c != nil && c.p == p && equalPolicy(p, &c.snapshot) {
			matchCache.Unlock()
			return c.res
		}
	}
	matchCache.Unlock()
	res := p.resolve()
	c := &cached{p: p, snapshot: clonePolicy(p), res: res}
	matchCache.Lock()
	matchCache.entries[matchCache.next] = c
	matchCache.next = (matchCache.next + 1) % len(matchCache.entries)
	matchCache.Unlock()
	return res
}

// clonePolicy copies every slice and pointer of p (strings share their bytes).
func clonePolicy(p *Policy) Policy {
	q := *p
	q.Rules = make([]Rule, len(p.Rules))
	for i, r := range p.Rules {
		r.Syscalls = append([]string(nil), r.Syscalls...)
		r.Args = append([]ArgCond(nil), r.Args...)
		if r.Report != nil {
			b := *r.Report
			r.Report = &b
		}
		q.Rules[i] = r
	}
	return q
}

// equalPolicy compares the fields that decide matching.
func equalPolicy(a, b *Policy) bool {
	if a.Default != b.Default || len(a.Rules) != len(b.Rules) {
		return false
	}
	for i := range a.Rules {
		ra, rb := &a.Rules[i], &b.Rules[i]
		if ra.Action != rb.Action || (ra.Report == nil) != (rb.Report == nil) ||
			(ra.Report != nil && *ra.Report != *rb.Report) ||
			len(ra.Syscalls) != len(rb.Syscalls) || len(ra.Args) != len(rb.Args) {
			return false
		}
		for j, x := range ra.Syscalls {
			// The snapshot shares string bytes with the policy: comparing data pointers
			// avoids a call per name (strict names ~330).
			y := rb.Syscalls[j]
			if len(x) != len(y) || (unsafe.StringData(x) != unsafe.StringData(y) && x != y) {
				return false
			}
		}
		for j := range ra.Args {
			if ra.Args[j] != rb.Args[j] {
				return false
			}
		}
	}
	return true
}

// leafKey identifies the code a syscall number compiles to, to merge neighbours: the
// conditional candidates with their return values, then the final return value.
func leafKey(buf []byte, hot bool, es []entry, rets []uint32, defRet uint32) []byte {
	buf = buf[:0]
	if hot {
		return strconv.AppendUint(append(buf, 'r'), RetAllow, 16)
	}
	for k, e := range es {
		if len(e.args) == 0 {
			return strconv.AppendUint(append(buf, 'r'), uint64(rets[k]), 16)
		}
		buf = strconv.AppendUint(append(buf, 'c'), uint64(rets[k]), 16)
		for _, c := range e.args {
			buf = strconv.AppendInt(append(buf, 'a'), int64(c.Index), 10)
			buf = append(buf, c.Op...)
			buf = strconv.AppendUint(append(buf, ':'), c.Value, 16)
			buf = strconv.AppendUint(append(buf, ':'), c.Mask, 16)
			if c.Width64 {
				buf = append(buf, 'w')
			}
		}
	}
	return strconv.AppendUint(append(buf, 'r'), uint64(defRet), 16)
}
