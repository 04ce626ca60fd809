package examples

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FromDir loads a teacher's own demo from a folder: lesson.md (the same front matter as the
// bundled demos) and its C program, NAME.c where NAME is the folder's name, or else the only
// .c file in the folder. Errors say which file is missing or wrong.
func FromDir(dir string) (Example, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Example{}, err
	}
	name := strings.ReplaceAll(filepath.Base(abs), " ", "-")
	lesson, err := os.ReadFile(filepath.Join(abs, "lesson.md"))
	if errors.Is(err, fs.ErrNotExist) {
		return Example{}, fmt.Errorf("demo folder %s has no lesson.md (see any examples/NAME/lesson.md for the format)", dir)
	}
	if err != nil {
		return Example{}, fmt.Errorf("demo folder %s: %w", dir, err)
	}
	srcName := name + ".c"
	src, err := os.ReadFile(filepath.Join(abs, srcName))
	if errors.Is(err, fs.ErrNotExist) {
		cs, _ := filepath.Glob(filepath.Join(abs, "*.c"))
		if len(cs) != 1 {
			return Example{}, fmt.Errorf("demo folder %s needs its program as %s or as the only .c file (found %d .c files)", dir, srcName, len(cs))
		}
		srcName = filepath.Base(cs[0])
		src, err = os.ReadFile(cs[0])
	}
	if err != nil {
		return Example{}, fmt.Errorf("demo folder %s: %w", dir, err)
	}
	e, err := Parse(name, lesson, src)
	if err != nil {
		return Example{}, fmt.Errorf("demo folder %s: %w", dir, err)
	}
	e.SourceFile = srcName
	return e, nil
}
