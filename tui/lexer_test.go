package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
)

// kindsOf tokenises src and returns, for each non-blank token text, the kinds it got.
func kindsOf(t *testing.T, src string) map[string][]chroma.TokenType {
	t.Helper()
	f := tokenise("/x/t.c", src)
	if f.Toks == nil {
		t.Fatalf("the lexer's tokens do not rebuild the lines of:\n%s", src)
	}
	got := map[string][]chroma.TokenType{}
	for _, line := range f.Toks {
		for _, tk := range line {
			if s := strings.TrimSpace(tk.Text); s != "" {
				got[s] = append(got[s], tk.Kind)
			}
		}
	}
	return got
}

func TestCLexerTokenKinds(t *testing.T) {
	src := `#include <stdio.h>
#include "list.h"
#define MAX(a, b) ((a) > (b) ? (a) : (b)) \
	/* still the macro */
#if 0
dead code here
#endif
/* a block
   comment */
static unsigned long counter; // trailing
struct node { int v; };
uint64_t wide;
size_t n;
int main(int argc, char **argv) {
	char c = '\n';
	const char *s = "tab\there \"q\" \x41";
	double d = 1.5e3;
	int h = 0x1F, o = 017, k = 42;
	if (argc > 1 && argv != NULL)
		return printf("%d\n", k);
again:
	goto again;
}
`
	got := kindsOf(t, src)
	want := map[string]chroma.TokenType{
		"#include":              chroma.CommentPreproc,
		"<stdio.h>":             chroma.CommentPreprocFile,
		`"list.h"`:              chroma.CommentPreprocFile,
		"/* still the macro */": chroma.CommentMultiline,
		"dead code here":        chroma.Comment,
		"/* a block":            chroma.CommentMultiline,
		"comment */":            chroma.CommentMultiline,
		"// trailing":           chroma.CommentSingle,
		"static":                chroma.Keyword,
		"unsigned":              chroma.KeywordType,
		"struct":                chroma.Keyword,
		"uint64_t":              chroma.KeywordType,
		"size_t":                chroma.KeywordType,
		"main":                  chroma.NameFunction,
		"printf":                chroma.NameFunction,
		"argc":                  chroma.Name,
		`'\n'`:                  chroma.LiteralStringChar,
		`\t`:                    chroma.LiteralStringEscape,
		`\x41`:                  chroma.LiteralStringEscape,
		"1.5e3":                 chroma.LiteralNumberFloat,
		"0x1F":                  chroma.LiteralNumberHex,
		"017":                   chroma.LiteralNumberOct,
		"42":                    chroma.LiteralNumberInteger,
		"NULL":                  chroma.NameBuiltin,
		"again":                 chroma.NameLabel,
		"return":                chroma.Keyword,
		"&&":                    chroma.Operator,
		"{":                     chroma.Punctuation,
	}
	for text, kind := range want {
		kinds, ok := got[text]
		if !ok {
			t.Errorf("no token %q; tokens: %v", text, got)
			continue
		}
		if kinds[0] != kind {
			t.Errorf("token %q is %v, want %v", text, kinds[0], kind)
		}
	}
	// A preprocessor line is one colour up to its continuation, whatever it holds.
	for text := range got {
		if strings.HasPrefix(text, "#define") && got[text][0] != chroma.CommentPreproc {
			t.Errorf("%q is %v, want CommentPreproc", text, got[text][0])
		}
	}
}

// TestCLexerExamples checks the lexer on every C file of examples/ and on C++ and broken input:
// the tokens must rebuild each line exactly (otherwise the pane falls back to plain text).
func TestCLexerExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*/*.c")
	if len(files) == 0 {
		t.Fatal("no examples/*/*.c found")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if f := tokenise(p, string(b)); f.Toks == nil {
			t.Errorf("%s: tokens do not rebuild the lines", p)
		}
	}
	for _, src := range []string{
		"namespace a { template <typename T> class V { public: V() = default; }; }\nauto s = R\"x(raw \" text)x\"; std::string u = u8\"é\";\n",
		"char *s = \"unterminated\nint x = 1;\n",
		"/* never closed\nint x;\n",
		"int x = 1'000'000; float f = .5f; long l = 10UL;\n\xff\xfe invalid utf8 ` @ $\n",
	} {
		if f := tokenise("/x/t.cpp", src); f.Toks == nil {
			t.Errorf("tokens do not rebuild the lines of %q", src)
		}
	}
	if k := kindsOf(t, "char *s = \"open\nint x;\n")["int"]; len(k) == 0 || k[0] != chroma.KeywordType {
		t.Errorf("an unclosed string must end at its line: int is %v", k)
	}
}

// TestNoChromaLexersPackage guards start-up time: chroma's lexers package parses ~250 embedded
// XML lexers at init (~10 ms and 2.7 MB of allocations before main), paid by every `sandbug run`.
func TestNoChromaLexersPackage(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not in PATH")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/sandbug/sandbug/cmd/sandbug").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/alecthomas/chroma/v2/") {
			t.Errorf("cmd/sandbug depends on %s; the Source pane's lexer is tui/lexer.go", dep)
		}
	}
}
