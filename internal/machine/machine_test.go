package machine

import (
	"os"
	"testing"
)

// TestProbes runs both probes and shows what they found; with SANDBUG_EXPECT_HW_WATCH or
// SANDBUG_EXPECT_IA32 set to 0 or 1 (a machine whose answer is known) it asserts the answer.
func TestProbes(t *testing.T) {
	for _, f := range []struct {
		feat Feature
		env  string
	}{{HardwareWatchpoints(), "SANDBUG_EXPECT_HW_WATCH"}, {IA32(), "SANDBUG_EXPECT_IA32"}} {
		t.Log(f.feat)
		if f.feat.Detail == "" {
			t.Errorf("%s: no detail", f.feat.Name)
		}
		switch os.Getenv(f.env) {
		case "1":
			if !f.feat.Present {
				t.Errorf("%s=1 but %v", f.env, f.feat)
			}
		case "0":
			if f.feat.Present {
				t.Errorf("%s=0 but %v", f.env, f.feat)
			}
		}
	}
}
