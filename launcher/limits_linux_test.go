package launcher

import (
	"testing"

	"github.com/sandbug/sandbug/wrapper"
)

// TestClassifyMemAndNProc: the endings the limit watcher names, and the ones it must not.
func TestClassifyMemAndNProc(t *testing.T) {
	lim := wrapper.Limits{Mem: 64 << 20, NProcExtra: 64}
	for _, tc := range []struct {
		name       string
		w          waitInfo
		kind, limt string
	}{
		{"failed allocation, status 1", waitInfo{exited: true, code: 1, peakMem: 62 << 20}, KindLimit, LimitMem},
		{"far from the limit, status 1", waitInfo{exited: true, code: 1, peakMem: 20 << 20}, KindExited, ""},
		{"near the limit, status 0", waitInfo{exited: true, code: 0, peakMem: 63 << 20}, KindExited, ""},
		{"NULL written through", waitInfo{signaled: true, signal: 11, peakMem: 60 << 20}, KindLimit, LimitMem},
		{"SIGSEGV far from it", waitInfo{signaled: true, signal: 11, peakMem: 8 << 20}, KindSignaled, ""},
		{"SIGTERM near it", waitInfo{signaled: true, signal: 15, peakMem: 63 << 20}, KindSignaled, ""},
		{"bomb held at the ceiling", waitInfo{signaled: true, signal: 9, nprocHit: true}, KindLimit, LimitNProc},
	} {
		tc.w.attached, tc.w.limits = true, lim
		st := classifyWait(tc.w)
		if st.Kind != tc.kind || st.Limit != tc.limt {
			t.Errorf("%s: %s/%s (%s), want %s/%s", tc.name, st.Kind, st.Limit, st.Summary(), tc.kind, tc.limt)
		}
	}
	if nearMemLimit(1, 0) {
		t.Error("no memory limit, yet near it")
	}
}
