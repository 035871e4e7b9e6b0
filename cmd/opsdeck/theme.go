package main

import (
	"errors"
	"fmt"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/views/theme"
)

// envTheme is the default of --theme.
const envTheme = "OPSDECK_THEME"

// themeChoice is the theme the consoles draw with: --theme (whose default
// is $OPSDECK_THEME), else the config's theme:, else auto. A value that
// is not a built-in name is a palette file, relative to the working
// directory on the command line and to the config file's in the config.
func themeChoice(flag string, cfg *config.Config) (theme.Choice, error) {
	if flag == "" {
		return choiceOf(cfg.Theme)
	}
	if c, ok := theme.Builtin(flag); ok {
		return c, nil
	}
	pal, err := config.LoadPalette(flag)
	var e *config.Error
	if errors.As(err, &e) && e.Line == 0 {
		// Unreadable: most likely a built-in name mistyped.
		return theme.Choice{}, usageError{cmd: "opsdeck", msg: fmt.Sprintf("--theme %s: %s (%s)", flag, e.Msg, config.ThemeHint(flag))}
	}
	if err != nil {
		return theme.Choice{}, err // the palette file's problems at file:line:col
	}
	return userChoice(pal)
}

// choiceOf is the config's theme: setting as a theme.
func choiceOf(t config.Theme) (theme.Choice, error) {
	switch {
	case t.Palette != nil:
		return userChoice(t.Palette)
	case t.Name != "":
		if c, ok := theme.Builtin(t.Name); ok {
			return c, nil
		}
		return theme.Choice{}, fmt.Errorf("theme %q: not a built-in theme", t.Name) // config.ThemeNames and theme.Builtins differ
	}
	c, _ := theme.Builtin(theme.Auto)
	return c, nil
}

// userChoice is a palette file's colours over its base.
func userChoice(pal *config.Palette) (theme.Choice, error) {
	base := theme.DarkPalette()
	if pal.Base == "light" {
		base = theme.LightPalette()
	}
	p, err := base.WithColours(pal.Colours)
	if err != nil {
		return theme.Choice{}, fmt.Errorf("%s: %w", pal.File, err) // the loader checked them: not expected
	}
	return theme.User(p), nil
}
