package tui

import (
	"charm.land/lipgloss/v2"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sandbug/sandbug/launcher"
)

// maxSandboxRows bounds the event list; counts (per rule and in total) stay exact beyond it.
const maxSandboxRows = 5000

// ruleHit is one rule and how many calls it stopped.
type ruleHit struct {
	Rule, Syscall string
	Action        launcher.Action
	Count         int
}

// sandboxPane shows the profile in force, whether the kernel confirmed the sandbox, the rules hit
// with counts and every blocked or logged call.
type sandboxPane struct {
	profile  string
	limits   string
	verified *launcher.VerifiedEvent
	attached *launcher.AttachedEvent
	events   []launcher.Blocked
	dropped  int // rows beyond maxSandboxRows (their counts are still in hits and total)
	hits     map[string]*ruleHit
	total    int
	sel, top int
	follow   bool // keep the newest event selected
}

func newSandboxPane(profile, limits string) sandboxPane {
	return sandboxPane{profile: profile, limits: limits, hits: map[string]*ruleHit{}, follow: true}
}

// reset forgets the previous run's events (a new run starts).
func (p *sandboxPane) reset() {
	p.verified, p.attached = nil, nil
	p.events, p.dropped, p.total = nil, 0, 0
	p.hits = map[string]*ruleHit{}
	p.sel, p.top, p.follow = 0, 0, true
}

// add records one event. A call the debugger stopped at shows as a pending row that is not
// counted yet: the launcher reports the same call again once it is answered, and that report
// replaces the row (keeping the source position only the stop knew). Consecutive identical
// calls from the same place merge into one row.
func (p *sandboxPane) add(b launcher.Blocked) {
	if b.Count < 1 {
		b.Count = 1
	}
	if b.Stopped {
		p.push(b)
		return
	}
	p.total += b.Count
	key := b.Rule + "\x00" + b.Syscall + "\x00" + string(b.Action)
	h := p.hits[key]
	if h == nil {
		h = &ruleHit{Rule: b.Rule, Syscall: b.Syscall, Action: b.Action}
		p.hits[key] = h
	}
	h.Count += b.Count
	for i := len(p.events) - 1; i >= 0 && i >= len(p.events)-8; i-- {
		e := &p.events[i]
		if e.Stopped && e.Pid == b.Pid && e.Nr == b.Nr {
			if b.Where.Line == 0 {
				b.Where = e.Where
			}
			*e = b
			return
		}
	}
	if n := len(p.events); n > 0 {
		last := &p.events[n-1]
		if !last.Stopped && last.Pid == b.Pid && last.Syscall == b.Syscall && last.Rule == b.Rule &&
			last.Action == b.Action && last.Errno == b.Errno && last.Where == b.Where && last.Call == b.Call {
			last.Count += b.Count
			last.Time = b.Time
			return
		}
	}
	p.push(b)
}

func (p *sandboxPane) push(b launcher.Blocked) {
	if len(p.events) >= maxSandboxRows {
		p.events = p.events[1:]
		p.dropped++
		if p.sel > 0 {
			p.sel--
		}
	}
	p.events = append(p.events, b)
	if p.follow {
		p.sel = len(p.events) - 1
	}
}

func (p *sandboxPane) move(d int) {
	p.sel = min(max(p.sel+d, 0), max(len(p.events)-1, 0))
	p.follow = p.sel == len(p.events)-1
}

func (p *sandboxPane) selected() (launcher.Blocked, bool) {
	if p.sel < 0 || p.sel >= len(p.events) {
		return launcher.Blocked{}, false
	}
	return p.events[p.sel], true
}

