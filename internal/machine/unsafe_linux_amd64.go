package machine

import "unsafe"

func unsafePointer(v *uint64) unsafe.Pointer { return unsafe.Pointer(v) }
