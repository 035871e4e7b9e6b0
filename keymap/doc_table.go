package keymap

import (
	"fmt"
	"strings"
)

// Markdown renders the key reference as a markdown table: the README's
// table is this output, and a test keeps the two equal.
func (k *KeyMap) Markdown() string {
	var b strings.Builder
	b.WriteString("| action (config name) | keys | does |\n| --- | --- | --- |\n")
	for _, e := range k.Entries() {
		keys := make([]string, len(e.Binding.Keys()))
		for i, key := range e.Binding.Keys() {
			keys[i] = "`" + key + "`"
		}
		desc := e.Binding.Help().Desc
		if e.Dangerous {
			desc += " (dangerous: confirmed, hidden with `--read-only`)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", e.Name, strings.Join(keys, " "), desc)
	}
	return b.String()
}
