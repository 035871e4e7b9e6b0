package report

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/manacore/opsdeck/backend"
)

// Where the JSON Schemas of the two documents are published (the files
// docs/schema/status.schema.json and check.schema.json of the repository).
const (
	StatusSchemaURL = "https://raw.githubusercontent.com/manacore/opsdeck/main/docs/schema/status.schema.json"
	CheckSchemaURL  = "https://raw.githubusercontent.com/manacore/opsdeck/main/docs/schema/check.schema.json"
)

// Field documents one field of a JSON document: docs/status-json.md's
// tables are rendered from these (FieldsMarkdown) and a test keeps them
// in step with the schemas, so no field goes undocumented.
type Field struct{ Path, Doc string }

// StatusFields documents every field of Status, in document order.
func StatusFields() []Field {
	return []Field{
		{"schema_version", fmt.Sprintf("Version of the document's shape, now %d. It changes only when a field changes meaning or goes away; fields are added without it.", SchemaVersion)},
		{"environment", "The config's `environment`."},
		{"demo", "True on the simulated fleet."},
		{"demo_reason", "Why the simulated fleet when it was not asked for (no config, and no Docker engine found or answering); null otherwise."},
		{"generated_at", "When the snapshot was taken (RFC 3339, UTC)."},
		{"sources", "Every source polled once."},
		{"sources[].name", "e.g. `docker@local`, `prometheus`."},
		{"sources[].kind", "`docker`, `prometheus`, `alertmanager` or `sim`."},
		{"sources[].ok", "Whether the fetch succeeded; any `false` makes the exit status 3."},
		{"sources[].error", "Why it failed; null when ok."},
		{"sources[].updated_at", "Its last successful fetch; null if none."},
		{"sources[].warnings", "What the source said of its answer that may make it incomplete (Prometheus' `warnings`: a store behind Thanos or a remote read that did not answer); empty when none. The figures are still shown."},
		{"sources[].warnings[].feed", "The figures it qualifies: `metrics`, `databases` or `dependencies`."},
		{"sources[].warnings[].text", "The server's words, on one line (at most 300 bytes)."},
		{"sources[].infos", "Prometheus' `infos` (a query that may not mean what it seems, e.g. a rate over what is not a counter), like `warnings`."},
		{"sources[].infos[].feed", "As for warnings."},
		{"sources[].infos[].text", "As for warnings."},
		{"summary", "The overview's tiles in figures: the numbers the console's SYSTEM HEALTH OVERVIEW shows."},
		{"summary.services_healthy", "Services that are up (a service with a warning is not counted)."},
		{"summary.services_total", "All services."},
		{"summary.services_status", "The Services tile: `up` while none is down or unknown, `warn` with at most 20 % down, else `down`."},
		{"summary.rps", "Requests per second of the whole fleet."},
		{"summary.error_rate", "Failing requests in percent, weighted by each service's request rate."},
		{"summary.avg_latency_ms", "Average latency in ms, weighted by request rate (the Avg Latency tile)."},
		{"summary.worst_p95_ms", "The highest p95 of any service, in ms (a fleet-wide p95 cannot be made from per-service ones)."},
		{"summary.worst_p95_service", "The service with that p95."},
		{"summary.alerts_firing", "Firing alerts by severity: `critical`, `warning` and `info`, each present (0 when none)."},
		{"summary.alerts_silenced", "Alerts a silence matches."},
		{"services", "Every service, configured or found, by project and name."},
		{"services[].project", "Its project."},
		{"services[].component", "`backend`, `web` or `landing`."},
		{"services[].name", "The service name."},
		{"services[].host", "Where it runs."},
		{"services[].state", "`running` when all its containers run, else the state of one that does not (`restarting`, `exited`, …); null without containers."},
		{"services[].health", "The worst container health (`unhealthy`, `starting`, `healthy`, `none`)."},
		{"services[].version", "The image version of its first container."},
		{"services[].started_at", "When its first container started."},
		{"services[].restarts", "Restarts of all its containers."},
		{"services[].status", "The verdict against the thresholds."},
		{"services[].findings", "Why it is not up, one sentence each."},
		{"services[].rps", "Requests per second."},
		{"services[].error_rate", "Failing requests, in percent."},
		{"services[].p95_ms", "p95 latency in ms."},
		{"services[].cpu_pct", "CPU, percent of one core."},
		{"services[].memory_pct", "Memory in use, in percent of its limit (the figure `memory_pct` is judged on)."},
		{"services[].mem_bytes", "Memory in use, in bytes."},
		{"alerts", "Active alerts."},
		{"alerts[].name", "Alert name."},
		{"alerts[].severity", "`critical`, `warning` or `info`."},
		{"alerts[].service", "The service it is about."},
		{"alerts[].summary", "Its summary annotation."},
		{"alerts[].state", "`firing`, `pending`, or `silenced` (a silence matches it)."},
		{"alerts[].since", "When it became active."},
		{"alerts[].silenced_until", "When the last silence matching a silenced alert ends."},
		{"databases", "Watched databases."},
		{"databases[].name", "Database name."},
		{"databases[].up", "Whether it answers."},
		{"databases[].status", "Its pool against `db_pool_pct`."},
		{"databases[].connections", "Connections in use."},
		{"databases[].max_connections", "Pool size."},
		{"databases[].avg_query_ms", "Average query time in ms."},
		{"databases[].slow_queries", "Number of slow queries."},
		{"databases[].cache_hit_ratio", "Cache hits, 0 to 1."},
		{"dependencies", "External dependencies."},
		{"dependencies[].name", "The configured name."},
		{"dependencies[].up", "Whether the last probe succeeded."},
		{"dependencies[].status", "`down` when the last probe failed, else its success rate against `dependency_success_pct`."},
		{"dependencies[].latency_ms", "Probe latency in ms."},
		{"dependencies[].success_ratio", "Successful probes, 0 to 1."},
		{"dependencies[].checked_at", "When it was last probed."},
		{"deployments", "The blue/green projects of `deployments:`, as the deployments screen evaluates them."},
		{"deployments[].project", "The project."},
		{"deployments[].service", "Its blue/green service."},
		{"deployments[].stable", "The colour that served before the rollout; null unless two colours run."},
		{"deployments[].candidate", "The newer colour being rolled out; null unless two colours run."},
		{"deployments[].split_from", "Where the traffic shares come from: `prometheus` (requests per colour) or `last command` (the last traffic command that succeeded); null when unknown."},
		{"deployments[].verdict", "What the canary gates advise: `hold`, `promote` or `roll back` (empty with one colour)."},
		{"deployments[].reason", "Why, in words."},
		{"deployments[].window_left_s", "Seconds left of the rollback window after a full cutover; null when it does not run."},
		{"deployments[].colours", "Blue and green."},
		{"deployments[].colours[].colour", "`blue` or `green`."},
		{"deployments[].colours[].version", "The image version(s) of its containers, comma-separated while mixed."},
		{"deployments[].colours[].up", "Containers running and not unhealthy."},
		{"deployments[].colours[].total", "All its containers."},
		{"deployments[].colours[].traffic_pct", "Its share of the requests, in percent."},
		{"deployments[].colours[].rps", "Its requests per second."},
		{"deployments[].colours[].error_rate", "Its failing requests, in percent."},
		{"deployments[].colours[].p95_ms", "Its p95 latency in ms."},
		{"deployments[].colours[].live_since", "When its earliest running container started."},
	}
}

