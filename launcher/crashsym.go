package launcher

import (
	"bufio"
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// readMem reads n bytes of the program's memory at addr (/proc/<pid>/mem in both modes).
type readMem func(addr uint64, n int) ([]byte, error)

// parseMaps reads /proc/<pid>/maps text.
func parseMaps(text string) []memMap {
	var out []memMap
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok {
			continue
		}
		var m memMap
		var err1, err2, err3 error
		m.Start, err1 = strconv.ParseUint(lo, 16, 64)
		m.End, err2 = strconv.ParseUint(hi, 16, 64)
		m.Offset, err3 = strconv.ParseUint(f[2], 16, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		m.Perms = f[1]
		if len(f) >= 6 {
			m.Path = strings.Join(f[5:], " ")
		}
		out = append(out, m)
	}
	return out
}

// binImage is an ELF object as loaded in the program: its symbols, lines and load bias.
type binImage struct {
	f    *elf.File
	d    *dwarf.Data // nil without debug information
	bias uint64
	funs []elf.Symbol // FUNC symbols by address
	text []memMap     // its executable mappings
}

// openImage opens the object mapped from path and computes its load bias from maps.
func openImage(path string, maps []memMap) (*binImage, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	img := &binImage{f: f}
	img.d, _ = f.DWARF()
	minVaddr := ^uint64(0)
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Vaddr < minVaddr {
			minVaddr = p.Vaddr &^ 0xfff
		}
	}
	base := ^uint64(0)
	for _, m := range maps {
		if m.Path != path {
			continue
		}
		if m.Offset == 0 && m.Start < base {
			base = m.Start
		}
		if strings.Contains(m.Perms, "x") {
			img.text = append(img.text, m)
		}
	}
	if base == ^uint64(0) || minVaddr == ^uint64(0) {
		f.Close()
		return nil, fmt.Errorf("%s is not mapped", path)
	}
	img.bias = base - minVaddr
	syms, _ := f.Symbols()
	dyn, _ := f.DynamicSymbols()
	for _, s := range append(syms, dyn...) {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Value != 0 {
			img.funs = append(img.funs, s)
		}
	}
	sort.Slice(img.funs, func(i, j int) bool { return img.funs[i].Value < img.funs[j].Value })
	return img, nil
}

func (b *binImage) Close() { b.f.Close() }

// inText reports whether addr (a run-time address) lies in the object's code.
func (b *binImage) inText(addr uint64) bool {
	for _, m := range b.text {
		if m.contains(addr) {
			return true
		}
	}
	return false
}

// funcAt names the function holding the run-time address pc.
func (b *binImage) funcAt(pc uint64) string {
	v := pc - b.bias
	i := sort.Search(len(b.funs), func(i int) bool { return b.funs[i].Value > v }) - 1
	if i < 0 {
		return ""
	}
	s := b.funs[i]
	if s.Size > 0 && v >= s.Value+s.Size {
		return ""
	}
	return s.Name
}

// frameAt returns the source place of the run-time address pc from the DWARF line table.
func (b *binImage) frameAt(pc uint64) Frame {
	fr := Frame{Func: b.funcAt(pc), Addr: fmt.Sprintf("%#016x", pc)}
	if b.d == nil {
		return fr
	}
	v := pc - b.bias
	r := b.d.Reader()
	cu, err := r.SeekPC(v)
	if err != nil || cu == nil {
		return fr
	}
	lr, err := b.d.LineReader(cu)
	if err != nil || lr == nil {
		return fr
	}
	var e dwarf.LineEntry
	if err := lr.SeekPC(v, &e); err != nil || e.File == nil {
		return fr
	}
	fr.FullName, fr.Line = e.File.Name, e.Line
	fr.File = filepath.Base(e.File.Name)
	return fr
}

// symbol returns the run-time address of a dynamic or static symbol, or 0.
func (b *binImage) symbol(name string) uint64 {
	dyn, _ := b.f.DynamicSymbols()
	syms, _ := b.f.Symbols()
	for _, s := range append(dyn, syms...) {
		if s.Name == name && s.Value != 0 {
			return s.Value + b.bias
		}
	}
	return 0
}

