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

// Palette is the semantic colour set. Every style of the console is made
// from these (New); a user palette file names them (Names).
type Palette struct {
	// Accent marks titles, keys and the active tab; OnAccent is text drawn
	// on an accent background (the active tab, badges).
	Accent, OnAccent color.Color
	// Text is ordinary text; Muted is what is secondary (ages, hints,
	// headers); Border draws frames and rules.
	Text, Muted, Border color.Color
	// OK, Warn, Down and Unknown are the statuses.
	OK, Warn, Down, Unknown color.Color
	// Bold puts statuses, titles and muted text in bold as well: the high
	// contrast palette's, where weight helps more than a shade.
	Bold bool
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
	t := &Theme{}
	t.Set(p)
	return t
}

// Set remakes every style from p in place. The screens of a console share
// its *Theme, so a palette chosen once the terminal has said its
// background reaches all of them; call it only from the console's Update,
// where View reads it too.
func (t *Theme) Set(p Palette) {
	s := lipgloss.NewStyle
	bold := func(st lipgloss.Style) lipgloss.Style { return st.Bold(p.Bold) }
	*t = Theme{
		P:           p,
		Text:        s().Foreground(p.Text),
		Subtle:      s().Foreground(p.Muted),
		Bold:        s().Bold(true),
		Title:       s().Bold(true).Foreground(p.Accent),
		Badge:       s().Bold(true).Foreground(p.OnAccent).Background(p.Accent).Padding(0, 1),
		Demo:        s().Bold(true).Foreground(demoText(p)).Background(p.Warn).Padding(0, 1),
		Tab:         bold(s().Foreground(p.Muted).Padding(0, 1)),
		TabActive:   s().Bold(true).Foreground(p.OnAccent).Background(p.Accent).Padding(0, 1),
		TableHeader: s().Bold(true).Foreground(p.Muted),
		// Reverse keeps the selection visible without colour (NO_COLOR).
		Selected: s().Reverse(true).Bold(true),
		Border:   s().Foreground(p.Border),
		Tile:     s().Border(lipgloss.RoundedBorder()).BorderForeground(p.Border).Padding(0, 1),
		OK:       bold(s().Foreground(p.OK)),
		Warn:     s().Foreground(p.Warn).Bold(true),
		Down:     s().Foreground(p.Down).Bold(true),
		Unknwn:   bold(s().Foreground(p.Unknown)),
		Error:    bold(s().Foreground(p.Down)),
		Key:      s().Bold(true).Foreground(p.Accent),
		KeyDesc:  s().Foreground(p.Muted),
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
