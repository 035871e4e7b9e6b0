package config

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/invopop/jsonschema"

	"github.com/manacore/opsdeck/backend/jsoncheck"
)

// Every key of the raw types has an entry in Reference and every entry
// names a key, in the same order: a key added to the config without a
// word in the docs fails here.
func TestSchemaKeysAreDocumented(t *testing.T) {
	var schemaPaths []string
	eachKey(Schema(), "", func(path string, _, _ *jsonschema.Schema, _ string) {
		if !slices.Contains(schemaPaths, path) { // the nullable simulator is seen twice
			schemaPaths = append(schemaPaths, path)
		}
	})
	var refPaths []string
	for _, f := range Reference() {
		refPaths = append(refPaths, f.Path)
	}
	for _, p := range schemaPaths {
		if !slices.Contains(refPaths, p) {
			t.Errorf("config key %s is not in Reference (backend/config/reference.go)", p)
		}
	}
	for _, p := range refPaths {
		if !slices.Contains(schemaPaths, p) {
			t.Errorf("Reference documents %s, which is no config key", p)
		}
	}
	if !t.Failed() && !slices.Equal(schemaPaths, refPaths) {
		t.Errorf("Reference is not in file order:\n got %v\nwant %v", refPaths, schemaPaths)
	}
}

// The shipped schema file and the reference in the docs are what the code
// generates (scripts/gendocs writes both).
func TestSchemaAndReferenceFilesAreCurrent(t *testing.T) {
	got, err := os.ReadFile("../../docs/schema/config.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, SchemaJSON()) {
		t.Error("docs/schema/config.schema.json is out of date: run go run ./scripts/gendocs")
	}
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), ReferenceMarkdown()) {
		t.Error("the reference table of docs/configuration.md is out of date: run go run ./scripts/gendocs")
	}
}

// The schema accepts every example config that loads, and refuses the
// mistakes editors should flag: an unknown key, a missing required key,
// a bad duration, name or component, a negative threshold.
func TestSchemaJudgesConfigsAsTheLoaderDoes(t *testing.T) {
	examples, _ := filepath.Glob("../../testdata/*.yaml")
	examples = append(examples, "default.yaml")
	for _, path := range examples {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(path, data); err != nil {
			t.Fatalf("example does not load: %v", err)
		}
		if problems := validate(t, data); len(problems) > 0 {
			t.Errorf("%s: the schema refuses a config that loads:\n%s", path, strings.Join(problems, "\n"))
		}
	}
	bad := map[string]string{
		"unknown key":     strings.Replace(minimal, "environment:", "enviroment:", 1),
		"missing sources": strings.Split(minimal, "sources:")[0],
		"bad duration":    minimal + "thresholds: {p95_target: fast}\n",
		"bad name":        strings.Replace(minimal, "name: chat-app", "name: Chat App", 1),
		"bad component":   strings.Replace(minimal, "component: web", "component: api", 1),
		"negative":        minimal + "thresholds: {cpu_pct: -1}\n",
		"unknown query":   minimal + "  prometheus: {url: \"http://127.0.0.1:9090\", queries: {rsp: up}}\n",
	}
	for name, body := range bad {
		if _, err := Parse("bad.yaml", []byte(body)); err == nil {
			t.Fatalf("%s: the loader accepts it", name)
		}
		if problems := validate(t, []byte(body)); len(problems) == 0 {
			t.Errorf("%s: the schema accepts what the loader refuses:\n%s", name, body)
		}
	}
}

// validate checks a YAML document against the config's schema.
func validate(t *testing.T, data []byte) []string {
	t.Helper()
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	problems, err := jsoncheck.Validate(SchemaJSON(), doc)
	if err != nil {
		t.Fatal(err)
	}
	return problems
}
