package jsoncheck

import (
	"encoding/json"
	"strings"
	"testing"
)

const schema = `{
  "type": "object", "required": ["name", "at"], "additionalProperties": false,
  "properties": {
    "name": {"type": "string", "pattern": "^[a-z]+$"},
    "at": {"type": "string", "format": "date-time"},
    "n": {"oneOf": [{"type": "number", "minimum": 0}, {"type": "null"}]},
    "v": {"type": "integer", "const": 1},
    "tags": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": ["a", "b"]}},
    "labels": {"type": "object", "propertyNames": {"enum": ["x"]}, "additionalProperties": {"type": "boolean"}}
  }
}`

func TestValidate(t *testing.T) {
	cases := []struct{ doc, want string }{
		{`{"name": "ok", "at": "2026-11-26T12:00:00Z", "n": null, "v": 1, "tags": ["a"], "labels": {"x": true}}`, ""},
		{`{"name": "ok", "at": "2026-11-26T12:00:00Z", "n": 2.5}`, ""},
		{`{"at": "2026-11-26T12:00:00Z"}`, "required key name is missing"},
		{`{"name": "ok", "at": "2026-11-26T12:00:00Z", "extra": 1}`, "unknown key extra"},
		{`{"name": "Not OK", "at": "2026-11-26T12:00:00Z"}`, "does not match"},
		{`{"name": "ok", "at": "yesterday"}`, "not an RFC 3339 time"},
		{`{"name": "ok", "at": "2026-11-26T12:00:00Z", "n": -1}`, "matches 0 of the 2 alternatives"},
		{`{"name": "ok", "at": "2026-11-26T12:00:00Z", "v": 2}`, "is not 1"},
		{`{"name": "ok", "at": "2026-11-26T12:00:00Z", "tags": []}`, "fewer than 1"},
		{`{"name": "ok", "at": "2026-11-26T12:00:00Z", "tags": ["c"]}`, "is not one of"},
		{`{"name": "ok", "at": "2026-11-26T12:00:00Z", "labels": {"y": true}}`, "key y is not one of"},
		{`{"name": "ok", "at": "2026-11-26T12:00:00Z", "labels": {"x": 1}}`, "is not true or false"},
		{`[]`, "is not a mapping"},
	}
	for _, c := range cases {
		var doc any
		if err := json.Unmarshal([]byte(c.doc), &doc); err != nil {
			t.Fatal(err)
		}
		problems, err := Validate([]byte(schema), doc)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(problems, "\n")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.doc, got, c.want)
		}
	}
}
