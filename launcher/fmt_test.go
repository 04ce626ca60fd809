package launcher

import (
	"fmt"
	"os"
)

func fmtType(v any) string { return fmt.Sprintf("%T", v) }

func writeFile(t interface{ Fatal(...any) }, path, s string) {
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
