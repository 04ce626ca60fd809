//go:build ignore

// dumpbpf writes the seccomp program sandbug-wrapper installs for a built-in profile as raw
// struct sock_filter records (8 bytes each), for the C floors beside it to install unchanged:
//
//	go run ./scripts/floors/dumpbpf.go [-notify] PROFILE > filter.bpf
//
// -notify compiles it as the supervised wrapper does: reported actions become USER_NOTIF.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"

	"github.com/sandbug/sandbug/wrapper/policy"
)

func main() {
	notify := flag.Bool("notify", false, "reported actions become SECCOMP_RET_USER_NOTIF")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/floors/dumpbpf.go [-notify] PROFILE > filter.bpf")
		os.Exit(2)
	}
	p, err := policy.Profile(flag.Arg(0))
	if err == nil {
		var raw []byte
		prog, cerr := p.Compile(policy.CompileOptions{Notify: *notify})
		for _, ins := range prog {
			raw = binary.LittleEndian.AppendUint16(raw, ins.Op)
			raw = append(raw, ins.Jt, ins.Jf)
			raw = binary.LittleEndian.AppendUint32(raw, ins.K)
		}
		if err = cerr; err == nil {
			_, err = os.Stdout.Write(raw)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dumpbpf:", err)
		os.Exit(1)
	}
}
