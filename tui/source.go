package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/charmbracelet/x/ansi"
)

// maxSourceBytes bounds what the Source pane loads: a teaching tool shows small files, and a
// huge generated file must not stall the UI.
const maxSourceBytes = 4 << 20

// token is one highlighted piece of a source line.
type token struct {
	Kind chroma.TokenType
	Text string // cleaned: safe to draw
}

// sourceFile is one loaded and tokenised source file.
type sourceFile struct {
	Path  string    // absolute path
	Name  string    // base name, for titles
	Lines []string  // cleaned plain text per line
	Toks  [][]token // the same lines as highlighted tokens
}

// loadSource reads and tokenises a file. It does I/O: call it from a tea.Cmd.
func loadSource(path string) (*sourceFile, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open source: %w", err)
	}
	if fi.Size() > maxSourceBytes {
		return nil, fmt.Errorf("open source %s: %d bytes is too big to show", path, fi.Size())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("open source: %w", err)
	}
	return tokenise(path, string(b)), nil
}

// tokenise splits text into cleaned lines and chroma tokens of the C/C++ lexer (cLexer).
func tokenise(path, text string) *sourceFile {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.TrimSuffix(text, "\n")
	f := &sourceFile{Path: path, Name: filepath.Base(path)}
	raw := strings.Split(text, "\n")
	for _, l := range raw {
		f.Lines = append(f.Lines, clean(l))
	}
	if it, err := cLexer().Tokenise(nil, text+"\n"); err == nil {
		for _, line := range chroma.SplitTokensIntoLines(it.Tokens()) {
			var lt []token
			for _, t := range line {
				v := strings.TrimRight(t.Value, "\n")
				if v == "" {
					continue
				}
				lt = append(lt, token{t.Type, clean(v)})
			}
			f.Toks = append(f.Toks, lt)
		}
	}
	// The tokens must describe the very same text as Lines; otherwise draw plain lines.
	if len(f.Toks) != len(f.Lines) {
		f.Toks = nil
	} else {
		for i, lt := range f.Toks {
			var b strings.Builder
			for _, t := range lt {
				b.WriteString(t.Text)
			}
			if b.String() != f.Lines[i] {
				f.Toks = nil
				break
			}
		}
	}
	return f
}

// sourcePane shows a file with line numbers, breakpoint and blocked-call marks, the line the
// program is stopped at and a cursor line that F9 and F4 act on.
type sourcePane struct {
	file    *sourceFile
	cursor  int                     // 1-based cursor line
	top     int                     // 0-based first visible line
	h       int                     // visible lines (set at render)
	execAt  int                     // 1-based line where the selected frame is, 0 if not in this file
	execTop bool                    // execAt is the innermost frame (the program's own position)
	bps     map[string]map[int]bool // full path -> line -> enabled
	blocked map[string]map[int]int  // full path -> line -> blocked calls there
	search  string
	note    string       // shown when there is no source (no -g, a libc frame)
	diag    *compileDiag // the compiler's first error, drawn under its line
	// cache holds highlighted lines without overlay by (line, width); cleared when the file or
	// the styles change.
	cache     map[[2]int]string
	cacheFile *sourceFile
	cacheSt   *Styles
}

func newSourcePane() sourcePane {
	return sourcePane{bps: map[string]map[int]bool{}, blocked: map[string]map[int]int{}}
}

// show makes f the visible file with the cursor on line (0 keeps the old cursor).
func (p *sourcePane) show(f *sourceFile, line int) {
	if p.file == nil || f.Path != p.file.Path {
		p.top = 0
		p.cursor = 1
	}
	p.file = f
	p.note = ""
	if line > 0 {
		p.cursor = line
		p.center()
	}
	p.clamp()
}

// showDiag shows f at the compiler's error line, the message under it.
func (p *sourcePane) showDiag(f *sourceFile) {
	p.show(f, p.diag.line)
	p.execAt = 0
}

func (p *sourcePane) lines() int {
	if p.file == nil {
		return 0
	}
	return len(p.file.Lines)
}

