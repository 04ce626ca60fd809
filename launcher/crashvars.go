package launcher

import (
	"debug/dwarf"
	"encoding/binary"
	"strings"
)

// Run mode names the NULL pointer of a crash without gdb, for the code sandbug compiles
// (-O0, frame pointer kept): the locals and arguments of the faulting function are found in
// its DWARF entry, each at DW_OP_fbreg off from the frame base DW_OP_call_frame_cfa, which is
// rbp+16 once the prologue has run. Access paths (l->head, p.next) follow the struct types.
// Anything else (optimised code, registers, arrays of structs) is left to the debugger.

// frameVars is what DWARF says about the variables of one function at one pc.
type frameVars struct {
	d    *dwarf.Data
	vars map[string]dwarfVar
}

type dwarfVar struct {
	off int64 // from the CFA
	typ dwarf.Type
}

// varsAt collects the arguments and locals of the function holding the run-time address pc;
// nil when its frame base is not the CFA or it has no debug information.
func varsAt(img *binImage, pc uint64) *frameVars {
	if img == nil || img.d == nil {
		return nil
	}
	v := pc - img.bias
	r := img.d.Reader()
	if _, err := r.SeekPC(v); err != nil {
		return nil
	}
	fv := &frameVars{d: img.d, vars: map[string]dwarfVar{}}
	depth, inFunc := 1, -1 // SeekPC leaves the reader at the unit's first child
	for {
		e, err := r.Next()
		if err != nil || e == nil {
			break
		}
		if e.Tag == 0 {
			depth--
			if depth <= 0 {
				break // end of the compile unit
			}
			if depth == inFunc {
				break // end of the function
			}
			continue
		}
		if e.Tag == dwarf.TagSubprogram && inFunc < 0 {
			if covers(img.d, e, v) {
				fb, _ := e.Val(dwarf.AttrFrameBase).([]byte)
				if len(fb) != 1 || fb[0] != 0x9c { // DW_OP_call_frame_cfa
					return nil
				}
				inFunc = depth
			} else if e.Children {
				r.SkipChildren()
				continue
			}
		} else if inFunc >= 0 && (e.Tag == dwarf.TagFormalParameter || e.Tag == dwarf.TagVariable) {
			name, _ := e.Val(dwarf.AttrName).(string)
			loc, _ := e.Val(dwarf.AttrLocation).([]byte)
			toff, ok := e.Val(dwarf.AttrType).(dwarf.Offset)
			if name != "" && ok && len(loc) > 1 && loc[0] == 0x91 { // DW_OP_fbreg
				if t, err := img.d.Type(toff); err == nil {
					off, _ := sleb128(loc[1:])
					fv.vars[name] = dwarfVar{off: off, typ: t}
				}
			}
		}
		if e.Children {
			depth++
		}
	}
	if inFunc < 0 {
		return nil
	}
	return fv
}

func covers(d *dwarf.Data, e *dwarf.Entry, v uint64) bool {
	ranges, err := d.Ranges(e)
	if err != nil {
		return false
	}
	for _, rg := range ranges {
		if v >= rg[0] && v < rg[1] {
			return true
		}
	}
	return false
}

func sleb128(b []byte) (int64, int) {
	var v int64
	var shift uint
	for i, c := range b {
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, i + 1
		}
	}
	return v, len(b)
}

var stepRE = lazyRE(`(->|\.)([A-Za-z_]\w*)`)

// pointerValue evaluates an access path ("l", "l->head", "cur->next->next") whose value is a
// pointer, in the frame whose CFA is cfa; false when it cannot be followed.
func (fv *frameVars) pointerValue(mem readMem, cfa uint64, expr string) (uint64, bool) {
	name := expr
	if i := strings.IndexAny(expr, "-."); i >= 0 {
		name = expr[:i]
	}
	v, ok := fv.vars[name]
	if !ok {
		return 0, false
	}
	addr, typ := uint64(int64(cfa)+v.off), v.typ
	for _, m := range stepRE().FindAllStringSubmatch(expr[len(name):], -1) {
		if m[1] == "->" {
			p, ok := stripType(typ).(*dwarf.PtrType)
			if !ok {
				return 0, false
			}
			val, ok := read64(mem, addr)
			if !ok || val == 0 {
				return 0, false
			}
			addr, typ = val, p.Type
		}
		st, ok := stripType(typ).(*dwarf.StructType)
		if !ok {
			return 0, false
		}
		found := false
		for _, f := range st.Field {
			if f.Name == m[2] {
				addr, typ, found = addr+uint64(f.ByteOffset), f.Type, true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	if _, ok := stripType(typ).(*dwarf.PtrType); !ok {
		return 0, false
	}
	return read64(mem, addr)
}

func stripType(t dwarf.Type) dwarf.Type {
	for {
		switch x := t.(type) {
		case *dwarf.TypedefType:
			t = x.Type
		case *dwarf.QualType:
			t = x.Type
		default:
			return t
		}
	}
}

func read64(mem readMem, addr uint64) (uint64, bool) {
	b, err := mem(addr, 8)
	if err != nil || len(b) < 8 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b), true
}

// nameNull sets c.Expr to the first pointer the faulting line dereferences that is NULL, read
// from the program's memory at the crash (run mode: frame 0 in the program, rbp its frame).
func nameNull(c *Crash, img *binImage, mem readMem, pc, rbp uint64) {
	if c.Kind != CrashNull || c.LineText == "" || !img.inText(pc) {
		return
	}
	fv := varsAt(img, pc)
	if fv == nil {
		return
	}
	for _, e := range derefCandidates(c.LineText) {
		if v, ok := fv.pointerValue(mem, rbp+16, e); ok && v == 0 {
			c.Expr = e
			return
		}
	}
}
