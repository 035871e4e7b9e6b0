package report

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/invopop/jsonschema"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/jsoncheck"
)

// Every field of both documents is documented, and nothing else, in
// document order.
func TestFieldsAreDocumented(t *testing.T) {
	for name, c := range map[string]struct {
		schema *jsonschema.Schema
		fields []Field
	}{"status": {StatusSchema(), StatusFields()}, "check": {CheckSchema(), CheckFields()}} {
		var paths, documented []string
		eachField(c.schema, "", func(p string, _ *jsonschema.Schema) {
			if !slices.Contains(paths, p) {
				paths = append(paths, p)
			}
		})
		for _, f := range c.fields {
			documented = append(documented, f.Path)
		}
		if !slices.Equal(paths, documented) {
			t.Errorf("%s: the fields of the document and of its docs differ:\n document %v\n docs     %v", name, paths, documented)
		}
	}
}

// The shipped schemas and the field tables of docs/status-json.md are what
// the code generates (scripts/gendocs writes them).
func TestSchemaFilesAndDocsAreCurrent(t *testing.T) {
	doc, err := os.ReadFile("../../docs/status-json.md")
	if err != nil {
		t.Fatal(err)
	}
	for file, c := range map[string]struct {
		schema *jsonschema.Schema
		fields []Field
	}{"status.schema.json": {StatusSchema(), StatusFields()}, "check.schema.json": {CheckSchema(), CheckFields()}} {
		got, err := os.ReadFile("../../docs/schema/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, SchemaJSON(c.schema)) {
			t.Errorf("docs/schema/%s is out of date: run go run ./scripts/gendocs", file)
		}
		if !strings.Contains(string(doc), FieldsMarkdown(c.schema, c.fields)) {
			t.Errorf("docs/status-json.md lacks the current table of %s: run go run ./scripts/gendocs", file)
		}
	}
}

// Real documents, with values present and missing, satisfy their schemas;
// one with a field gone or of the wrong type does not.
func TestDocumentsMatchTheirSchemas(t *testing.T) {
	empty := snapshot()
	empty.Services = append(empty.Services, backend.Service{Project: "x", Name: "x-web", Component: backend.ComponentWeb})
	empty.Sources[1].OK, empty.Sources[1].Err, empty.Sources[1].UpdatedAt = false, "connection refused", time.Time{}
	empty.Alerts = []backend.Alert{{Name: "A", Severity: backend.SeverityWarning, State: backend.AlertFiring, Since: now}}
	checks := FromChecks("prod", false, []backend.CheckResult{
		{Target: backend.CheckTarget{Name: "a", URL: "http://a/health"}, Code: 200, OK: true, Latency: 5 * time.Millisecond, At: now},
		{Target: backend.CheckTarget{Name: "b", URL: "http://b/health"}, Err: "connection refused", At: now},
	})
	docs := []struct {
		name   string
		schema []byte
		doc    any
	}{
		{"status", SchemaJSON(StatusSchema()), FromSnapshot(snapshot())},
		{"status with nulls", SchemaJSON(StatusSchema()), FromSnapshot(empty)},
		{"check", SchemaJSON(CheckSchema()), checks},
	}
	for _, d := range docs {
		problems := validateJSON(t, d.schema, d.doc, nil)
		if len(problems) > 0 {
			t.Errorf("%s: %s", d.name, strings.Join(problems, "\n"))
		}
	}
	broken := []func(map[string]any){
		func(m map[string]any) { delete(m, "generated_at") },
		func(m map[string]any) { m["schema_version"] = 2.0 },
		func(m map[string]any) { m["services"].([]any)[0].(map[string]any)["status"] = "fine" },
		func(m map[string]any) { m["services"].([]any)[0].(map[string]any)["rps"] = "120" },
	}
	for i, breakIt := range broken {
		if problems := validateJSON(t, SchemaJSON(StatusSchema()), FromSnapshot(snapshot()), breakIt); len(problems) == 0 {
			t.Errorf("broken document %d passes the schema", i)
		}
	}
}

// validateJSON encodes v as status --json does, lets edit change the
// decoded document, and checks it against schema.
func validateJSON(t *testing.T, schema []byte, v any, edit func(map[string]any)) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	problems, err := jsoncheck.Validate(schema, doc)
	if err != nil {
		t.Fatal(err)
	}
	return problems
}

func TestCheckExitCode(t *testing.T) {
	ok := backend.CheckResult{Code: 200, OK: true}
	failed := backend.CheckResult{Code: 503}
	unreached := backend.CheckResult{Err: "connection refused"}
	cases := []struct {
		results []backend.CheckResult
		want    int
	}{
		{[]backend.CheckResult{ok, ok}, ExitHealthy},
		{[]backend.CheckResult{ok, failed}, ExitDegraded},
		{[]backend.CheckResult{ok, unreached}, ExitUnreachable},
		{[]backend.CheckResult{failed, unreached, ok}, ExitUnreachable},
	}
	for i, c := range cases {
		if got := FromChecks("e", false, c.results).ExitCode(); got != c.want {
			t.Errorf("case %d: exit %d, want %d", i, got, c.want)
		}
	}
}

func TestCheckTable(t *testing.T) {
	var buf bytes.Buffer
	c := FromChecks("e", false, []backend.CheckResult{
		{Target: backend.CheckTarget{Name: "chat-backend", URL: "http://a/health"}, Code: 200, OK: true, Latency: 12 * time.Millisecond},
		{Target: backend.CheckTarget{Name: "ghost\x1b[2J", URL: "http://b/health"}, Err: "connection refused"},
	})
	if err := c.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"chat-backend", "200", "12ms", "PASS", "FAIL: connection refused", "1/2 passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("an escape sequence from a name reached the table: %q", out)
	}
}