func (p *sourcePane) clamp() {
	n := p.lines()
	if p.cursor > n {
		p.cursor = n
	}
	if p.cursor < 1 {
		p.cursor = 1
	}
	if p.h > 0 {
		p.top = scrollTo(p.top, p.cursor-1, p.h, n)
	}
}

// center scrolls so the cursor sits about a third down the pane.
func (p *sourcePane) center() {
	if p.h <= 0 {
		p.top = max(p.cursor-6, 0)
		return
	}
	p.top = max(p.cursor-1-p.h/3, 0)
	p.clamp()
}

func (p *sourcePane) move(d int) { p.cursor += d; p.clamp() }

// scroll moves the view by d lines without moving the cursor off screen.
func (p *sourcePane) scroll(d int) {
	n := p.lines()
	p.top += d
	if p.top > n-p.h {
		p.top = n - p.h
	}
	if p.top < 0 {
		p.top = 0
	}
	if p.cursor-1 < p.top {
		p.cursor = p.top + 1
	}
	if p.h > 0 && p.cursor-1 >= p.top+p.h {
		p.cursor = p.top + p.h
	}
}

// find moves the cursor to the next line containing q (case-insensitive) after the cursor,
// wrapping around; it reports whether one was found.
func (p *sourcePane) find(q string, from int) bool {
	p.search = q
	n := p.lines()
	if q == "" || n == 0 {
		return false
	}
	lq := strings.ToLower(q)
	for i := 1; i <= n; i++ {
		ln := (from-1+i)%n + 1
		if strings.Contains(strings.ToLower(p.file.Lines[ln-1]), lq) {
			p.cursor = ln
			p.center()
			return true
		}
	}
	return false
}

func (p *sourcePane) gutterWidth() int {
	digits := len(fmt.Sprint(p.lines()))
	if digits < 3 {
		digits = 3
	}
	return 2 + digits + 2 // bp mark, blocked mark, number, arrow, space
}

// lineAt maps a row inside the pane body to a 1-based line, or 0.
func (p *sourcePane) lineAt(row int) int {
	ln := p.top + row + 1
	if row < 0 || ln > p.lines() {
		return 0
	}
	return ln
}

func (p *sourcePane) title() string {
	if p.file == nil {
		return "Source"
	}
	return "Source: " + p.file.Name
}

func (p *sourcePane) view(st *Styles, w, h int) []string {
	p.h = h
	if p.file == nil || p.lines() == 0 {
		note := p.note
		if note == "" {
			note = "No source to show yet."
		}
		out := []string{""}
		for _, l := range wrap(note, w-2) {
			out = append(out, " "+st.Note.Render(l))
		}
		return out
	}
	p.clamp()
	gw := p.gutterWidth()
	digits := gw - 4
	bps := p.bps[p.file.Path]
	blk := p.blocked[p.file.Path]
	out := make([]string, 0, h)
	if p.note != "" {
		out = append(out, noteLines(st, p.note, w)...)
	}
	for row := 0; len(out) < h; row++ {
		ln := p.top + row + 1
		if ln > p.lines() {
			break
		}
		mark := " "
		if en, ok := bps[ln]; ok {
			if en {
				mark = st.Breakpoint.Render("●")
			} else {
				mark = st.BreakpointOff.Render("○")
			}
		}
		bmark := " "
		if blk[ln] > 0 {
			bmark = st.BlockedMark.Render("⊘")
		}
		num := fmt.Sprintf("%*d", digits, ln)
		arrow := " "
		var lineStyle *lipgloss.Style
		if ln == p.execAt {
			num = st.LineNoCurrent.Render(num)
			if p.execTop {
				arrow = st.CurrentArrow.Render("▶")
			} else {
				arrow = st.CurrentArrow.Render("▷")
			}
			lineStyle = &st.CurrentLine
		} else {
			num = st.LineNo.Render(num)
		}
		if ln == p.cursor && lineStyle == nil {
			lineStyle = &st.Cursor
		}
		d := p.diag
		isErr := d != nil && d.path == p.file.Path && d.line == ln
		if isErr {
			bmark = st.Error.Render("✗")
		}
		code := p.renderLine(st, ln, w-gw, lineStyle)
		out = append(out, mark+bmark+num+arrow+" "+code)
		if isErr && len(out) < h {
			// The message sits right under its line, in words that need no colour.
			pad := strings.Repeat(" ", max(gw+d.col-1, gw))
			msg := "└ " + d.severity + ": " + d.text
			if width(pad)+width(msg) > w {
				pad = strings.Repeat(" ", gw)
			}
			for _, l := range wrap(msg, max(w-width(pad), 10)) {
				if len(out) < h {
					out = append(out, st.Error.Render(fit(pad+l, w)))
				}
			}
		}
	}
	return out
}

