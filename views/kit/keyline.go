package kit

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/manacore/opsdeck/views/theme"
)

// KeyLine says bindings on one line ("/ search  p pause/follow") with the
// keys and words of their help, as the help overlay lists them: a footer
// built from the same bindings cannot say a key differently.
func KeyLine(t *theme.Theme, bs ...key.Binding) string {
	var parts []string
	for _, b := range bs {
		if !b.Enabled() || b.Help().Key == "" {
			continue
		}
		parts = append(parts, t.Key.Render(b.Help().Key)+t.KeyDesc.Render(" "+b.Help().Desc))
	}
	return strings.Join(parts, "  ")
}
