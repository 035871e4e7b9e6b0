package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/keymap"
)

// TestReadmeKeyTable keeps the README's key reference true: it must hold
// exactly the table the default keymap renders, with the console's views.
func TestReadmeKeyTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	k := keymap.Default()
	RegisterViews(k)
	if want := k.Markdown(); !strings.Contains(string(readme), want) {
		t.Fatalf("README key table is out of date; it should contain:\n%s", want)
	}
}
