package tui

import (
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// cLexer is the C/C++ lexer of the Source pane, built on first use.
//
// It is defined here, on chroma's own regex engine, rather than taken from
// github.com/alecthomas/chroma/v2/lexers: importing that package parses its ~250 embedded XML
// lexers at program start (about 10 ms, paid by every `sandbug run` before main runs), and the
// Source pane only ever shows C and C++. The rule table follows chroma's C and C++ lexers,
// compacted: it yields the same token kinds that tokenStyle colours.
var cLexer = sync.OnceValue(func() chroma.Lexer {
	return chroma.Coalesce(chroma.MustNewLexer(&chroma.Config{
		Name:      "C",
		Aliases:   []string{"c", "cpp", "c++", "h", "hpp"},
		Filenames: []string{"*.c", "*.h", "*.cc", "*.cpp", "*.cxx", "*.c++", "*.hh", "*.hpp", "*.hxx", "*.h++", "*.inc", "*.def"},
		MimeTypes: []string{"text/x-csrc", "text/x-chdr", "text/x-c++src", "text/x-c++hdr"},
		EnsureNL:  true,
	}, cRules))
})

// cRules is the state machine of cLexer: "root" for code, "string" inside a string literal,
// "macro" for the rest of a preprocessor line, "if0" inside `#if 0` (shown as a comment).
func cRules() chroma.Rules {
	const ident = `[A-Za-z_]\w*`
	r := func(pattern string, typ chroma.Emitter, m chroma.Mutator) chroma.Rule {
		return chroma.Rule{Pattern: pattern, Type: typ, Mutator: m}
	}
	return chroma.Rules{
		"root": {
			// Preprocessor: #include's file name apart, `#if 0` blocks as comments, the rest of
			// a directive (with its continuation lines) as one preprocessor run.
			r(`^([ \t]*)(#[ \t]*(?:include|include_next|import))([ \t]*)(<[^>\n]*>|"[^"\n]*")`,
				chroma.ByGroups(chroma.TextWhitespace, chroma.CommentPreproc, chroma.TextWhitespace, chroma.CommentPreprocFile), nil),
			r(`^([ \t]*)(#[ \t]*if[ \t]+0\b[^\n]*\n)`, chroma.ByGroups(chroma.TextWhitespace, chroma.CommentPreproc), chroma.Push("if0")),
			r(`^([ \t]*)(#)`, chroma.ByGroups(chroma.TextWhitespace, chroma.CommentPreproc), chroma.Push("macro")),
			// A goto label alone at the start of a line (not `default:`, `public:` and kin).
			r(`^([ \t]*)(?!(?:default|public|private|protected)\b)(`+ident+`)([ \t]*)(:)(?!:)`,
				chroma.ByGroups(chroma.TextWhitespace, chroma.NameLabel, chroma.TextWhitespace, chroma.Punctuation), nil),
			r(`\n`, chroma.TextWhitespace, nil),
			r(`\s+`, chroma.TextWhitespace, nil),
			r(`\\\n`, chroma.TextWhitespace, nil),
			// Comments: a // comment continues over backslash-newlines; an unclosed /* runs to
			// the end of the file.
			r(`//[^\n]*(?:\\\n[^\n]*)*`, chroma.CommentSingle, nil),
			r(`/\*[\w\W]*?\*/`, chroma.CommentMultiline, nil),
			r(`/\*[\w\W]*`, chroma.CommentMultiline, nil),
			// Strings and characters, with C11/C++ prefixes; C++ raw strings in one piece.
			r(`(?:u8|u|U|L)?R"([^(\s\\]{0,16})\([\w\W]*?\)\1"`, chroma.LiteralString, nil),
			r(`(u8|u|U|L)?(")`, chroma.ByGroups(chroma.LiteralStringAffix, chroma.LiteralString), chroma.Push("string")),
			r(`(u8|u|U|L)?('(?:\\(?:x[0-9a-fA-F]+|[0-7]{1,3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|[^\\'\n])+')`,
				chroma.ByGroups(chroma.LiteralStringAffix, chroma.LiteralStringChar), nil),
			// Numbers (C23/C++14 digit separators included).
			r(`0[xX][0-9a-fA-F']*\.?[0-9a-fA-F']*[pP][+-]?\d+[fFlL]?`, chroma.LiteralNumberFloat, nil),
			r(`(?:\d[\d']*\.[\d']*|\.\d[\d']*)(?:[eE][+-]?\d+)?[fFlL]?|\d[\d']*[eE][+-]?\d+[fFlL]?`, chroma.LiteralNumberFloat, nil),
			r(`0[xX][0-9a-fA-F']+[uUlLzZ]*`, chroma.LiteralNumberHex, nil),
			r(`0[bB][01']+[uUlLzZ]*`, chroma.LiteralNumberBin, nil),
			r(`0[0-7']+[uUlLzZ]*`, chroma.LiteralNumberOct, nil),
			r(`\d[\d']*[uUlLzZ]*`, chroma.LiteralNumberInteger, nil),
			// Words: keywords, types, constants, then function names (a name before "("),
			// then any other name.
			r(chroma.Words(``, `\b`,
				"auto", "break", "case", "continue", "default", "do", "else", "enum", "extern",
				"for", "goto", "if", "register", "restrict", "return", "sizeof", "static", "struct",
				"switch", "typedef", "union", "volatile", "while", "const", "inline", "asm",
				"_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert",
				"_Thread_local", "__asm__", "__attribute__", "__inline", "__inline__", "__restrict",
				"__typeof__", "__volatile__", "__extension__", "typeof", "alignas", "alignof",
				"static_assert", "thread_local", "constexpr",
				// C++
				"catch", "class", "concept", "consteval", "constinit", "const_cast", "co_await",
				"co_return", "co_yield", "decltype", "delete", "dynamic_cast", "explicit", "export",
				"final", "friend", "mutable", "namespace", "new", "noexcept", "operator", "override",
				"private", "protected", "public", "reinterpret_cast", "requires", "static_cast",
				"template", "this", "throw", "try", "typeid", "typename", "using", "virtual"),
				chroma.Keyword, nil),
			r(chroma.Words(``, `\b`,
				"void", "char", "short", "int", "long", "float", "double", "signed", "unsigned",
				"bool", "_Bool", "_Complex", "wchar_t", "char8_t", "char16_t", "char32_t",
				"__int128", "FILE", "va_list")+
				`|\bu?int(?:_fast|_least)?(?:8|16|32|64)_t\b|\b[a-z]\w*_t\b`,
				chroma.KeywordType, nil),
			r(`(?:true|false|NULL|nullptr|stdin|stdout|stderr|errno|EOF)\b`, chroma.NameBuiltin, nil),
			r(ident+`(?=\s*\()`, chroma.NameFunction, nil),
			r(ident, chroma.Name, nil),
			// Operators and punctuation.
			r(`::|->|\+\+|--|<<=?|>>=?|[<>=!+\-*/%&|^]=|&&|\|\||\.\.\.|[~!%^&*+=|?:<>/-]`, chroma.Operator, nil),
			r(`[()\[\]{},.;]`, chroma.Punctuation, nil),
			r(`.`, chroma.Text, nil),
		},
		"string": {
			r(`"`, chroma.LiteralString, chroma.Pop(1)),
			r(`\\(?:[\\abefnrtv"'?]|x[0-9a-fA-F]+|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3})`, chroma.LiteralStringEscape, nil),
			r(`[^\\"\n]+`, chroma.LiteralString, nil),
			r(`\\\n`, chroma.LiteralString, nil),
			r(`\\`, chroma.LiteralString, nil),
			// An unclosed string ends at the end of its line, so one typo does not colour the
			// rest of the file.
			r(`\n`, chroma.TextWhitespace, chroma.Pop(1)),
		},
		"macro": {
			r(`[^/\\\n]+`, chroma.CommentPreproc, nil),
			r(`\\\n`, chroma.CommentPreproc, nil),
			r(`\\`, chroma.CommentPreproc, nil),
			r(`/\*[\w\W]*?\*/`, chroma.CommentMultiline, nil),
			r(`//[^\n]*`, chroma.CommentSingle, nil),
			r(`/`, chroma.CommentPreproc, nil),
			r(`\n`, chroma.TextWhitespace, chroma.Pop(1)),
		},
		"if0": {
			r(`^[ \t]*#[ \t]*if[^\n]*\n`, chroma.CommentPreproc, chroma.Push("if0")),
			r(`^[ \t]*#[ \t]*el(?:se|if)[^\n]*\n`, chroma.CommentPreproc, chroma.Pop(1)),
			r(`^[ \t]*#[ \t]*endif[^\n]*\n`, chroma.CommentPreproc, chroma.Pop(1)),
			r(`[^\n]*\n`, chroma.Comment, nil),
		},
	}
}
