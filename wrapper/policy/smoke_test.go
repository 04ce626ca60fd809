package policy

import "testing"

func TestSmokeProfiles(t *testing.T) {
	for _, n := range ProfileNames() {
		p, err := Profile(n)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := p.Compile(CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		y, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(y); err != nil {
			t.Fatalf("%s: %v\n%s", n, err, y)
		}
		t.Logf("%s: %d instructions", n, len(raw))
	}
}

func TestSmokeExample(t *testing.T) {
	p, err := Load("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Compile(CompileOptions{Notify: true}); err != nil {
		t.Fatal(err)
	}
}

func TestSmokeCustom(t *testing.T) {
	p, err := Load("testdata/custom.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Compile(CompileOptions{Notify: true}); err != nil {
		t.Fatal(err)
	}
}
