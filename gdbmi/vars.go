package gdbmi

// Variable is a local or argument from -stack-list-variables/-locals/-arguments or a frame's
// args. Value is gdb's display text (itself a C-like literal: do not decode it again). With
// --simple-values aggregates have a Type and no value (HasValue false).
type Variable struct {
	Name     string
	Value    string
	HasValue bool
	Type     string
	Arg      bool
}

// ParseVariables reads a list of variables: tuples {name=,value=,type=,arg=} or, from
// --no-values, name=... results.
func ParseVariables(v Value) []Variable {
	var out []Variable
	for _, it := range v.Items {
		if it.Value.Kind == Const && it.Name == "name" {
			out = append(out, Variable{Name: it.Value.String()})
			continue
		}
		if it.Value.Kind != Tuple {
			continue
		}
		var x Variable
		for _, f := range it.Value.Items {
			switch f.Name {
			case "name":
				x.Name = f.Value.String()
			case "value":
				x.Value, x.HasValue = f.Value.String(), true
			case "type":
				x.Type = f.Value.String()
			case "arg":
				x.Arg = f.Value.String() == "1"
			}
		}
		out = append(out, x)
	}
	return out
}

// VarObj is a variable object from -var-create or one child from -var-list-children.
type VarObj struct {
	Name        string // "var1", "var1.field"
	Exp         string // expression or field name
	NumChild    int
	Value       string
	Type        string
	ThreadID    int
	HasMore     bool
	Dynamic     bool
	DisplayHint string
}

// ParseVarObj reads a variable object from the results of -var-create (rec.Results) or from the
// items of one child tuple of -var-list-children.
func ParseVarObj(items []Result) VarObj {
	var o VarObj
	for _, it := range items {
		x := it.Value
		switch it.Name {
		case "name":
			o.Name = x.String()
		case "exp":
			o.Exp = x.String()
		case "numchild":
			o.NumChild = atoi(x, 0)
		case "value":
			o.Value = x.String()
		case "type":
			o.Type = x.String()
		case "thread-id":
			o.ThreadID = atoi(x, 0)
		case "has_more":
			o.HasMore = x.String() == "1"
		case "dynamic":
			o.Dynamic = x.String() == "1"
		case "displayhint":
			o.DisplayHint = x.String()
		}
	}
	return o
}

// VarChildren reads the children of a -var-list-children answer.
func VarChildren(r *Record) []VarObj {
	var out []VarObj
	for _, it := range r.Get("children").Items {
		if it.Value.Kind == Tuple {
			out = append(out, ParseVarObj(it.Value.Items))
		}
	}
	return out
}

// VarChange is one entry of a -var-update changelist.
type VarChange struct {
	Name           string
	Value          string
	InScope        string // "true", "false", "invalid"
	TypeChanged    bool
	NewType        string
	NewNumChildren int // -1 when absent
	HasMore        bool
}

// VarChanges reads the changelist of a -var-update answer.
func VarChanges(r *Record) []VarChange {
	var out []VarChange
	for _, it := range r.Get("changelist").Items {
		c := VarChange{NewNumChildren: -1}
		for _, f := range it.Value.Items {
			switch f.Name {
			case "name":
				c.Name = f.Value.String()
			case "value":
				c.Value = f.Value.String()
			case "in_scope":
				c.InScope = f.Value.String()
			case "type_changed":
				c.TypeChanged = f.Value.String() == "true"
			case "new_type":
				c.NewType = f.Value.String()
			case "new_num_children":
				c.NewNumChildren = atoi(f.Value, -1)
			case "has_more":
				c.HasMore = f.Value.String() == "1"
			}
		}
		out = append(out, c)
	}
	return out
}

// Thread is one thread from -thread-info.
type Thread struct {
	ID       int
	TargetID string // "Thread 0x7ffff7d8a740 (LWP 1234)"
	Name     string
	State    string // "stopped", "running"
	Core     int    // -1 when absent
	Frame    *Frame
}

// ParseThreads reads -thread-info: the threads and the current thread id (0 if none).
func ParseThreads(r *Record) ([]Thread, int) {
	var out []Thread
	for _, it := range r.Get("threads").Items {
		t := Thread{Core: -1}
		for _, f := range it.Value.Items {
			switch f.Name {
			case "id":
				t.ID = atoi(f.Value, 0)
			case "target-id":
				t.TargetID = f.Value.String()
			case "name":
				t.Name = f.Value.String()
			case "state":
				t.State = f.Value.String()
			case "core":
				t.Core = atoi(f.Value, -1)
			case "frame":
				if fr, ok := ParseFrame(f.Value); ok {
					t.Frame = &fr
				}
			}
		}
		out = append(out, t)
	}
	return out, atoi(r.Get("current-thread-id"), 0)
}

// ThreadGroupEvent is the typed view of =thread-group-added/-removed/-started/-exited and
// =thread-created/-exited.
type ThreadGroupEvent struct {
	Class    string // the record's class, e.g. "thread-group-started"
	GroupID  string // "i1"
	PID      int    // thread-group-started
	ThreadID int    // thread-created, thread-exited
	// ExitCode is decoded from octal for thread-group-exited; HasExitCode is false when gdb gives
	// none (the program was killed by a signal).
	ExitCode    int
	HasExitCode bool
}

// ParseThreadGroupEvent reads the notify records about thread groups and threads.
func ParseThreadGroupEvent(r *Record) (ThreadGroupEvent, bool) {
	if r == nil || r.Kind != NotifyAsync {
		return ThreadGroupEvent{}, false
	}
	switch r.Class {
	case "thread-group-added", "thread-group-removed", "thread-group-started", "thread-group-exited":
		e := ThreadGroupEvent{Class: r.Class, GroupID: r.Get("id").String(), PID: atoi(r.Get("pid"), 0)}
		if v := r.Get("exit-code"); v.Kind == Const {
			e.ExitCode, e.HasExitCode = ParseExitCode(v.String())
		}
		return e, true
	case "thread-created", "thread-exited":
		return ThreadGroupEvent{Class: r.Class, GroupID: r.Get("group-id").String(), ThreadID: atoi(r.Get("id"), 0)}, true
	}
	return ThreadGroupEvent{}, false
}

func atoi(v Value, def int) int {
	if n, ok := v.Int(); ok {
		return int(n)
	}
	return def
}
