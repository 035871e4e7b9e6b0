package table

import (
	"charm.land/lipgloss/v2"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/keymap/keytest"
)

func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func fleet(n int) []Row {
	var rows []Row
	for i := range n {
		name := fmt.Sprintf("svc-%02d", i)
		rows = append(rows, Row{Key: name, Cells: []Cell{{Text: name}, {Text: fmt.Sprint(n - i), Num: float64(n - i), IsNum: true}}})
	}
	return rows
}

func newTable(w, h int) *Model {
	m := New([]Column{{Title: "NAME", Width: 8, Flex: true}, {Title: "RPS", Width: 5, Right: true}}, keymap.Default(), Styles{})
	m.SetSize(w, h)
	return m
}

func selected(t *testing.T, m *Model) string {
	t.Helper()
	r, ok := m.Selected()
	if !ok {
		t.Fatal("nothing selected")
	}
	return r.Key
}

func TestSelectionFollowsRowAcrossRefresh(t *testing.T) {
	m := newTable(40, 10)
	m.SetRows(fleet(5))
	m.Update(keytest.Press("j"))
	m.Update(keytest.Press("j"))
	if got := selected(t, m); got != "svc-02" {
		t.Fatalf("selected %s", got)
	}
	rows := fleet(5)
	rows[0], rows[4] = rows[4], rows[0] // a refresh reorders the data
	m.SetRows(append([]Row{{Key: "new", Cells: []Cell{{Text: "new"}}}}, rows...))
	if got := selected(t, m); got != "svc-02" {
		t.Fatalf("selection jumped to %s after refresh", got)
	}
}

func TestFilterNarrowsAndClears(t *testing.T) {
	m := newTable(40, 10)
	m.SetRows(fleet(12))
	m.Update(keytest.Press("/"))
	if !m.Filtering() {
		t.Fatal("/ did not start filtering")
	}
	typeText(m, "svc-1") // q, j, k typed here must not act as keys
	if m.Len() != 2 {
		t.Fatalf("filter kept %d rows, want 2", m.Len())
	}
	m.Update(keytest.Press("enter"))
	if m.Filtering() || m.FilterText() != "svc-1" {
		t.Fatal("enter should apply the filter and leave input mode")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "filter: svc-1 (2 of 12)") {
		t.Fatalf("filter line missing:\n%s", v)
	}
	if !m.ClearFilter() || m.Len() != 12 || m.ClearFilter() {
		t.Fatal("ClearFilter should clear once, then report nothing to clear")
	}
	m.Update(keytest.Press("/"))
	typeText(m, "zzz")
	if v := ansi.Strip(m.View()); !strings.Contains(v, `nothing matches "zzz"`) {
		t.Fatalf("empty result not explained:\n%s", v)
	}
	m.Update(keytest.Press("esc"))
	if m.Filtering() || m.Len() != 12 {
		t.Fatal("esc while typing should drop the filter")
	}
}

func TestSortCyclesColumnsAndReverses(t *testing.T) {
	m := newTable(40, 10)
	m.SetRows(fleet(3))          // svc-00 has RPS 3, svc-02 has RPS 1
	m.Update(keytest.Press("o")) // sort by NAME
	m.Update(keytest.Press("o")) // sort by RPS ascending
	m.Update(keytest.Press("g"))
	if got := selected(t, m); got != "svc-02" {
		t.Fatalf("lowest RPS first, got %s", got)
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "RPS↑") {
		t.Fatalf("sort marker missing:\n%s", v)
	}
	m.Update(keytest.Press("O"))
	m.Update(keytest.Press("g"))
	if got := selected(t, m); got != "svc-00" {
		t.Fatalf("reversed: highest RPS first, got %s", got)
	}
}

func TestScrollKeepsCursorVisible(t *testing.T) {
	m := newTable(30, 5) // header + 4 rows
	m.SetRows(fleet(50))
	m.Update(keytest.Press("G"))
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "svc-49") || strings.Contains(v, "svc-00") {
		t.Fatalf("bottom not visible after G:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n != 5 {
		t.Fatalf("view has %d lines, want 5", n)
	}
}

// ctrl+d and ctrl+u move the view and the selection half a page (10
// data rows here: 5), the selection staying on its line of the screen,
// and stop at the ends.
func TestHalfPageMovesViewAndSelection(t *testing.T) {
	m := newTable(30, 11) // header + 10 rows
	m.SetRows(fleet(23))
	m.Update(keytest.Press("j"))
	m.Update(keytest.Press("j"))
	steps := []struct {
		key, selected string
		offset        int
	}{
		{"ctrl+d", "svc-07", 5}, {"ctrl+d", "svc-12", 10}, {"ctrl+d", "svc-17", 13},
		{"ctrl+d", "svc-22", 13}, {"ctrl+d", "svc-22", 13},
		{"ctrl+u", "svc-17", 8}, {"ctrl+u", "svc-12", 3}, {"ctrl+u", "svc-07", 0}, {"ctrl+u", "svc-02", 0}, {"ctrl+u", "svc-00", 0},
	}
	for i, st := range steps {
		m.Update(keytest.Press(st.key))
		if got := selected(t, m); got != st.selected || m.offset != st.offset {
			t.Fatalf("step %d (%s): selected %s at offset %d, want %s at %d", i, st.key, got, m.offset, st.selected, st.offset)
		}
	}
	// A table shorter than the page: the selection still moves.
	m.SetRows(fleet(3))
	m.Update(keytest.Press("ctrl+d"))
	if got := selected(t, m); got != "svc-02" {
		t.Fatalf("ctrl+d on 3 rows selected %s", got)
	}
}

