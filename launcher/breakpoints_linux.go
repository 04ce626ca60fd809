package launcher

import (
	"fmt"

	"github.com/sandbug/sandbug/gdbmi"
)

func (s *Session) onNotify(r *gdbmi.Record) {
	d := s.dbg
	switch r.Class {
	case "thread-group-started":
		if ev, ok := gdbmi.ParseThreadGroupEvent(r); ok && ev.PID > 0 && s.procStarted(ev) {
			d.infPid = ev.PID
			d.calls.setPid(ev.PID)
			if d.watchStop != nil {
				close(d.watchStop)
			}
			// The memory limit only: under gdb the wall clock stops a bomb.
			d.watchStop = make(chan struct{})
			w := startLimitWatch(ev.PID, true, 0, s.wrapperPath, d.watchStop, nil)
			s.mu.Lock()
			s.mainPid = ev.PID
			s.watch = w
			s.mu.Unlock()
		}
	case "thread-group-exited", "thread-created", "thread-exited":
		s.onProcNotify(r)
	case "record-started":
		s.setRecording(d, true, "")
	case "record-stopped":
		s.setRecording(d, false, "")
	case "breakpoint-created", "breakpoint-modified":
		for _, b := range gdbmi.ParseBreakpoints(r) {
			d.setBreakpoint(fromMIBreakpoint(b))
		}
		s.emitBreakpoints()
	case "breakpoint-deleted":
		id := r.Get("id").String()
		d.deleteBreakpoint(id)
		s.emitBreakpoints()
	}
}

func (d *debugState) setBreakpoint(b Breakpoint) {
	if _, ok := d.bps[b.ID]; !ok {
		d.bpOrder = append(d.bpOrder, b.ID)
	}
	d.bps[b.ID] = b
}

func (d *debugState) deleteBreakpoint(id string) {
	delete(d.bps, id)
	for i, x := range d.bpOrder {
		if x == id {
			d.bpOrder = append(d.bpOrder[:i], d.bpOrder[i+1:]...)
			break
		}
	}
}

func (s *Session) emitBreakpoints() {
	d := s.dbg
	s.emit(BreakpointsEvent{List: d.breakpoints()})
}

// Break sets a breakpoint at a location: "file.c:12", "12", or a function name.
func (s *Session) Break(loc string) (Breakpoint, error) {
	if _, err := s.dbgOrErr(); err != nil {
		return Breakpoint{}, err
	}
	r, err := s.mi(s.ctx, "-break-insert", "-f", loc)
	if err != nil {
		return Breakpoint{}, err
	}
	bs := gdbmi.ParseBreakpoints(r)
	if len(bs) == 0 {
		return Breakpoint{}, fmt.Errorf("break %s: gdb returned no breakpoint", loc)
	}
	b := fromMIBreakpoint(bs[0])
	s.owner(func(d *debugState) {
		d.setBreakpoint(b)
		s.emitBreakpoints()
	})
	return b, nil
}

// Delete removes a breakpoint.
func (s *Session) Delete(id string) error {
	if _, err := s.dbgOrErr(); err != nil {
		return err
	}
	if _, err := s.mi(s.ctx, "-break-delete", id); err != nil {
		return err
	}
	s.owner(func(d *debugState) {
		d.deleteBreakpoint(id)
		s.emitBreakpoints()
	})
	return nil
}

// Enable enables or disables a breakpoint.
func (s *Session) Enable(id string, on bool) error {
	if _, err := s.dbgOrErr(); err != nil {
		return err
	}
	cmd := "-break-disable"
	if on {
		cmd = "-break-enable"
	}
	if _, err := s.mi(s.ctx, cmd, id); err != nil {
		return err
	}
	s.updateBreakpoint(id, func(b *Breakpoint) { b.Enabled = on })
	return nil
}

// Condition sets a breakpoint's condition ("" removes it).
func (s *Session) Condition(id, expr string) error {
	if _, err := s.dbgOrErr(); err != nil {
		return err
	}
	args := []string{id}
	if expr != "" {
		args = append(args, expr)
	}
	if _, err := s.mi(s.ctx, "-break-condition", args...); err != nil {
		return err
	}
	s.updateBreakpoint(id, func(b *Breakpoint) { b.Cond = expr })
	return nil
}

// updateBreakpoint changes the known breakpoint id (if it is known) after gdb accepted the
// change, and tells the UI.
func (s *Session) updateBreakpoint(id string, change func(*Breakpoint)) {
	s.owner(func(d *debugState) {
		if b, ok := d.bps[id]; ok {
			change(&b)
			d.bps[id] = b
		}
		s.emitBreakpoints()
	})
}

// Breakpoints returns the current breakpoints.
func (s *Session) Breakpoints() []Breakpoint {
	if s.dbg == nil {
		return nil
	}
	var out []Breakpoint
	s.owner(func(d *debugState) { out = d.breakpoints() })
	return out
}

// breakpoints lists the known breakpoints in gdb's order (on the loop).
func (d *debugState) breakpoints() []Breakpoint {
	out := make([]Breakpoint, 0, len(d.bpOrder))
	for _, id := range d.bpOrder {
		out = append(out, d.bps[id])
	}
	return out
}
