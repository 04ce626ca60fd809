package launcher

// debugState holds what only debug sessions need.
type debugState struct{}
