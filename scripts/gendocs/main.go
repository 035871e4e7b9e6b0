// Command gendocs writes what the docs take from the code: the JSON
// Schemas under docs/schema/ and the generated tables of docs/*.md, each
// between a "<!-- generated: NAME … -->" line and "<!-- end generated -->".
// Tests fail when one is out of date (backend/config, backend/report,
// tui/readme_test.go); this fixes them: go run ./scripts/gendocs.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/report"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/tui"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run() error {
	files := map[string][]byte{
		"docs/schema/config.schema.json": config.SchemaJSON(),
		"docs/schema/status.schema.json": report.SchemaJSON(report.StatusSchema()),
		"docs/schema/check.schema.json":  report.SchemaJSON(report.CheckSchema()),
	}
	for path, data := range files {
		if err := write(path, data); err != nil {
			return err
		}
	}
	keys := keymap.Default()
	tui.RegisterViews(keys)
	blocks := []struct{ file, name, text string }{
		{"docs/configuration.md", "config-reference", config.ReferenceMarkdown()},
		{"docs/keys.md", "keys", keys.Markdown()},
		{"docs/status-json.md", "status-fields", report.FieldsMarkdown(report.StatusSchema(), report.StatusFields())},
		{"docs/status-json.md", "check-fields", report.FieldsMarkdown(report.CheckSchema(), report.CheckFields())},
	}
	for _, b := range blocks {
		if err := replaceBlock(b.file, b.name, b.text); err != nil {
			return err
		}
	}
	return nil
}

// replaceBlock puts text between the markers of block name in file.
func replaceBlock(file, name, text string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	re := regexp.MustCompile(`(?s)(<!-- generated: ` + regexp.QuoteMeta(name) + ` [^\n]*-->\n).*?(<!-- end generated -->)`)
	if !re.Match(data) {
		return fmt.Errorf("%s: no block %q (a line <!-- generated: %s (go run ./scripts/gendocs) --> and <!-- end generated -->)", file, name, name)
	}
	out := re.ReplaceAllFunc(data, func(m []byte) []byte {
		sub := re.FindSubmatch(m)
		return append(append(append([]byte{}, sub[1]...), text...), sub[2]...)
	})
	return write(file, out)
}

func write(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	fmt.Println("gendocs: wrote", path)
	return os.WriteFile(path, data, 0o644)
}
