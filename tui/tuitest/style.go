//go:build unix

package tuitest

import (
	"strings"

	uv "github.com/charmbracelet/ultraviolet"
)

// StyleOf is how the first cell of text's first place on the screen is
// drawn: its colours and attributes as the terminal holds them (the SGR
// the program wrote, after its colour profile). false: text is not on
// the screen. Goldens and Screen drop colour; this is what checks it.
func (c *Console) StyleOf(text string) (uv.Style, bool) {
	c.cells.Lock()
	defer c.cells.Unlock()
	w, h := c.emu.Width(), c.emu.Height()
	for y := range h {
		var line strings.Builder
		var xs []int // the column of each byte of line
		for x := 0; x < w; x++ {
			cell := c.emu.CellAt(x, y)
			content := " "
			if cell != nil {
				if cell.Width == 0 {
					continue // the right half of a wide character
				}
				if cell.Content != "" {
					content = cell.Content
				}
			}
			line.WriteString(content)
			for range len(content) {
				xs = append(xs, x)
			}
		}
		if i := strings.Index(line.String(), text); i >= 0 {
			if cell := c.emu.CellAt(xs[i], y); cell != nil {
				return cell.Style, true
			}
			return uv.Style{}, true
		}
	}
	return uv.Style{}, false
}
