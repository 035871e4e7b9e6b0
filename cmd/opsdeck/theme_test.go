package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/views/theme"
)

// --theme wins over $OPSDECK_THEME (its default), which wins over the
// config's theme:; without any, auto.
func TestThemePrecedence(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "fleet.yaml")
	data, err := os.ReadFile("../../backend/config/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, append(data, []byte("\ntheme: light\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"nothing", []string{"--demo"}, nil, theme.Auto},
		{"config", []string{"--config", cfgPath}, nil, theme.Light},
		{"env over config", []string{"--config", cfgPath}, map[string]string{envTheme: "high-contrast"}, theme.HighContrast},
		{"flag over env", []string{"--config", cfgPath, "--theme", "dark"}, map[string]string{envTheme: "high-contrast"}, theme.Dark},
	} {
		c := &cli{stdout: io.Discard, stderr: io.Discard, getenv: env(tc.env)}
		if err := c.rootCommand().ParseFlags(tc.args); err != nil {
			t.Fatal(err)
		}
		a, err := build(c.f, env(tc.env))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		a.close()
		if got := a.ui.Theme.Name(); got != tc.want {
			t.Errorf("%s: theme %q, want %q", tc.name, got, tc.want)
		}
	}
}

// A palette file on the command line is read from the working directory;
// its problems are at its file:line:col, and a value that is neither a
// name nor a file is a usage error saying what a theme may be.
func TestThemeFlagPaletteFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(good, []byte("base: light\nok: \"#00ff00\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := themeChoice(good, config.Default())
	if err != nil {
		t.Fatal(err)
	}
	p := c.Palette(true)
	if c.Adaptive() || p.OK != lipgloss.Color("#00ff00") || p.Down != theme.LightPalette().Down {
		t.Errorf("palette file over light: adaptive %v, ok %v, down %v", c.Adaptive(), p.OK, p.Down)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("ok: \"#00ff00\"\nacent: \"#123\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := themeChoice(bad, config.Default()); err == nil || !strings.HasPrefix(err.Error(), bad+`:2:1: unknown key "acent"`) {
		t.Errorf("bad palette: %v", err)
	}
	code, _, errOut := runCLI(t, env(nil), "--demo", "--theme", "hi-contrast")
	if code != exitUsage || !strings.Contains(errOut, `--theme hi-contrast: cannot read palette file`) || !strings.Contains(errOut, `did you mean "high-contrast"?`) {
		t.Errorf("a typo: exit %d, stderr %q", code, errOut)
	}
}

// The config's theme names and the theme package's built-ins are one
// list, as are the colours a palette file may set.
func TestThemeNamesAgree(t *testing.T) {
	if got, want := strings.Join(config.ThemeNames, ","), strings.Join(theme.Builtins(), ","); got != want {
		t.Errorf("config.ThemeNames %s, theme.Builtins %s", got, want)
	}
	if got, want := strings.Join(config.PaletteColours, ","), strings.Join(theme.ColourNames(), ","); got != want {
		t.Errorf("config.PaletteColours %s, theme.ColourNames %s", got, want)
	}
	for _, name := range theme.ColourNames() {
		if theme.DarkPalette().Colour(name) == nil {
			t.Errorf("colour %s has no place in the palette", name)
		}
	}
}