func TestLayoutDropsColumnsAndNeverOverflows(t *testing.T) {
	cols := []Column{{Title: "A", Width: 10, Flex: true}, {Title: "B", Width: 10, Drop: 1}, {Title: "C", Width: 6}}
	show, widths := layout(cols, 20, nil)
	if len(show) != 2 || show[1] != 2 {
		t.Fatalf("column B should be dropped at width 20: %v", show)
	}
	if widths[0] != 12 {
		t.Fatalf("flex column should take the spare width: %v", widths)
	}
	m := New(cols, keymap.Default(), Styles{})
	m.SetRows([]Row{{Key: "x", Cells: []Cell{{Text: strings.Repeat("long ", 20)}, {Text: "b"}, {Text: "c"}}}})
	for w := 0; w <= 60; w++ {
		m.SetSize(w, 4)
		for _, line := range strings.Split(m.View(), "\n") {
			if ansi.StringWidth(line) > w {
				t.Fatalf("width %d: line of %d cells: %q", w, ansi.StringWidth(line), line)
			}
		}
	}
}

func TestKeepEndCutsFromTheLeft(t *testing.T) {
	if got := keepEnd("abcdefgh", 5); got != "…efgh" {
		t.Fatalf("got %q", got)
	}
	if got := keepEnd("abc", 5); got != "abc" {
		t.Fatalf("got %q", got)
	}
}

// A Fit column grows to its widest name before a Flex column takes the
// spare room, and no further than its content (or Fit).
func TestFitColumnTakesItsContentBeforeFlex(t *testing.T) {
	cols := []Column{{Title: "NAME", Width: 8, Fit: 30}, {Title: "SUMMARY", Width: 10, Flex: true}}
	m := New(cols, keymap.Default(), Styles{})
	m.SetRows([]Row{{Key: "a", Cells: []Cell{{Text: "maerchenzauber-backend"}, {Text: "x"}}}})
	show, widths := layout(cols, 100, m.content)
	if len(show) != 2 || widths[0] != len("maerchenzauber-backend") || widths[1] != 100-2-widths[0] {
		t.Fatalf("widths %v", widths)
	}
	_, narrow := layout(cols, 24, m.content)
	if narrow[0] != 12 || narrow[1] != 10 {
		t.Fatalf("at 24 cells the name gets what is spare: %v", narrow)
	}
	m.SetRows([]Row{{Key: "a", Cells: []Cell{{Text: strings.Repeat("n", 80)}, {Text: "x"}}}})
	if _, w := layout(cols, 200, m.content); w[0] != 30 {
		t.Fatalf("a name longer than Fit stops at Fit: %v", w)
	}
}

// The selected row is marked without erasing meaning: each cell keeps its
// own colour under the cursor's reverse video.
func TestSelectedRowKeepsCellColours(t *testing.T) {
	red := lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000"))
	m := New([]Column{{Title: "NAME", Width: 6}, {Title: "STATUS", Width: 6}}, keymap.Default(),
		Styles{Selected: lipgloss.NewStyle().Reverse(true)})
	m.SetRows([]Row{{Key: "a", Cells: []Cell{{Text: "a"}, {Text: "DOWN", Style: red}}}})
	m.SetSize(20, 3)
	lines := strings.Split(m.View(), "\n")
	if len(lines) < 2 {
		t.Fatalf("view %q", m.View())
	}
	row := lines[1]
	// The DOWN cell itself is both reversed (7) and red.
	if !strings.Contains(row, "\x1b[7;38;2;255;0;0mDOWN") {
		t.Fatalf("selected row lost the cell's colour or the reverse video: %q", row)
	}
	if w := ansi.StringWidth(row); w != 20 {
		t.Fatalf("selected row is %d cells, want 20", w)
	}
}

// Sorted either way, rows whose figure is missing come after the others:
// a descending sort of CPU shows the hogs first, not the unknowns.
func TestMissingFiguresSortLastBothWays(t *testing.T) {
	m := New([]Column{{Title: "NAME", Width: 6}, {Title: "CPU", Width: 6}}, keymap.Default(), Styles{})
	m.SetRows([]Row{
		{Key: "a", Cells: []Cell{{Text: "a"}, {Text: "–"}}},
		{Key: "b", Cells: []Cell{{Text: "b"}, {Text: "10", Num: 10, IsNum: true}}},
		{Key: "c", Cells: []Cell{{Text: "c"}, {Text: "90", Num: 90, IsNum: true}}},
	})
	order := func() string {
		var keys []string
		for _, r := range m.view {
			keys = append(keys, r.Key)
		}
		return strings.Join(keys, "")
	}
	m.SetSort(1, true)
	if got := order(); got != "cba" {
		t.Errorf("descending: %s, want cba", got)
	}
	m.SetSort(1, false)
	if got := order(); got != "bca" {
		t.Errorf("ascending: %s, want bca", got)
	}
}
