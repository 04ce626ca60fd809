package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

func TestEscapeInvalidUTF8(t *testing.T) {
	tests := []struct {
		in, want string
		esc      bool
	}{
		{"plain", "plain", false},
		{"été \\ ok", "été \\ ok", false}, // valid UTF-8 stays as it is, backslash included
		{"\xff", `\xff`, true},
		{"a\\b\xfe", `a\\b\xfe`, true},
		{"\xc3", `\xc3`, true}, // a cut multi-byte sequence
		{"é\xc3(", `é\xc3(`, true},
	}
	for _, tt := range tests {
		got, esc := escapeInvalidUTF8(tt.in)
		if got != tt.want || esc != tt.esc {
			t.Errorf("escapeInvalidUTF8(%q) = %q, %v; want %q, %v", tt.in, got, esc, tt.want, tt.esc)
		}
	}
}

// TestRunJSONKeepsInvalidUTF8Args: the program gets the exact bytes, and the report keeps
// them (escaped, and says which), instead of U+FFFD.
func TestRunJSONKeepsInvalidUTF8Args(t *testing.T) {
	prog := testbin.CompileC(t, "argbytes", "#include <stdio.h>\nint main(int c, char **v){ for (int i = 1; i < c; i++) { for (unsigned char *p = (unsigned char *)v[i]; *p; p++) printf(\"%02x\", *p); printf(\" \"); } return 0; }\n")
	out, errOut, code := sandbug(t, "", "run", "--json", "--", prog, "ok", "bad\xff\\", "é")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Args    []string
		Escaped []string
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Join(rep.Args, "|") != `ok|bad\xff\\|é` || strings.Join(rep.Escaped, ",") != "args[1]" {
		t.Errorf("args %q escaped %q", rep.Args, rep.Escaped)
	}
	if !strings.Contains(errOut, "6f6b 626164ff5c c3a9") {
		t.Errorf("the program did not get the exact bytes: %q", errOut)
	}
}
