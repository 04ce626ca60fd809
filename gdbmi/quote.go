package gdbmi

// Quote makes s one MI command argument. Plain words (printable ASCII without spaces, quotes
// or backslashes) pass unchanged so options like --thread keep working; anything else (empty,
// spaces, quotes, backslashes, control bytes, non-ASCII) becomes a C string: `"`, `\` and
// newline-like bytes are escaped, other control bytes become 3-digit octal escapes, and bytes
// from 0x80 up go through raw (gdb reads them as bytes, so UTF-8 and invalid UTF-8 both survive).
func Quote(s string) string {
	if s == "" {
		return `""`
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '\'' {
			return cQuote(s)
		}
	}
	return s
}

// cQuote always quotes s as an MI C string.
func cQuote(s string) string {
	buf := make([]byte, 0, len(s)+2)
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\t':
			buf = append(buf, '\\', 't')
		case '\r':
			buf = append(buf, '\\', 'r')
		default:
			if c < ' ' || c == 0x7f {
				buf = append(buf, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
			} else {
				buf = append(buf, c)
			}
		}
	}
	return string(append(buf, '"'))
}
