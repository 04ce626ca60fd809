package tui

// paneID names one pane. The order is the Tab order.
type paneID int

const (
	paneSource paneID = iota
	paneLesson
	paneLocals
	paneWatch
	paneStack
	paneBreakpoints
	paneProgram
	paneSandbox
	paneConsole
	paneProcs
	paneAsm
	paneMemory
	paneRegisters
	paneThreads
	numPanes
)

var paneNames = [numPanes]string{
	paneSource:      "Source",
	paneLesson:      "Lesson",
	paneLocals:      "Locals",
	paneWatch:       "Watch",
	paneStack:       "Stack",
	paneBreakpoints: "Breakpoints",
	paneProgram:     "Program",
	paneSandbox:     "Sandbox",
	paneConsole:     "Console",
	paneProcs:       "Processes",
	paneAsm:         "Asm",
	paneMemory:      "Memory",
	paneRegisters:   "Registers",
	paneThreads:     "Threads",
}

func (p paneID) String() string {
	if p >= 0 && p < numPanes {
		return paneNames[p]
	}
	return "?"
}

// rect is a screen rectangle in cells.
type rect struct{ X, Y, W, H int }

func (r rect) contains(x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// inner is the rectangle inside a one-cell border.
func (r rect) inner() rect {
	if r.W < 2 || r.H < 2 {
		return rect{r.X, r.Y, 0, 0}
	}
	return rect{r.X + 1, r.Y + 1, r.W - 2, r.H - 2}
}

// slot is a framed area of the screen showing one of its panes at a time (tabs).
type slot struct {
	R     rect
	Panes []paneID
}

// layout places every pane on a width x height screen.
type layout struct {
	W, H     int
	TooSmall bool // below minW x minH: show a message instead of panes
	Slots    []slot
	Status   rect // the status bar line
	Hint     rect // the key hint line
}

// The smallest screen the panes fit on.
const (
	minW = 80
	minH = 24
)

// slotOf returns the index of the slot showing p, or -1.
func (l layout) slotOf(p paneID) int {
	for i, s := range l.Slots {
		for _, q := range s.Panes {
			if q == p {
				return i
			}
		}
	}
	return -1
}

// computeLayout is a pure function of the screen size and whether a lesson is shown. From 80x24
// up every pane is reachable: panes that do not fit side by side share a slot as tabs. Wider
// and taller screens split the shared slots apart.
func computeLayout(w, h int, lesson bool) layout {
	l := layout{W: w, H: h}
	if w < minW || h < minH {
		l.TooSmall = true
		return l
	}
	l.Status = rect{0, h - 2, w, 1}
	l.Hint = rect{0, h - 1, w, 1}
	mainH := h - 2
	topH := mainH * 3 / 5
	if topH < 12 {
		topH = 12
	}
	bottomH := mainH - topH

	sideW := w * 36 / 100
	if w >= 140 {
		sideW = w * 30 / 100
	}
	if sideW < 28 {
		sideW = 28
	}
	leftW := w - sideW

	// Top left: the source, with the lesson beside it when there is room; the Processes, Asm
	// and Memory views are its tabs.
	srcTabs := []paneID{paneSource, paneProcs, paneAsm, paneMemory}
	srcW := leftW
	var sidePanes1, sidePanes2 []paneID
	if lesson && w >= 120 {
		lessonW := leftW * 38 / 100
		srcW = leftW - lessonW
		l.Slots = append(l.Slots, slot{rect{0, 0, srcW, topH}, srcTabs})
		l.Slots = append(l.Slots, slot{rect{srcW, 0, lessonW, topH}, []paneID{paneLesson}})
	} else {
		l.Slots = append(l.Slots, slot{rect{0, 0, srcW, topH}, srcTabs})
		if lesson {
			sidePanes1 = append(sidePanes1, paneLesson)
		}
	}

	// Top right: variables and the stack, split in two when tall enough.
	if topH >= 20 {
		upper := topH / 2
		sidePanes1 = append(sidePanes1, paneLocals, paneWatch, paneRegisters)
		sidePanes2 = []paneID{paneStack, paneBreakpoints, paneThreads}
		l.Slots = append(l.Slots, slot{rect{leftW, 0, sideW, upper}, sidePanes1})
		l.Slots = append(l.Slots, slot{rect{leftW, upper, sideW, topH - upper}, sidePanes2})
	} else {
		sidePanes1 = append(sidePanes1, paneLocals, paneStack, paneWatch, paneBreakpoints, paneRegisters, paneThreads)
		l.Slots = append(l.Slots, slot{rect{leftW, 0, sideW, topH}, sidePanes1})
	}

	// Bottom: the program's terminal, then the sandbox and the console.
	progW := w * 55 / 100
	if w >= 140 {
		progW = w * 40 / 100
		rest := w - progW
		sbW := rest / 2
		l.Slots = append(l.Slots, slot{rect{0, topH, progW, bottomH}, []paneID{paneProgram}})
		l.Slots = append(l.Slots, slot{rect{progW, topH, sbW, bottomH}, []paneID{paneSandbox}})
		l.Slots = append(l.Slots, slot{rect{progW + sbW, topH, rest - sbW, bottomH}, []paneID{paneConsole}})
	} else {
		l.Slots = append(l.Slots, slot{rect{0, topH, progW, bottomH}, []paneID{paneProgram}})
		l.Slots = append(l.Slots, slot{rect{progW, topH, w - progW, bottomH}, []paneID{paneSandbox, paneConsole}})
	}
	return l
}