// CheckFields documents every field of Checks, in document order.
func CheckFields() []Field {
	return []Field{
		{"schema_version", fmt.Sprintf("As in `status`, now %d.", SchemaVersion)},
		{"environment", "The config's `environment`."},
		{"demo", "True when the simulator answered: nothing left the machine."},
		{"passed", "How many checks passed."},
		{"total", "How many ran: every configured `health_url`."},
		{"results", "One per check, in config order."},
		{"results[].name", "The service."},
		{"results[].url", "Its `health_url`."},
		{"results[].ok", "A 2xx answer (redirects are not followed)."},
		{"results[].code", "The HTTP status; null when there was no answer (exit status 3)."},
		{"results[].latency_ms", "Time to the answer, or to the failure."},
		{"results[].error", "Why there was no answer: `connection refused`, `no answer before the deadline`, …"},
		{"results[].checked_at", "When it ran (RFC 3339, UTC)."},
	}
}

// StatusSchema is the JSON Schema of `opsdeck status --json`.
func StatusSchema() *jsonschema.Schema {
	return documentSchema(&Status{}, StatusSchemaURL, "opsdeck status --json", StatusFields())
}

// CheckSchema is the JSON Schema of `opsdeck check --json`.
func CheckSchema() *jsonschema.Schema {
	return documentSchema(&Checks{}, CheckSchemaURL, "opsdeck check --json", CheckFields())
}

