package config

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A palette file's colours and base are read as written.
func TestParsePalette(t *testing.T) {
	src := "# my colours\nbase: light\nok: \"#00ff00\"\nwarn: '#fa0'\ndown: 196\nmuted: \"#0A0B0C\"\n"
	p, err := ParsePalette("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if p.Base != "light" || p.File != "p.yaml" {
		t.Errorf("base %q file %q", p.Base, p.File)
	}
	want := map[string]string{"ok": "#00ff00", "warn": "#fa0", "down": "196", "muted": "#0A0B0C"}
	if len(p.Colours) != len(want) {
		t.Errorf("colours %v, want %v", p.Colours, want)
	}
	for k, v := range want {
		if p.Colours[k] != v {
			t.Errorf("%s = %q, want %q", k, p.Colours[k], v)
		}
	}
	p, err = ParsePalette("p.yaml", []byte("accent: \"#123456\"\n"))
	if err != nil || p.Base != "dark" {
		t.Fatalf("base defaults to dark: %+v %v", p, err)
	}
}

// Every problem of a palette file is reported at once, each at
// file:line:col, as a config's are.
func TestPaletteErrorsAtTheirPlace(t *testing.T) {
	src := strings.Join([]string{
		`base: sepia`,      // 1
		`ok: "#00ff0"`,     // 2: five hex digits
		`wanr: "#ffaa00"`,  // 3: typo
		`down: #ff0000`,    // 4: unquoted: a comment, so no value
		`accent: 300`,      // 5: past 255
		`ok: "#00ff00"`,    // 6: twice
		`text: [1, 2]`,     // 7: not a single value
		`border: "red"`,    // 8: a name
		`muted: "#abcdef"`, // 9: fine
	}, "\n") + "\n"
	_, err := ParsePalette("/etc/p.yaml", []byte(src))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{
		`/etc/p.yaml:1:7: base: "sepia" is not a palette to start from; use dark or light`,
		`/etc/p.yaml:2:5: ok: "#00ff0" is not a colour; write "#rrggbb", "#rgb" or an ANSI colour number 0-255`,
		`/etc/p.yaml:3:1: unknown key "wanr"; a palette file has base and the colours accent, on_accent, text, muted, border, ok, warn, down, unknown; did you mean "warn"?`,
		`/etc/p.yaml:4:1: down: no colour given; quote a hex colour (down: "#00ff00"): unquoted, # starts a comment`,
		`/etc/p.yaml:5:9: accent: 300 is not a colour; write "#rrggbb", "#rgb" or an ANSI colour number 0-255`,
		`/etc/p.yaml:6:1: ok is given twice (first at line 2:1)`,
		`/etc/p.yaml:7:7: text: a list is not a colour; write "#rrggbb", "#rgb" or an ANSI colour number 0-255`,
		`/etc/p.yaml:8:9: border: "red" is not a colour; write "#rrggbb", "#rgb" or an ANSI colour number 0-255`,
	}
	if got := ps.Error(); got != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	for _, tc := range []struct{ src, want string }{
		{"", "p.yaml: palette file is empty"},
		{"- ok\n", "p.yaml:1:1: a palette file is a mapping"},
		{"ok: \"#000\"\n---\nok: \"#fff\"\n", "p.yaml:3:1: a second YAML document"},
		{"ok: [\n", "p.yaml:1:"},
	} {
		if _, err := ParsePalette("p.yaml", []byte(tc.src)); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %s…", tc.src, err, tc.want)
		}
	}
}

// theme: takes a built-in name, or a palette file from the config's
// directory whose problems are reported in that file; a name that is
// neither says what a theme may be.
func TestThemeSetting(t *testing.T) {
	c, err := Parse("c.yaml", []byte(minimal))
	if err != nil || c.Theme != (Theme{}) {
		t.Fatalf("unset: %+v %v", c.Theme, err)
	}
	for _, name := range ThemeNames {
		c, err := Parse("c.yaml", []byte(minimal+"theme: "+name+"\n"))
		if err != nil || c.Theme.Name != name || c.Theme.Palette != nil {
			t.Errorf("%s: %+v %v", name, c.Theme, err)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte("base: light\nok: \"#00ff00\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("ok: \"#00ff00\"\nwarn: yellow\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "c.yaml")
	c, err = Parse(cfg, []byte(minimal+"theme: mine.yaml\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Theme.Palette; p == nil || p.File != filepath.Join(dir, "mine.yaml") || p.Base != "light" || p.Colours["ok"] != "#00ff00" {
		t.Errorf("palette file: %+v", c.Theme)
	}
	line := strings.Count(minimal, "\n") + 1
	_, err = Parse(cfg, []byte(minimal+"theme: bad.yaml\n"))
	if want := filepath.Join(dir, "bad.yaml") + `:2:7: warn: "yellow" is not a colour`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("a bad palette file: got %v, want %s…", err, want)
	}
	_, err = Parse(cfg, []byte(minimal+"theme: hight-contrast\n"))
	want := cfg + ":" + strconv.Itoa(line) + ":8: theme: " + filepath.Join(dir, "hight-contrast") + ": cannot read palette file: no such file or directory (a theme is auto, dark, light, high-contrast or a palette file's path; did you mean \"high-contrast\"?)"
	if err == nil || err.Error() != want {
		t.Errorf("a typo:\n got %v\nwant %s", err, want)
	}
}

// The palette file shown in docs/configuration.md loads, and sets every
// colour there is.
func TestDocumentedPaletteLoads(t *testing.T) {
	data, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Themes\n")
	_, block, ok2 := strings.Cut(section, "```yaml\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/configuration.md has no palette file under ## Themes")
	}
	p, err := ParsePalette("configuration.md", []byte(block))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Colours) != len(PaletteColours) {
		t.Errorf("the example sets %d of the %d colours", len(p.Colours), len(PaletteColours))
	}
}
