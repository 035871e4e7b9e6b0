// Package table is the one table every opsdeck view uses: fixed and flex
// columns, per-cell styles, a sticky selection, sort by any column, and a
// `/` filter. It renders only the visible rows, so a 1,000-service fleet
// costs the same per frame as a 20-service one.
//
// It is written here rather than taken from bubbles/table because we need
// per-cell status colours, sorting and filtering, and a selection that
// follows its row (by key) when a refresh reorders the data.
package table

import (
	"cmp"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/keymap"
)

// Column describes one column. Width is the minimum; Flex columns share
// the remaining width. Columns with Drop > 0 are hidden first when the
// terminal is narrow, highest Drop first.
type Column struct {
	Title string
	Width int
	Flex  bool
	Right bool
	Drop  int
	// KeepEnd truncates from the left, for cells whose newest part is at
	// the end (sparklines).
	KeepEnd bool
	// Fit, when above Width, lets the column grow to its widest cell (the
	// title included), up to Fit cells, before Flex columns share what is
	// left: a name is shown whole before a summary gets spare room.
	Fit int
}

// Cell is one value. Sort orders by Num when IsNum, else by Text.
type Cell struct {
	Text  string
	Style lipgloss.Style
	Num   float64
	IsNum bool
}

// Row is one line; Key identifies it across refreshes.
type Row struct {
	Key   string
	Cells []Cell
}

// Styles are the table's looks, from the theme.
type Styles struct {
	Header, Selected, Subtle lipgloss.Style
}

// Model is the table state.
type Model struct {
	cols []Column
	rows []Row // as given
	// content is each column's widest cell among rows (for Fit columns
	// only), measured when the rows are set, not every frame.
	content []int
	view    []Row // filtered and sorted
	keys    *keymap.KeyMap
	styles  Styles
	styler  styler

	width, height int
	cursor        int
	offset        int
	selectedKey   string

	sortCol  int // -1: keep the given order
	sortDesc bool

	filter    textinput.Model
	filtering bool
}

// New returns an empty table.
func New(cols []Column, keys *keymap.KeyMap, st Styles) *Model {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter"
	return &Model{cols: cols, keys: keys, styles: st, sortCol: -1, filter: ti}
}

// SetStyles replaces the table's looks (a new theme); the cells keep
// theirs, which their maker sets again with SetRows.
func (m *Model) SetStyles(st Styles) {
	m.styles = st
	m.styler = styler{}
}

// SetSize sets the table's outer size, filter line included.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(w, 0), max(h, 0)
	m.filter.SetWidth(max(m.width-12, 1))
	m.clamp()
}

// SetRows replaces the data, keeping the selection on the same row key.
func (m *Model) SetRows(rows []Row) {
	m.rows = rows
	m.measure()
	m.rebuild()
}

// measure notes the widest cell of each Fit column.
func (m *Model) measure() {
	m.content = make([]int, len(m.cols))
	for i, c := range m.cols {
		if c.Fit <= c.Width {
			continue
		}
		w := Width(c.Title)
		for _, r := range m.rows {
			if i < len(r.Cells) {
				w = max(w, Width(r.Cells[i].Text))
			}
		}
		m.content[i] = min(w, c.Fit)
	}
}

// SetSort sorts by column i (-1: the given order).
func (m *Model) SetSort(i int, desc bool) {
	m.sortCol, m.sortDesc = i, desc
	m.rebuild()
}

// Select moves the selection to the first row whose key starts with
// prefix, when one is shown; it reports whether one was.
func (m *Model) Select(prefix string) bool {
	for i, r := range m.view {
		if strings.HasPrefix(r.Key, prefix) {
			m.cursor, m.selectedKey = i, r.Key
			m.clamp()
			return true
		}
	}
	return false
}

// Selected returns the selected row.
func (m *Model) Selected() (Row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return Row{}, false
	}
	return m.view[m.cursor], true
}

// ClearFilter removes an applied filter and reports whether there was one.
func (m *Model) ClearFilter() bool {
	if m.filter.Value() == "" {
		return false
	}
	m.filter.SetValue("")
	m.rebuild()
	return true
}

// Filtering reports that the filter input has the keyboard.
func (m *Model) Filtering() bool { return m.filtering }

// FilterText is the applied (or being typed) filter.
func (m *Model) FilterText() string { return m.filter.Value() }

// Len is the number of rows shown after filtering.
func (m *Model) Len() int { return len(m.view) }

