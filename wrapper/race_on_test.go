//go:build race

package wrapper

// raceEnabled reports that this test binary runs under the race detector, whose runtime
// (ThreadSanitizer) cannot live inside a small address-space limit.
const raceEnabled = true