// header returns the fixed lines above the event list.
func (p *sandboxPane) header(st *Styles, w int) []string {
	var out []string
	prof := p.profile
	if prof == "" {
		prof = launcher.DefaultProfile
	}
	// Each line is a sentence of sandbug's own: wrapped, never cut, in a narrow pane. The first
	// piece keeps the line's colour; the rest is dim.
	add := func(first lipgloss.Style, head, rest string) {
		for i, l := range wrap(head+rest, w) {
			if i == 0 && len(head) > 0 && strings.HasPrefix(l, head) {
				out = append(out, fit(first.Render(head)+st.Dim.Render(l[len(head):]), w))
				continue
			}
			out = append(out, fit(st.Dim.Render(l), w))
		}
	}
	switch {
	case p.verified == nil:
		add(st.Dim, "Profile "+clean(prof)+"  ", "not verified yet")
	case p.verified.OK:
		// The parenthesis is a detail: left out, not cut, where it does not fit on the line.
		detail := fmt.Sprintf(" (seccomp filter, %d filter(s), no_new_privs)", p.verified.Filters)
		if width("Profile "+clean(prof)+"  ✓ verified"+detail) > w {
			detail = ""
		}
		add(st.OK, "Profile "+clean(prof)+"  ✓ verified", detail)
	default:
		add(st.Error, "Profile "+clean(prof)+"  ✗ NOT verified: "+clean(p.verified.Detail), "")
	}
	if p.attached != nil {
		j := p.attached.Jail
		line := "Jail " + clean(j.Summary())
		switch {
		case j == nil || j.Files == launcher.JailOff:
			add(st.Error, line, "")
		case len(j.Missing()) > 0:
			add(st.Error, line+" — missing: "+strings.Join(j.Missing(), ", "), "")
		default:
			if width("✓ "+line) > w && j.ABI > 0 {
				// The short form names what is in force; "open" parts were not asked for.
				var on []string
				for _, part := range []struct {
					name  string
					state launcher.JailState
				}{{"files", j.Files}, {"tcp", j.TCP}, {"signals", j.Signals}, {"abstract sockets", j.Sockets}} {
					if part.state == launcher.JailEnforced {
						on = append(on, part.name)
					}
				}
				line = fmt.Sprintf("Jail ABI %d: %s", j.ABI, strings.Join(on, ", "))
			}
			add(st.OK, "✓ ", line)
		}
	}
	if p.limits != "" {
		add(st.Dim, "", "Limits "+clean(p.limits))
	}
	if len(p.hits) > 0 {
		hs := make([]*ruleHit, 0, len(p.hits))
		for _, h := range p.hits {
			hs = append(hs, h)
		}
		sort.Slice(hs, func(i, j int) bool {
			if hs[i].Count != hs[j].Count {
				return hs[i].Count > hs[j].Count
			}
			return hs[i].Syscall < hs[j].Syscall
		})
		var parts []string
		for _, h := range hs {
			r := h.Rule
			if r == "" {
				r = "default"
			}
			parts = append(parts, fmt.Sprintf("%s×%d (%s, %s)", clean(h.Syscall), h.Count, clean(r), h.Action))
		}
		add(st.Dim, "", "Rules hit: "+strings.Join(parts, "  "))
	}
	return out
}

func (p *sandboxPane) view(st *Styles, w, h int, focused bool) []string {
	out := p.header(st, w)
	if len(p.events) == 0 {
		msg := " No blocked calls so far."
		if p.attached == nil && p.verified == nil {
			msg = " Blocked calls appear here when the program runs."
		}
		return append(out, noteLines(st, msg, w)...)
	}
	rows := h - len(out)
	if p.dropped > 0 {
		out = append(out, st.Dim.Render(fit(fmt.Sprintf(" (%d older rows folded; counts above are exact)", p.dropped), w)))
		rows--
	}
	if rows <= 0 {
		return out
	}
	p.top = scrollTo(p.top, p.sel, rows, len(p.events))
	for i := p.top; i < len(p.events) && rows > 0; i++ {
		b := p.events[i]
		plain := eventLine(b)
		if i == p.sel {
			s := st.SelectedBlur
			if focused {
				s = st.Selected
			}
			out = append(out, s.Render(fit(plain, w)))
		} else {
			out = append(out, fit(plain, w))
		}
		rows--
	}
	return out
}

// eventLine is one event as a row: time, pid, call, action (errno), where.
func eventLine(b launcher.Blocked) string {
	call := clean(b.Call)
	if call == "" {
		call = clean(b.Syscall) + "(…)"
	}
	act := string(b.Action)
	if b.Action == launcher.ActionErrno && b.ErrnoName != "" {
		act = "→ " + b.ErrnoName
	} else if b.Action == launcher.ActionKill {
		act = "→ killed"
	} else if b.Stopped {
		act = "→ stopped here"
	}
	s := fmt.Sprintf("%s %d %s %s", b.Time.Format("15:04:05.000"), b.Pid, call, act)
	if b.Count > 1 {
		s += fmt.Sprintf(" ×%d", b.Count)
	}
	if where := b.Where.Where(); where != "" {
		s += " @ " + clean(shortPaths(where))
	}
	if b.Child {
		s += " (child)"
	}
	return s
}

func baseName(p string) string { return filepath.Base(p) }