// Update handles navigation, sort and filter keys. It reports whether it
// used the message, so the caller can act on keys the table ignores.
func (m *Model) Update(msg tea.Msg) (bool, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if m.filtering {
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			return true, cmd
		}
		return false, nil
	}
	if m.filtering {
		return true, m.updateFilter(kp)
	}
	k := m.keys
	switch {
	case key.Matches(kp, k.Down):
		m.move(1)
	case key.Matches(kp, k.Up):
		m.move(-1)
	case key.Matches(kp, k.PageDown):
		m.move(m.bodyHeight())
	case key.Matches(kp, k.PageUp):
		m.move(-m.bodyHeight())
	case key.Matches(kp, k.HalfPageDown):
		m.halfPage(1)
	case key.Matches(kp, k.HalfPageUp):
		m.halfPage(-1)
	case key.Matches(kp, k.Top):
		m.move(-len(m.view))
	case key.Matches(kp, k.Bottom):
		m.move(len(m.view))
	case key.Matches(kp, k.Sort):
		m.sortCol = m.nextSortCol()
		m.rebuild()
	case key.Matches(kp, k.Reverse):
		m.sortDesc = !m.sortDesc
		m.rebuild()
	case key.Matches(kp, k.Filter):
		m.filtering = true
		return true, m.filter.Focus()
	default:
		return false, nil
	}
	return true, nil
}

// nextSortCol is the column o sorts by next: the next one shown at this
// width (a column dropped for room would sort by what nobody can see),
// then back to the given order (-1).
func (m *Model) nextSortCol() int {
	show, _ := layout(m.cols, m.width, m.content)
	for _, i := range show {
		if i > m.sortCol {
			return i
		}
	}
	return -1
}

func (m *Model) updateFilter(kp tea.KeyPressMsg) tea.Cmd {
	switch kp.String() {
	case "enter":
		m.filtering = false
		m.filter.Blur()
		return nil
	case "esc":
		m.filtering = false
		m.filter.Blur()
		m.filter.SetValue("")
		m.rebuild()
		return nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(kp)
	m.rebuild()
	return cmd
}

func (m *Model) move(n int) {
	m.cursor += n
	m.clamp()
	if r, ok := m.Selected(); ok {
		m.selectedKey = r.Key
	}
}

// halfPage scrolls the view and the selection half the visible rows in
// direction dir, as ctrl+d/ctrl+u do in vim: the selection keeps its
// place on screen until the view reaches an end, then goes on to the
// first or last row.
func (m *Model) halfPage(dir int) {
	n := max(m.bodyHeight()/2, 1)
	m.offset += dir * n
	m.move(dir * n)
}

// rebuild applies filter and sort, then finds the selected key again.
func (m *Model) rebuild() {
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	m.view = m.view[:0]
	for _, r := range m.rows {
		if q == "" || rowMatches(r, q) {
			m.view = append(m.view, r)
		}
	}
	if c := m.sortCol; c >= 0 && c < len(m.cols) {
		slices.SortStableFunc(m.view, func(a, b Row) int {
			ca, cb := cellAt(a, c), cellAt(b, c)
			o := compareCells(ca, cb)
			// A missing figure goes last either way: "the hogs first"
			// must not put the services it knows nothing of first.
			if m.sortDesc && ca.IsNum == cb.IsNum {
				return -o
			}
			return o
		})
	} else if m.sortDesc {
		slices.Reverse(m.view)
	}
	m.cursor = 0
	for i, r := range m.view {
		if r.Key == m.selectedKey {
			m.cursor = i
			break
		}
	}
	m.clamp()
	if r, ok := m.Selected(); ok {
		m.selectedKey = r.Key
	}
}

func rowMatches(r Row, q string) bool {
	for _, c := range r.Cells {
		if strings.Contains(strings.ToLower(ansi.Strip(c.Text)), q) {
			return true
		}
	}
	return false
}

func cellAt(r Row, i int) Cell {
	if i < len(r.Cells) {
		return r.Cells[i]
	}
	return Cell{}
}

func compareCells(a, b Cell) int {
	if a.IsNum && b.IsNum {
		return cmp.Compare(a.Num, b.Num)
	}
	if a.IsNum != b.IsNum { // values before missing ones
		if a.IsNum {
			return -1
		}
		return 1
	}
	return cmp.Compare(strings.ToLower(a.Text), strings.ToLower(b.Text))
}

// bodyHeight is the number of visible data rows.
func (m *Model) bodyHeight() int {
	h := m.height - 1 // header
	if m.filtering || m.filter.Value() != "" {
		h--
	}
	return max(h, 0)
}

func (m *Model) clamp() {
	m.cursor = min(max(m.cursor, 0), max(len(m.view)-1, 0))
	bh := m.bodyHeight()
	if bh == 0 {
		m.offset = m.cursor
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+bh {
		m.offset = m.cursor - bh + 1
	}
	m.offset = min(m.offset, max(len(m.view)-bh, 0))
	m.offset = max(m.offset, 0)
}
