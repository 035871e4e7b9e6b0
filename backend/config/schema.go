package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/invopop/jsonschema"

	"github.com/manacore/opsdeck/backend"
)

// SchemaURL is where the config's JSON Schema is published (the file
// docs/schema/config.schema.json of the repository). Example configs name
// it on their first line so editors complete and check keys:
//
//	# yaml-language-server: $schema=https://…/config.schema.json
const SchemaURL = "https://raw.githubusercontent.com/manacore/opsdeck/main/docs/schema/config.schema.json"

// durationPattern is what time.ParseDuration accepts, e.g. 500ms or 1h30m.
const durationPattern = `^\s*[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)\s*$`

// Schema is the JSON Schema of the config file: reflected from the raw
// types the decoder fills (so it has exactly their keys), with the
// descriptions, required keys and value rules of Reference.
func Schema() *jsonschema.Schema {
	r := jsonschema.Reflector{
		FieldNameTag: "yaml",
		// One tree, as the file is: editors show it as written.
		DoNotReference: true,
		// Required keys come from Reference, not from tags.
		RequiredFromJSONSchemaTags: true,
		Anonymous:                  true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch t {
			case reflect.TypeFor[rawLevels](): // thresholds, read by hand in thresholds.go
				return levelsSchema(&jsonschema.Schema{Type: "number"})
			case reflect.TypeFor[rawDurations]():
				return levelsSchema(&jsonschema.Schema{Type: "string"})
			}
			if t == reflect.TypeFor[ast.Node]() { // keys:, walked by hand in keys.go
				minOne := uint64(1)
				return &jsonschema.Schema{Type: "object", AdditionalProperties: &jsonschema.Schema{
					Type: "array", MinItems: &minOne, Items: &jsonschema.Schema{Type: "string", MinLength: &minOne}}}
			}
			return nil
		},
	}
	s := r.Reflect(&rawConfig{})
	s.ID = jsonschema.ID(SchemaURL)
	s.Title = "opsdeck config"
	s.Description = "The config file of opsdeck, a terminal operations console (docs/configuration.md)."
	docs := map[string]Field{}
	for _, f := range Reference() {
		docs[f.Path] = f
	}
	eachKey(s, "", func(path string, parent, key *jsonschema.Schema, name string) {
		f, ok := docs[path]
		if !ok {
			return // TestSchemaKeysAreDocumented fails on it
		}
		applyField(f, key)
		if f.Required && parent != nil {
			parent.Required = append(parent.Required, name)
		}
	})
	// A bare "simulator:" is null in YAML and turns the simulator on.
	if sources, ok := s.Properties.Get("sources"); ok {
		if sim, ok := sources.Properties.Get("simulator"); ok {
			sources.Properties.Set("simulator", &jsonschema.Schema{
				Description: sim.Description,
				OneOf:       []*jsonschema.Schema{sim, {Type: "null"}},
			})
		}
	}
	return s
}

// levelsSchema is a threshold: one level (the shorthand) or both by name.
func levelsSchema(level *jsonschema.Schema) *jsonschema.Schema {
	props := jsonschema.NewProperties()
	for _, k := range levelKeys {
		l := *level
		props.Set(k, &l)
	}
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{
		level,
		{Type: "object", Properties: props, AdditionalProperties: jsonschema.FalseSchema},
	}}
}

// SchemaJSON is Schema as indented JSON with a final newline: what
// `opsdeck config schema` prints and docs/schema/config.schema.json holds.
func SchemaJSON() []byte {
	b, err := json.MarshalIndent(Schema(), "", "  ")
	if err != nil {
		panic("config: schema: " + err.Error()) // a *jsonschema.Schema always marshals
	}
	return append(b, '\n')
}

// applyField puts one Field's description and value rules on its schema.
func applyField(f Field, s *jsonschema.Schema) {
	s.Description = f.Doc
	if f.Default != "" && !f.Required {
		s.Description += " Default: " + f.Default + "."
	}
	switch f.Type {
	case "name":
		s.Pattern = nameRE.String()
	case "host":
		s.Pattern = hostRE.String()
	case "duration":
		s.Pattern = durationPattern
	case "label":
		s.Pattern = labelRE.String()
	case "URL":
		s.Format = "uri"
	case "number":
		s.Minimum = "0" // every number of the config is 0 or more
	case "number or mapping": // a threshold's shorthand (levelsSchema)
		s.OneOf[0].Minimum = "0"
	case "duration or mapping":
		s.OneOf[0].Pattern = durationPattern
	}
	switch f.Path {
	case "projects[].services[].component":
		for _, c := range backend.Components {
			s.Enum = append(s.Enum, string(c))
		}
	case "sources.prometheus.queries":
		var names []any
		for _, n := range PromQueryNames {
			names = append(names, n)
		}
		s.PropertyNames = &jsonschema.Schema{Enum: names}
	}
}

// eachKey calls f for every key the schema describes, parents first, with
// its path in Reference's notation. A key of the user's choosing (a map)
// is named by the placeholder Reference uses for it.
func eachKey(s *jsonschema.Schema, path string, f func(path string, parent, key *jsonschema.Schema, name string)) {
	if s == nil {
		return
	}
	for _, alt := range s.OneOf {
		eachKey(alt, path, f)
	}
	if s.Properties != nil {
		for name, key := range s.Properties.FromOldest() {
			p := joinKey(path, name)
			f(p, s, key, name)
			eachKey(key, p, f)
		}
	}
	if ap := s.AdditionalProperties; ap != nil && ap != jsonschema.FalseSchema && s.Type == "object" {
		p := joinKey(path, placeholder(path))
		f(p, nil, ap, "")
		eachKey(ap, p, f)
	}
	if s.Items != nil {
		eachKey(s.Items, path+"[]", f)
	}
}

// placeholder is how Reference names the keys of the map at path.
func placeholder(path string) string {
	for _, f := range Reference() {
		if rest, ok := strings.CutPrefix(f.Path, path+".<"); ok {
			if name, _, ok := strings.Cut(rest, ">"); ok {
				return "<" + name + ">"
			}
		}
	}
	return "<key>"
}

func joinKey(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// ReferenceMarkdown is the configuration reference as a markdown table:
// docs/configuration.md holds it, and a test keeps the two equal.
func ReferenceMarkdown() string {
	var b strings.Builder
	b.WriteString("| key | type | default | meaning |\n| --- | --- | --- | --- |\n")
	for _, f := range Reference() {
		def := f.Default
		if f.Required {
			def = strings.TrimSuffix("**required**, "+f.Default, ", ")
		}
		if def == "" {
			def = "—"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Path, f.Type, def, strings.ReplaceAll(f.Doc, "|", `\|`))
	}
	return b.String()
}
