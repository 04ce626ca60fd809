//go:build !(linux && amd64)

package machine

// HardwareWatchpoints reports the feature absent: the probe is written for Linux x86_64.
func HardwareWatchpoints() Feature {
	return Feature{Name: "hardware watchpoints", Detail: "no probe for this system"}
}

// IA32 reports the feature absent: the probe is written for Linux x86_64.
func IA32() Feature { return Feature{Name: "ia32 system calls", Detail: "no probe for this system"} }