// isReturnAddr reports whether w, found on the stack, is a return address into img: it points
// into img's code just after a call instruction.
func isReturnAddr(img *binImage, mem readMem, w uint64) bool {
	if w < 7 || !img.inText(w) {
		return false
	}
	code, err := mem(w-7, 7)
	if err != nil || len(code) < 7 {
		return false
	}
	// call rel32 (e8), call *reg (ff d0+r), call *disp(reg) / *(rip+disp) (ff /2).
	return code[2] == 0xe8 || code[5] == 0xff || code[4] == 0xff || code[1] == 0xff
}

// locateCrash fills c.Where (the faulting line in the user's code, found from pc or, when pc is
// in a library, from the nearest return address into the program on the stack) and, for a
// stack overflow, the repeating function and the recursion depth.
func locateCrash(c *Crash, img *binImage, mem readMem, pc, sp uint64, stack *memMap) {
	if img == nil {
		return
	}
	top := sp + 64<<10
	if c.Kind == CrashStackOverflow && stack != nil {
		top = stack.End
	}
	if stack != nil && top > stack.End {
		top = stack.End
	}
	lo := sp
	if stack != nil && lo < stack.Start && stack.Start-lo <= stackGuard {
		lo = stack.Start // the stack pointer already went past the stack's last page
	}
	var words []byte
	if top > lo {
		words, _ = mem(lo, int(top-lo))
	}
	where := uint64(0)
	if img.inText(pc) {
		where = pc + 1 // frameAt(where-1) below: pc itself is the faulting instruction
	}
	counts := map[string]int{}
	for i := 0; i+8 <= len(words); i += 8 {
		w := binary.LittleEndian.Uint64(words[i:])
		if !isReturnAddr(img, mem, w) {
			continue
		}
		if where == 0 {
			where = w
			if c.Kind != CrashStackOverflow {
				break
			}
		}
		if c.Kind == CrashStackOverflow {
			counts[img.funcAt(w-1)]++
		}
	}
	if where != 0 {
		c.Where = img.frameAt(where - 1)
		c.LineText = sourceLine(c.Where.FullName, c.Where.Line)
	}
	if c.Kind == CrashStackOverflow {
		for f, n := range counts {
			if n > c.Depth || n == c.Depth && f < c.Repeat {
				c.Repeat, c.Depth = f, n
			}
		}
		if c.Repeat != "" && img.funcAt(pc) == c.Repeat {
			c.Depth++ // the frame that faulted
		}
	}
}

// sourceLine returns line n of file, trimmed, or "".
func sourceLine(file string, n int) string {
	if file == "" || n <= 0 {
		return ""
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	lines := bytes.Split(data, []byte("\n"))
	if n > len(lines) {
		return ""
	}
	s := strings.TrimSpace(string(lines[n-1]))
	if i := strings.Index(s, "/*"); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	if i := strings.Index(s, "//"); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return s
}

// abortMessage reads glibc's __abort_msg (struct abort_msg_s { unsigned size; char msg[]; }):
// the text glibc printed before abort() for a failed assert or a damaged heap.
func abortMessage(maps []memMap, mem readMem) string {
	libc := ""
	for _, m := range maps {
		if b := filepath.Base(m.Path); strings.HasPrefix(b, "libc.so") || strings.HasPrefix(b, "libc-") {
			libc = m.Path
			break
		}
	}
	if libc == "" {
		return ""
	}
	img, err := openImage(libc, maps)
	if err != nil {
		return ""
	}
	defer img.Close()
	at := img.symbol("__abort_msg")
	if at == 0 {
		return ""
	}
	p, err := mem(at, 8)
	if err != nil || len(p) < 8 {
		return ""
	}
	ptr := binary.LittleEndian.Uint64(p)
	if ptr == 0 {
		return ""
	}
	hdr, err := mem(ptr, 4)
	if err != nil || len(hdr) < 4 {
		return ""
	}
	size := binary.LittleEndian.Uint32(hdr)
	if size <= 4 || size > 64<<10 {
		size = 4096
	}
	msg, _ := mem(ptr+4, int(size-4))
	if i := bytes.IndexByte(msg, 0); i >= 0 {
		msg = msg[:i]
	}
	return string(msg)
}
