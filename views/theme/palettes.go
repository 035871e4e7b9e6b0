package theme

import (
	"image/color"
	"math"

	"charm.land/lipgloss/v2"
)

// DarkPalette suits the dark terminals most on-call engineers use.
func DarkPalette() Palette {
	return Palette{
		Accent:   lipgloss.Color("#7D56F4"),
		OnAccent: lipgloss.Color("#FFFFFF"), // 4.7:1 on the accent (the text colour was 3.7)
		Text:     lipgloss.Color("#E4E4E7"),
		Muted:    lipgloss.Color("#8B8B94"),
		Border:   lipgloss.Color("#4B4B55"),
		OK:       lipgloss.Color("#3FB950"),
		Warn:     lipgloss.Color("#D29922"),
		Down:     lipgloss.Color("#F85149"),
		Unknown:  lipgloss.Color("#8B8B94"),
	}
}

// LightPalette suits light backgrounds: darker shades of the same hues,
// each at least 4.5:1 against white (WCAG AA) but the border.
func LightPalette() Palette {
	return Palette{
		Accent:   lipgloss.Color("#5B3CC4"),
		OnAccent: lipgloss.Color("#FFFFFF"),
		Text:     lipgloss.Color("#1F2328"),
		Muted:    lipgloss.Color("#57606A"),
		Border:   lipgloss.Color("#8C959F"),
		OK:       lipgloss.Color("#1A7F37"),
		Warn:     lipgloss.Color("#9A6700"),
		Down:     lipgloss.Color("#CF222E"),
		Unknown:  lipgloss.Color("#57606A"),
	}
}

// HighContrastPalette is the most contrast the background allows: text,
// muted text and borders in the background's opposite (no greys), the
// statuses and the accent at least 7:1 against it (WCAG AAA), everything
// that carries meaning in bold. dark says which background it is for.
func HighContrastPalette(dark bool) Palette {
	if dark {
		return Palette{
			Accent:   lipgloss.Color("#00FFFF"),
			OnAccent: lipgloss.Color("#000000"),
			Text:     lipgloss.Color("#FFFFFF"),
			Muted:    lipgloss.Color("#FFFFFF"),
			Border:   lipgloss.Color("#FFFFFF"),
			OK:       lipgloss.Color("#00FF00"),
			Warn:     lipgloss.Color("#FFFF00"),
			Down:     lipgloss.Color("#FF6666"),
			Unknown:  lipgloss.Color("#FFFFFF"),
			Bold:     true,
		}
	}
	return Palette{
		Accent:   lipgloss.Color("#0000CC"),
		OnAccent: lipgloss.Color("#FFFFFF"),
		Text:     lipgloss.Color("#000000"),
		Muted:    lipgloss.Color("#000000"),
		Border:   lipgloss.Color("#000000"),
		OK:       lipgloss.Color("#005A00"),
		Warn:     lipgloss.Color("#6B4000"),
		Down:     lipgloss.Color("#A00000"),
		Unknown:  lipgloss.Color("#000000"),
		Bold:     true,
	}
}

// demoText is the DEMO badge's text on the warn colour: black on a light
// warn (the dark palettes'), white on a dark one (the light palettes').
func demoText(p Palette) color.Color {
	if p.Warn != nil && luminance(p.Warn) < 0.25 {
		return lipgloss.Color("#FFFFFF")
	}
	return lipgloss.Color("#000000")
}

// luminance is c's relative luminance (WCAG), 0 black to 1 white.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