// SchemaJSON is a schema as indented JSON with a final newline, as the
// files under docs/schema hold it.
func SchemaJSON(s *jsonschema.Schema) []byte {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic("report: schema: " + err.Error()) // a *jsonschema.Schema always marshals
	}
	return append(b, '\n')
}

func documentSchema(v any, id, title string, fields []Field) *jsonschema.Schema {
	r := jsonschema.Reflector{
		DoNotReference: true,
		Anonymous:      true,
		// Fields are added without a new schema_version: a consumer
		// checking against this schema must let them through.
		AllowAdditionalProperties: true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch t {
			case reflect.TypeFor[backend.Value](): // a number, or null when no source gave one
				return &jsonschema.Schema{OneOf: []*jsonschema.Schema{{Type: "number"}, {Type: "null"}}}
			case reflect.TypeFor[backend.Status]():
				var names []any
				for _, s := range []backend.Status{backend.StatusUp, backend.StatusWarn, backend.StatusDown, backend.StatusUnknown} {
					names = append(names, s.String())
				}
				return &jsonschema.Schema{Type: "string", Enum: names}
			}
			return nil
		},
	}
	s := r.Reflect(v)
	s.ID, s.Title = jsonschema.ID(id), title
	docs := map[string]string{}
	for _, f := range fields {
		docs[f.Path] = f.Doc
	}
	eachField(s, "", func(path string, f *jsonschema.Schema) { f.Description = docs[path] })
	if version, ok := s.Properties.Get("schema_version"); ok {
		version.Const = SchemaVersion
	}
	return s
}

// eachField calls f for every field the schema describes, with its path
// ("sources[].name"), parents first.
func eachField(s *jsonschema.Schema, path string, f func(path string, s *jsonschema.Schema)) {
	if s == nil {
		return
	}
	for _, alt := range s.OneOf {
		eachField(alt, path, f)
	}
	if s.Properties != nil {
		for name, sub := range s.Properties.FromOldest() {
			p := name
			if path != "" {
				p = path + "." + name
			}
			f(p, sub)
			eachField(sub, p, f)
		}
	}
	if s.Items != nil {
		eachField(s.Items, path+"[]", f)
	}
}

// FieldsMarkdown renders a document's fields as a markdown table with
// the type each has in the schema.
func FieldsMarkdown(s *jsonschema.Schema, fields []Field) string {
	types := map[string]string{}
	eachField(s, "", func(path string, f *jsonschema.Schema) {
		if _, seen := types[path]; !seen {
			types[path] = typeOf(f)
		}
	})
	var b strings.Builder
	b.WriteString("| field | type | meaning |\n| --- | --- | --- |\n")
	for _, f := range fields {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Path, types[f.Path], f.Doc)
	}
	return b.String()
}

// typeOf names a field's JSON type in words: "number or null".
func typeOf(s *jsonschema.Schema) string {
	if len(s.OneOf) > 0 {
		var alts []string
		for _, a := range s.OneOf {
			alts = append(alts, typeOf(a))
		}
		return strings.Join(alts, " or ")
	}
	t := s.Type
	switch {
	case len(s.Enum) > 0:
		var names []string
		for _, e := range s.Enum {
			names = append(names, fmt.Sprintf("`%v`", e))
		}
		return strings.Join(names, " \\| ")
	case t == "array" && s.Items != nil && s.Items.Type != "object":
		return "list of " + typeOf(s.Items)
	case t == "array":
		return "list"
	case t == "string" && s.Format == "date-time":
		return "time"
	case t == "integer" && s.Const != nil:
		return fmt.Sprintf("`%v`", s.Const)
	}
	return t
}