// compileDiag is the compiler's first error, placed in its file.
type compileDiag struct {
	path           string // absolute
	line, col      int
	severity, text string
}

// renderLine draws one line's code in exactly w cells, highlighted, with an optional whole-line
// overlay (current line, cursor) and search matches.
func (p *sourcePane) renderLine(st *Styles, ln, w int, overlay *lipgloss.Style) string {
	if w <= 0 {
		return ""
	}
	text := p.file.Lines[ln-1]
	plain := overlay == nil && (p.search == "" || !strings.Contains(strings.ToLower(text), strings.ToLower(p.search)))
	if plain {
		if p.cacheFile != p.file || p.cacheSt != st {
			p.cache, p.cacheFile, p.cacheSt = map[[2]int]string{}, p.file, st
		}
		if s, ok := p.cache[[2]int{ln, w}]; ok {
			return s
		}
		s := p.renderLineNoCache(st, ln, w, nil)
		p.cache[[2]int{ln, w}] = s
		return s
	}
	return p.renderLineNoCache(st, ln, w, overlay)
}

func (p *sourcePane) renderLineNoCache(st *Styles, ln, w int, overlay *lipgloss.Style) string {
	text := p.file.Lines[ln-1]
	var b strings.Builder
	if p.search != "" && len(strings.ToLower(text)) == len(text) && strings.Contains(strings.ToLower(text), strings.ToLower(p.search)) {
		// Search matches win over syntax colours on that line.
		lt, lq := strings.ToLower(text), strings.ToLower(p.search)
		for len(text) > 0 {
			i := strings.Index(lt, lq)
			if i < 0 {
				b.WriteString(styleOver(st.Operator, overlay).Render(text))
				break
			}
			b.WriteString(styleOver(st.Operator, overlay).Render(text[:i]))
			b.WriteString(st.Match.Render(text[i : i+len(lq)]))
			text, lt = text[i+len(lq):], lt[i+len(lq):]
		}
	} else if p.file.Toks != nil {
		for _, t := range p.file.Toks[ln-1] {
			b.WriteString(styleOver(tokenStyle(st, t.Kind), overlay).Render(t.Text))
		}
	} else {
		b.WriteString(styleOver(st.Operator, overlay).Render(text))
	}
	s := b.String()
	tw := width(p.file.Lines[ln-1]) // the styles add no cells: measure the plain text
	if tw > w {
		return ansi.Truncate(s, w, "…")
	}
	pad := strings.Repeat(" ", w-tw)
	if overlay != nil {
		pad = overlay.Render(pad)
	}
	return s + pad
}

func styleOver(base lipgloss.Style, overlay *lipgloss.Style) lipgloss.Style {
	if overlay == nil {
		return base
	}
	return base.Inherit(*overlay)
}

func tokenStyle(st *Styles, t chroma.TokenType) lipgloss.Style {
	switch {
	case t == chroma.KeywordType:
		return st.Type
	case t.InCategory(chroma.Keyword):
		return st.Keyword
	case t.InSubCategory(chroma.CommentPreproc) || t == chroma.CommentPreprocFile:
		return st.Preproc
	case t.InCategory(chroma.Comment):
		return st.Comment
	case t.InSubCategory(chroma.LiteralString):
		return st.String
	case t.InSubCategory(chroma.LiteralNumber):
		return st.Number
	case t == chroma.NameFunction:
		return st.Function
	case t == chroma.NameBuiltin:
		return st.Type
	}
	return st.Operator
}
