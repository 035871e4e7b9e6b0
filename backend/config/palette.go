package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/manacore/opsdeck/backend/yamlpos"
)

// ThemeNames are the built-in themes a `theme:` setting names (views/theme
// draws them; a test keeps the two lists equal). Any other value is the
// path of a palette file.
var ThemeNames = []string{"auto", "dark", "light", "high-contrast"}

// PaletteColours are the semantic colours a palette file may set, as
// views/theme names them.
var PaletteColours = []string{"accent", "on_accent", "text", "muted", "border", "ok", "warn", "down", "unknown"}

// PaletteBases are the built-in palettes a palette file may start from.
var PaletteBases = []string{"dark", "light"}

// Theme is the `theme:` setting: a built-in theme's name, or a palette
// file (Palette set, Name empty). The zero Theme is not set.
type Theme struct {
	Name    string
	Palette *Palette
	Pos     Pos // where theme: stands
}

// Palette is a loaded palette file: the colours it sets over Base.
type Palette struct {
	File    string
	Base    string            // "dark" (the default) or "light"
	Colours map[string]string // by PaletteColours name: "#rrggbb", "#rgb" or 0-255
}

// colourRE is what a palette colour may be: a hex RGB or an ANSI number.
var colourRE = regexp.MustCompile(`^(#[0-9A-Fa-f]{6}|#[0-9A-Fa-f]{3}|[0-9]{1,3})$`)

// maxPaletteSize bounds what LoadPalette reads: a palette is a dozen lines.
const maxPaletteSize = 64 << 10

// LoadPalette reads and checks the palette file at path. Its problems are
// Problems at file:line:col, as a config's are.
func LoadPalette(path string) (*Palette, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read palette file: " + unwrapPath(err).Error()}
	}
	return ParsePalette(path, data)
}

// ParsePalette checks a palette file's text; file names it in errors.
func ParsePalette(file string, data []byte) (*Palette, error) {
	if len(data) > maxPaletteSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("palette file is larger than %d KiB; is this the right file?", maxPaletteSize>>10)}
	}
	f, err := parseYAML(data)
	if err != nil {
		return nil, fromYAML(file, nil, err)
	}
	bodies := yamlpos.Bodies(f)
	switch {
	case len(bodies) == 0:
		return nil, &Error{File: file, Msg: "palette file is empty; it sets colours by name, e.g. ok: \"#00ff00\""}
	case len(bodies) > 1:
		p := posOf(bodies[1])
		return nil, &Error{File: file, Line: p.Line, Col: p.Col, Msg: "a second YAML document (after ---); a palette file is a single document"}
	}
	root := bodies[0]
	var errs []*Error
	fail := func(n ast.Node, format string, args ...any) {
		p := posOf(n)
		errs = append(errs, &Error{File: file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)})
	}
	if _, ok := unwrap(root).(*ast.MappingNode); !ok {
		if _, ok := unwrap(root).(*ast.MappingValueNode); !ok {
			fail(root, "a palette file is a mapping of colour names to colours, e.g. ok: \"#00ff00\"; got %s", describe(root))
			return nil, Problems(errs)
		}
	}
	pal := &Palette{File: file, Base: "dark", Colours: map[string]string{}}
	seen := map[string]Pos{}
	for _, mv := range pairs(root) {
		key := keyText(mv.Key)
		if first, ok := seen[key]; ok {
			fail(mv.Key, "%s is given twice (first at line %d:%d)", key, first.Line, first.Col)
			continue
		}
		seen[key] = posOf(mv.Key)
		value, scalar := paletteScalar(mv.Value)
		switch {
		case key == "base":
			if !slices.Contains(PaletteBases, value) {
				fail(valueOrKey(mv), "base: %s is not a palette to start from; use dark or light", describe(mv.Value))
				continue
			}
			pal.Base = value
		case slices.Contains(PaletteColours, key):
			switch {
			case isNull(mv.Value):
				fail(mv.Key, "%s: no colour given; quote a hex colour (%s: \"#00ff00\"): unquoted, # starts a comment", key, key)
			case !scalar || !colourRE.MatchString(value) || !ansiNumber(value):
				fail(mv.Value, "%s: %s is not a colour; write \"#rrggbb\", \"#rgb\" or an ANSI colour number 0-255", key, describe(mv.Value))
			default:
				pal.Colours[key] = value
			}
		default:
			fail(mv.Key, "unknown key %q; a palette file has base and the colours %s%s", key, strings.Join(PaletteColours, ", "), didYouMean(key, append(slices.Clone(PaletteColours), "base")))
		}
	}
	if len(errs) > 0 {
		return nil, Problems(sortErrors(errs))
	}
	return pal, nil
}

// paletteScalar is a value as text, and whether it is a single value.
func paletteScalar(n ast.Node) (string, bool) {
	switch v := unwrap(n).(type) {
	case *ast.StringNode:
		return strings.TrimSpace(v.Value), true
	case *ast.IntegerNode:
		return v.GetToken().Value, true
	}
	return "", false
}

// ansiNumber refuses numbers past 255; hex colours pass.
func ansiNumber(v string) bool {
	if strings.HasPrefix(v, "#") {
		return true
	}
	n := 0
	for _, r := range v {
		n = n*10 + int(r-'0')
	}
	return n <= 255
}

func valueOrKey(mv *ast.MappingValueNode) ast.Node {
	if isNull(mv.Value) {
		return mv.Key
	}
	return mv.Value
}

// theme checks the theme: setting: a built-in name, or a palette file
// whose path is taken from the config file's directory when relative,
// read and checked now so that `config validate` reports its problems.
func (b *builder) theme(v string) Theme {
	v = strings.TrimSpace(v)
	t := Theme{Pos: b.at("theme")}
	switch {
	case v == "":
		return Theme{}
	case slices.Contains(ThemeNames, v):
		t.Name = v
		return t
	}
	if strings.HasPrefix(v, "~") {
		b.filePath(v, []any{"theme"}) // says why
		return Theme{}
	}
	pal, err := LoadPalette(b.filePath(v, []any{"theme"}))
	var ps Problems
	var e *Error
	switch {
	case err == nil:
		t.Palette = pal
		return t
	case errors.As(err, &ps):
		b.errs = append(b.errs, ps...) // at their places in the palette file
	case errors.As(err, &e) && e.Line == 0:
		// Unreadable (or empty): said at theme:, with what it may be.
		b.fail(t.Pos, "theme: %s: %s (%s)", e.File, e.Msg, ThemeHint(v))
	default:
		b.fail(t.Pos, "theme: %v", err)
	}
	return Theme{}
}

// ThemeHint says what a theme value may be, for a value that is neither a
// built-in name nor a readable file (a typo of a name, most likely).
func ThemeHint(v string) string {
	hint := "a theme is auto, dark, light, high-contrast or a palette file's path"
	if !strings.ContainsAny(v, `/\.`) {
		hint += didYouMean(v, ThemeNames)
	}
	return hint
}
