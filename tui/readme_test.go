package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/keymap"
)

// TestReadmeKeyTable keeps the key reference (docs/keys.md) true: it must
// hold exactly the table the default keymap renders, with the console's
// views (go run ./scripts/gendocs writes it).
func TestReadmeKeyTable(t *testing.T) {
	readme, err := os.ReadFile("../docs/keys.md")
	if err != nil {
		t.Fatal(err)
	}
	k := keymap.Default()
	RegisterViews(k)
	if want := k.Markdown(); !strings.Contains(string(readme), want) {
		t.Fatalf("the key table of docs/keys.md is out of date (go run ./scripts/gendocs); it should contain:\n%s", want)
	}
}
