package theme

import (
	"fmt"
	"image/color"
	"slices"

	"charm.land/lipgloss/v2"
)

// The built-in themes a `theme:` setting or --theme names.
const (
	Auto         = "auto"
	Dark         = "dark"
	Light        = "light"
	HighContrast = "high-contrast"
)

// Builtins are the names of the built-in themes, the default first.
func Builtins() []string { return []string{Auto, Dark, Light, HighContrast} }

// Choice is a resolved theme setting: a built-in theme, or a user palette.
// Some depend on the terminal's background (Adaptive), which a console
// learns only once the terminal answers, if ever: until then it draws
// with Palette(true), as on a dark background.
type Choice struct {
	name string
	user *Palette
}

// Builtin is the built-in theme called name.
func Builtin(name string) (Choice, bool) {
	if !slices.Contains(Builtins(), name) {
		return Choice{}, false
	}
	return Choice{name: name}, true
}

// User is a user palette: the same whatever the background.
func User(p Palette) Choice { return Choice{user: &p} }

// Name is the built-in theme's name, "" for a user palette.
func (c Choice) Name() string { return c.name }

// Adaptive says whether the palette depends on the terminal's background:
// auto (dark or light) and high-contrast (its dark or light variant).
func (c Choice) Adaptive() bool {
	return c.user == nil && (c.name == Auto || c.name == HighContrast || c.name == "")
}

// Palette is the palette for a dark (or light) background.
func (c Choice) Palette(dark bool) Palette {
	switch {
	case c.user != nil:
		return *c.user
	case c.name == Light:
		return LightPalette()
	case c.name == Dark:
		return DarkPalette()
	case c.name == HighContrast:
		return HighContrastPalette(dark)
	case dark: // auto, and the zero Choice
		return DarkPalette()
	}
	return LightPalette()
}

// ColourNames are the semantic colours a user palette file names, in the
// order the reference lists them.
func ColourNames() []string {
	return []string{"accent", "on_accent", "text", "muted", "border", "ok", "warn", "down", "unknown"}
}

// field is where a colour name lives in a Palette.
func (p *Palette) field(name string) *color.Color {
	switch name {
	case "accent":
		return &p.Accent
	case "on_accent":
		return &p.OnAccent
	case "text":
		return &p.Text
	case "muted":
		return &p.Muted
	case "border":
		return &p.Border
	case "ok":
		return &p.OK
	case "warn":
		return &p.Warn
	case "down":
		return &p.Down
	case "unknown":
		return &p.Unknown
	}
	return nil
}

// Colour is the colour called name (ColourNames), nil for another name.
func (p Palette) Colour(name string) color.Color {
	if f := p.field(name); f != nil {
		return *f
	}
	return nil
}

// WithColours is p with the named colours replaced; each value is
// "#rrggbb", "#rgb" or an ANSI colour number 0-255 (already checked by
// the palette file's loader, backend/config).
func (p Palette) WithColours(colours map[string]string) (Palette, error) {
	for name, v := range colours {
		f := p.field(name)
		if f == nil {
			return p, fmt.Errorf("unknown colour %q", name)
		}
		c := lipgloss.Color(v)
		if _, none := c.(lipgloss.NoColor); none {
			return p, fmt.Errorf("%s: %q is not a colour", name, v)
		}
		*f = c
	}
	return p, nil
}
