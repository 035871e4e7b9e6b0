package kit

import (
	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// SeverityStatus is the status colour of an alert severity.
func SeverityStatus(s backend.Severity) backend.Status {
	switch s {
	case backend.SeverityCritical:
		return backend.StatusDown
	case backend.SeverityWarning:
		return backend.StatusWarn
	}
	return backend.StatusUnknown
}

// SeverityGlyph follows the seed's legend: 🚨 critical, ⚠️ warning, ℹ️ info,
// as single-width symbols.
func SeverityGlyph(s backend.Severity) string {
	switch s {
	case backend.SeverityCritical:
		return "✖"
	case backend.SeverityWarning:
		return "▲"
	}
	return "ℹ"
}

// StatusCell is a status as dot and word, coloured, sorting by severity.
func StatusCell(t *theme.Theme, st backend.Status) table.Cell {
	return table.Cell{Text: theme.Dot(st) + " " + theme.Word(st), Style: t.Status(st), Num: float64(st), IsNum: true}
}

// NumCell is a right-aligned figure that sorts numerically, missing last.
func NumCell(val backend.Value, format string) table.Cell {
	return table.Cell{Text: Num(val, format), Num: val.V, IsNum: val.Valid}
}

// TableStyles are the table's looks from the theme.
func TableStyles(t *theme.Theme) table.Styles {
	return table.Styles{Header: t.TableHeader, Selected: t.Selected, Subtle: t.Subtle}
}
