// Package theme builds every style of opsdeck from a small semantic
// palette, so a colour means the same thing everywhere and a user theme
// only has to name a handful of colours.
//
// Colour is never the only signal: every status also has a word (UP, WARN,
// DOWN) so the console reads the same with NO_COLOR or on a monochrome
// terminal.
package theme

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/manacore/opsdeck/backend"
)

// Palette is the semantic colour set.
type Palette struct {
	Accent, Text, Subtle, Border, OK, Warn, Down, Unknown, Highlight color.Color
}

// DarkPalette suits the dark terminals most on-call engineers use.
func DarkPalette() Palette {
	return Palette{
		Accent:    lipgloss.Color("#7D56F4"),
		Text:      lipgloss.Color("#E4E4E7"),
		Subtle:    lipgloss.Color("#8B8B94"),
		Border:    lipgloss.Color("#4B4B55"),
		OK:        lipgloss.Color("#3FB950"),
		Warn:      lipgloss.Color("#D29922"),
		Down:      lipgloss.Color("#F85149"),
		Unknown:   lipgloss.Color("#8B8B94"),
		Highlight: lipgloss.Color("#2D2B55"),
	}
}

// Theme holds the styles views use. Build it with New; pass it explicitly.
type Theme struct {
	P Palette

	Text, Subtle, Bold     lipgloss.Style
	Title, Badge, Demo     lipgloss.Style
	Tab, TabActive         lipgloss.Style
	TableHeader, Selected  lipgloss.Style
	Border                 lipgloss.Style
	Tile                   lipgloss.Style
	OK, Warn, Down, Unknwn lipgloss.Style
	Error                  lipgloss.Style
	Key, KeyDesc           lipgloss.Style
}

// New derives every style from p.
func New(p Palette) *Theme {
	s := lipgloss.NewStyle
	return &Theme{
		P:           p,
		Text:        s().Foreground(p.Text),
		Subtle:      s().Foreground(p.Subtle),
		Bold:        s().Bold(true),
		Title:       s().Bold(true).Foreground(p.Accent),
		Badge:       s().Bold(true).Foreground(p.Text).Background(p.Accent).Padding(0, 1),
		Demo:        s().Bold(true).Foreground(lipgloss.Color("#000000")).Background(p.Warn).Padding(0, 1),
		Tab:         s().Foreground(p.Subtle).Padding(0, 1),
		TabActive:   s().Bold(true).Foreground(p.Text).Background(p.Accent).Padding(0, 1),
		TableHeader: s().Bold(true).Foreground(p.Subtle),
		// Reverse keeps the selection visible without colour (NO_COLOR).
		Selected: s().Reverse(true).Bold(true),
		Border:   s().Foreground(p.Border),
		Tile:     s().Border(lipgloss.RoundedBorder()).BorderForeground(p.Border).Padding(0, 1),
		OK:       s().Foreground(p.OK),
		Warn:     s().Foreground(p.Warn).Bold(true),
		Down:     s().Foreground(p.Down).Bold(true),
		Unknwn:   s().Foreground(p.Unknown),
		Error:    s().Foreground(p.Down),
		Key:      s().Bold(true).Foreground(p.Accent),
		KeyDesc:  s().Foreground(p.Subtle),
	}
}

// Default is the dark theme.
func Default() *Theme { return New(DarkPalette()) }

// Status returns the style for a status.
func (t *Theme) Status(st backend.Status) lipgloss.Style {
	switch st {
	case backend.StatusUp:
		return t.OK
	case backend.StatusWarn:
		return t.Warn
	case backend.StatusDown:
		return t.Down
	default:
		return t.Unknwn
	}
}

// Dot is the status glyph: the seed's 🟢🟡🔴⚪ as single-width symbols, so
// columns line up in every terminal.
func Dot(st backend.Status) string {
	switch st {
	case backend.StatusUp:
		return "●"
	case backend.StatusWarn:
		return "▲"
	case backend.StatusDown:
		return "✖"
	default:
		return "○"
	}
}

// Word is the status label shown next to the dot.
func Word(st backend.Status) string {
	switch st {
	case backend.StatusUp:
		return "UP"
	case backend.StatusWarn:
		return "WARN"
	case backend.StatusDown:
		return "DOWN"
	default:
		return "?"
	}
}

// Badge renders dot and word in the status colour, e.g. "● UP".
func (t *Theme) StatusBadge(st backend.Status) string {
	return t.Status(st).Render(Dot(st) + " " + Word(st))
}
