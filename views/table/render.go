package table

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
)

const gap = 2 // spaces between columns

var gapText = strings.Repeat(" ", gap)

// layout decides which columns show and how wide each is at width w.
// content is each Fit column's widest cell (nil: none measured).
func layout(cols []Column, w int, content []int) (show []int, widths []int) {
	show = make([]int, 0, len(cols))
	for i := range cols {
		show = append(show, i)
	}
	need := func() int {
		n := 0
		for _, i := range show {
			n += cols[i].Width
		}
		return n + gap*max(len(show)-1, 0)
	}
	// Hide droppable columns, highest Drop first, until the rest fit.
	for need() > w {
		drop, best := -1, 0
		for j, i := range show {
			if cols[i].Drop > best {
				drop, best = j, cols[i].Drop
			}
		}
		if drop < 0 {
			break
		}
		show = append(show[:drop], show[drop+1:]...)
	}
	widths = make([]int, len(show))
	flex := 0
	for j, i := range show {
		widths[j] = cols[i].Width
		if cols[i].Flex {
			flex++
		}
	}
	spare := w - need()
	// Fit columns grow toward their content first, left to right.
	for j, i := range show {
		if spare <= 0 {
			break
		}
		if i < len(content) && content[i] > widths[j] {
			add := min(content[i]-widths[j], spare)
			widths[j] += add
			spare -= add
		}
	}
	if spare > 0 && flex > 0 {
		each, rest := spare/flex, spare%flex
		for j, i := range show {
			if cols[i].Flex {
				widths[j] += each
				if rest > 0 {
					widths[j]++
					rest--
				}
			}
		}
	}
	return show, widths
}

// View renders the header, the visible rows and the filter line. Every
// line is exactly the table's width.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	show, widths := layout(m.cols, m.width, m.content)
	var b strings.Builder
	// Header with the sort marker on the sorted column.
	var hdr []string
	for j, i := range show {
		t := m.cols[i].Title
		if i == m.sortCol {
			// The arrow is what says how the rows are ordered: a title as
			// wide as its column gives up its last letter, never the arrow.
			arrow := map[bool]string{false: "↑", true: "↓"}[m.sortDesc]
			if Width(t)+1 > widths[j] {
				t = ansi.Truncate(t, max(widths[j]-1, 0), "")
			}
			t += arrow
		}
		hdr = append(hdr, pad(t, widths[j], m.cols[i].Right))
	}
	b.WriteString(m.styles.Header.Render(fit(strings.Join(hdr, gapText), m.width)))

	bh := m.bodyHeight()
	lines := 1
	if len(m.view) == 0 && bh > 0 {
		msg := "no rows"
		if q := m.filter.Value(); q != "" {
			msg = fmt.Sprintf("nothing matches %q", q)
		}
		b.WriteString("\n" + m.styles.Subtle.Render(fit("  "+msg, m.width)))
		lines++
	}
	for r := m.offset; r < len(m.view) && r < m.offset+bh; r++ {
		b.WriteString("\n")
		b.WriteString(m.renderRow(m.view[r], show, widths, r == m.cursor))
		lines++
	}
	for ; lines < m.height-m.filterLines(); lines++ {
		b.WriteString("\n")
	}
	if m.filterLines() > 0 {
		b.WriteString("\n")
		b.WriteString(m.filterLine())
	}
	return b.String()
}

func (m *Model) filterLines() int {
	if (m.filtering || m.filter.Value() != "") && m.height > 1 {
		return 1
	}
	return 0
}

func (m *Model) filterLine() string {
	if m.filtering {
		return fit(m.filter.View(), m.width)
	}
	s := fmt.Sprintf("filter: %s (%d of %d) · esc clears", m.filter.Value(), len(m.view), len(m.rows))
	return m.styles.Subtle.Render(fit(s, m.width))
}

func (m *Model) renderRow(r Row, show, widths []int, selected bool) string {
	var b strings.Builder
	b.Grow(m.width + 32*len(show)) // cells plus their colour codes
	lineWidth := 0
	// The selected row is marked by the Selected style (reverse, bold)
	// laid over each cell's own: a DOWN stays red under the cursor.
	gapCell := gapText
	if selected {
		gapCell = m.styler.render(m.styles.Selected, gapText)
	}
	for j, i := range show {
		if j > 0 {
			b.WriteString(gapCell)
			lineWidth += gap
		}
		c := cellAt(r, i)
		// Cells hold outside text (container, service, alert names,
		// summaries, error messages): shown, never obeyed. Views style a
		// cell through Style, never inside Text, so nothing is lost.
		text := backend.Printable(c.Text)
		if m.cols[i].KeepEnd {
			text = keepEnd(text, widths[j])
		}
		// pad makes the cell exactly widths[j] cells wide, and a
		// colour-only style (all the views use) adds no cells.
		text = pad(text, widths[j], m.cols[i].Right)
		lineWidth += widths[j]
		st := c.Style
		if selected {
			st = st.Inherit(m.styles.Selected)
		}
		b.WriteString(m.styler.render(st, text))
	}
	rest := strings.Repeat(" ", max(m.width-lineWidth, 0))
	if selected {
		rest = m.styler.render(m.styles.Selected, rest)
	}
	b.WriteString(rest)
	if lineWidth > m.width { // columns that cannot be dropped are wider than the table
		return ansi.Truncate(b.String(), m.width, "")
	}
	return b.String()
}

// pad truncates s to w cells (with an ellipsis) and pads it to w.
func pad(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	sw := Width(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = Width(s)
	}
	fill := strings.Repeat(" ", max(w-sw, 0))
	if right {
		return fill + s
	}
	return s + fill
}

// fit pads or truncates a plain line to exactly w cells.
func fit(s string, w int) string { return pad(s, w, false) }

// keepEnd cuts s from the left to at most w cells, marking the cut.
func keepEnd(s string, w int) string {
	if over := Width(s) - w; over > 0 && w > 0 {
		return ansi.TruncateLeft(s, over+1, "…")
	}
	return s
}
