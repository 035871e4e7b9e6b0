package table

import (
	"image/color"
	"reflect"
	"strings"

	"charm.land/lipgloss/v2"
)

// Styling a cell with lipgloss.Style.Render costs 1–3 µs, mostly in the
// generic layout steps (padding, borders, margins) that a colour-only cell
// style never uses; with ~300 styled cells per frame that was most of a
// table's frame time. A colour-only style renders a single line as
// prefix + text + suffix, so the table renders each distinct style once
// and reuses its prefix and suffix. Anything else goes through Render.

// styleKey is everything a colour-only style's SGR prefix depends on.
type styleKey struct {
	fg, bg, ulc                              color.Color
	bold, italic, reverse, blink, faint, inl bool
}

type affixes struct{ prefix, suffix string }

// styler memoises the affixes of the colour-only styles one table uses.
type styler struct{ memo map[styleKey]affixes }

// render is style.Render(text) for a single line of cells (text already
// padded to its width).
func (st *styler) render(s lipgloss.Style, text string) string {
	if strings.ContainsAny(text, "\t\r\n") {
		return s.Render(text) // lipgloss converts tabs and splits lines
	}
	if isZero(s) {
		return text // Render of the zero style is the text itself
	}
	k, ok := colourOnly(s)
	if !ok {
		return s.Render(text)
	}
	a, ok := st.memo[k]
	if !ok {
		const probe = "x"
		r := s.Render(probe)
		i := strings.Index(r, probe)
		if i < 0 {
			return s.Render(text)
		}
		a = affixes{prefix: r[:i], suffix: r[i+len(probe):]}
		if st.memo == nil {
			st.memo = map[styleKey]affixes{}
		}
		st.memo[k] = a
	}
	return a.prefix + text + a.suffix
}

func isZero(s lipgloss.Style) bool { return reflect.ValueOf(&s).Elem().IsZero() }

// colourOnly returns the style's key when it only sets colours and
// attributes that apply to every cell of a line alike (no size, spacing,
// border, transform, link, value, underline or strikethrough, whose
// spaces lipgloss styles separately).
func colourOnly(s lipgloss.Style) (styleKey, bool) {
	if s.GetWidth() != 0 || s.GetHeight() != 0 || s.GetMaxWidth() != 0 || s.GetMaxHeight() != 0 ||
		s.GetHorizontalPadding() != 0 || s.GetVerticalPadding() != 0 ||
		s.GetHorizontalMargins() != 0 || s.GetVerticalMargins() != 0 ||
		s.GetBorderStyle() != (lipgloss.Border{}) || // lipgloss draws no border without a border style
		s.GetTransform() != nil || s.Value() != "" || s.GetUnderline() || s.GetStrikethrough() ||
		s.GetUnderlineSpaces() || s.GetStrikethroughSpaces() {
		return styleKey{}, false
	}
	if link, _ := s.GetHyperlink(); link != "" {
		return styleKey{}, false
	}
	k := styleKey{
		fg: s.GetForeground(), bg: s.GetBackground(), ulc: s.GetUnderlineColor(),
		bold: s.GetBold(), italic: s.GetItalic(), reverse: s.GetReverse(), blink: s.GetBlink(), faint: s.GetFaint(),
		inl: s.GetInline(),
	}
	// A map key must be comparable; a colour type that is not (none of
	// lipgloss's) takes the slow path.
	for _, c := range []color.Color{k.fg, k.bg, k.ulc} {
		if c != nil && !reflect.TypeOf(c).Comparable() {
			return styleKey{}, false
		}
	}
	return k, true
}
