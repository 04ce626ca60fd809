package policy

import (
	"os"
	"reflect"
	"sync"
	"testing"
)

var (
	fuzzOnce sync.Once
	fuzzPols []*Policy
	fuzzVMs  [][2]*filterVM // [policy][notify]
)

func fuzzSetup(t testing.TB) {
	fuzzOnce.Do(func() {
		fuzzPols = testPolicies(t)
		for _, p := range fuzzPols {
			fuzzVMs = append(fuzzVMs, [2]*filterVM{newFilterVM(t, p, CompileOptions{}), newFilterVM(t, p, CompileOptions{Notify: true})})
		}
	})
}

// FuzzMatchVsVM compares Match with the compiled filter run in the BPF VM on random calls.
// Seeds: testdata/fuzz/FuzzMatchVsVM. Run with a bound, e.g.
//
//	go test ./wrapper/policy -run '^$' -fuzz FuzzMatchVsVM -fuzztime 30s
//
// archSel picks the arch: 0-2 x86_64 (most interesting), 3 i386, otherwise the raw value.
// nrRaw below 0x80000000 is folded into 0..511 so most inputs hit real syscall numbers.
func FuzzMatchVsVM(f *testing.F) {
	f.Add(uint8(0), false, uint8(0), uint32(0), uint32(101), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0))
	f.Fuzz(func(t *testing.T, pol uint8, notify bool, archSel uint8, archRaw, nrRaw uint32, a0, a1, a2, a3, a4, a5 uint64) {
		fuzzSetup(t)
		i := int(pol) % len(fuzzPols)
		p := fuzzPols[i]
		arch := archRaw
		switch {
		case archSel%8 < 3:
			arch = AuditArchX86_64
		case archSel%8 == 3:
			arch = AuditArchI386
		}
		n := int(int32(nrRaw))
		if nrRaw < 0x80000000 {
			n = int(nrRaw % 512)
		}
		args := [6]uint64{a0, a1, a2, a3, a4, a5}
		o := CompileOptions{Notify: notify}
		vm := fuzzVMs[i][0]
		if notify {
			vm = fuzzVMs[i][1]
		}
		got := vm.run(t, arch, n, args)
		w, m := want(p, o, arch, n, args)
		if got != w {
			t.Fatalf("%s notify=%v arch=%#x %s: filter %s, Match %s (rule %d)", p.Name, notify, arch, FormatCall(n, args), retName(got), retName(w), m.RuleIndex)
		}
	})
}

// FuzzParse: Parse never panics; whatever it accepts round-trips and compiles (or is refused
// with an error, never a panic) within the kernel's limit.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/example.yaml", "testdata/custom.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("name: x\ndefault: allow\nrules: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		y, err := p.Marshal()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		q, err := Parse(y)
		if err != nil {
			t.Fatalf("reparse: %v\n%s", err, y)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip differs:\n%s", y)
		}
		raw, err := p.Compile(CompileOptions{Notify: true})
		if err == nil && len(raw) > MaxInstructions {
			t.Fatalf("%d instructions", len(raw))
		}
	})
}
