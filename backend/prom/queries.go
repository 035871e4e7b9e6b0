package prom

import (
	"bytes"
	"fmt"
	"text/template"
)

// Queries are the PromQL templates of every figure. "{{.Label}}" stands for
// the service label name (Config.ServiceLabel). Each service figure must
// return one series per service carrying that label, each database figure
// one per datname (a series without datname applies to every database), and
// each dependency figure one per blackbox instance (the probed URL).
//
// A query may return an instant vector, a range vector (the newest sample
// of each series is used, with its own timestamp) or a scalar.
type Queries struct {
	RPS, ErrorRatePct, P95Seconds, AvgLatencySeconds string
	CPUPct, MemoryPct, MemoryBytes, Uptime           string
	DiskBytesPerSecond                               string
	P95Range                                         string // evaluated as a range query (sparklines, 24h chart)

	DBUp, DBConnections, DBMaxConnections, DBAvgQuerySeconds, DBSlowQueries, DBCacheHitPct string

	DepUp, DepLatencySeconds, DepSuccessPct string

	// The canary figures, by service and blue/green colour: "{{.Colour}}"
	// stands for the colour label (Config.ColourLabel). Each must return
	// one series per (service, colour). Asked only when a colour label is
	// configured.
	ColourRPS, ColourErrorRatePct, ColourP95Seconds string

	// Alerts also reads Prometheus' own /api/v1/alerts; meant for setups
	// without an Alertmanager.
	Alerts bool
}

// cadvisor copies cAdvisor's compose-service label to the service label, so
// the resource figures join the request figures by the same name. It needs
// cAdvisor with -store_container_labels (its default); name!="" drops the
// cgroup-only rows that would double count.
func cadvisor(expr string) string {
	return `label_replace(` + expr + `, "{{.Label}}", "$1", "container_label_com_docker_compose_service", "(.+)")`
}

const p95 = `histogram_quantile(0.95, sum by ({{.Label}}, le) (rate(http_request_duration_seconds_bucket[5m])))`

// DefaultQueries are written for client_golang's promhttp names
// (http_requests_total{code}, http_request_duration_seconds), cAdvisor,
// postgres_exporter and blackbox_exporter; see
// /work/shared/docs/ops-conventions.md §2.
func DefaultQueries() Queries {
	return Queries{
		RPS:               `sum by ({{.Label}}) (rate(http_requests_total[5m]))`,
		ErrorRatePct:      `100 * sum by ({{.Label}}) (rate(http_requests_total{code=~"5.."}[5m])) / sum by ({{.Label}}) (rate(http_requests_total[5m]))`,
		P95Seconds:        p95,
		AvgLatencySeconds: `sum by ({{.Label}}) (rate(http_request_duration_seconds_sum[5m])) / sum by ({{.Label}}) (rate(http_request_duration_seconds_count[5m]))`,
		// Percent of one core, summed over the service's containers.
		CPUPct: cadvisor(`100 * sum by (container_label_com_docker_compose_service) (rate(container_cpu_usage_seconds_total{name!=""}[5m]))`),
		// Working set against the limit; "> 0" drops unlimited containers
		// (limit 0), which would otherwise divide to +Inf.
		MemoryPct: cadvisor(`100 * sum by (container_label_com_docker_compose_service) (container_memory_working_set_bytes{name!=""})` +
			` / sum by (container_label_com_docker_compose_service) (container_spec_memory_limit_bytes{name!=""} > 0)`),
		MemoryBytes: cadvisor(`sum by (container_label_com_docker_compose_service) (container_memory_working_set_bytes{name!=""})`),
		// Block I/O read and written, as docker stats' BLOCK I/O.
		DiskBytesPerSecond: cadvisor(`sum by (container_label_com_docker_compose_service) (rate(container_fs_reads_bytes_total{name!=""}[5m]))` +
			` + sum by (container_label_com_docker_compose_service) (rate(container_fs_writes_bytes_total{name!=""}[5m]))`),
		Uptime:   `100 * avg by ({{.Label}}) (avg_over_time(up[24h]))`,
		P95Range: p95,

		// pg_up and pg_settings_* carry no datname: they apply to every
		// database of the (single) exporter. min() so that one exporter
		// that cannot connect is not hidden by another that can.
		DBUp:             `min(pg_up)`,
		DBConnections:    `sum by (datname) (pg_stat_activity_count)`,
		DBMaxConnections: `max(pg_settings_max_connections)`,
		// The statement figures need postgres_exporter's stat_statements
		// collector (off by default) and the pg_stat_statements extension;
		// without them they are missing, not zero.
		DBAvgQuerySeconds: `sum by (datname) (rate(pg_stat_statements_seconds_total[5m])) / sum by (datname) (rate(pg_stat_statements_calls_total[5m]))`,
		// Statements whose mean time over 5m exceeds 250 ms; the "or" gives
		// a real 0 for databases that have statements but none slow.
		DBSlowQueries: `count by (datname) (sum by (datname, queryid) (rate(pg_stat_statements_seconds_total[5m])) / sum by (datname, queryid) (rate(pg_stat_statements_calls_total[5m])) > 0.25)` +
			` or sum by (datname) (0 * pg_stat_statements_calls_total)`,
		DBCacheHitPct: `100 * sum by (datname) (rate(pg_stat_database_blks_hit[5m])) / (sum by (datname) (rate(pg_stat_database_blks_hit[5m])) + sum by (datname) (rate(pg_stat_database_blks_read[5m])))`,

		// A range selector returns the raw samples, so the newest one gives
		// the time of the last probe (an instant vector would be stamped
		// with the evaluation time). 5m is the default lookback.
		DepUp:             `probe_success[5m]`,
		DepLatencySeconds: `max by (instance) (probe_duration_seconds)`,
		DepSuccessPct:     `100 * avg by (instance) (avg_over_time(probe_success[1h]))`,

		// A canary gate must see a bad rollout within a couple of minutes,
		// so these use a 2m window where the fleet figures use 5m.
		ColourRPS: `sum by ({{.Label}}, {{.Colour}}) (rate(http_requests_total{ {{- .Colour}}!=""}[2m]))`,
		ColourErrorRatePct: `100 * sum by ({{.Label}}, {{.Colour}}) (rate(http_requests_total{code=~"5..",{{.Colour}}!=""}[2m]))` +
			` / sum by ({{.Label}}, {{.Colour}}) (rate(http_requests_total{ {{- .Colour}}!=""}[2m]))`,
		ColourP95Seconds: `histogram_quantile(0.95, sum by ({{.Label}}, {{.Colour}}, le) (rate(http_request_duration_seconds_bucket{ {{- .Colour}}!=""}[2m])))`,
	}
}

// figureKind says which label a figure is joined on.
type figureKind int

const (
	perService figureKind = iota
	perDatabase
	perDependency
	perColour // joined on (service, colour)
)

// figure is one PromQL query of a Fetch. Its key is the config name
// (sources.prometheus.queries.<key>), used in errors so the operator knows
// which override to fix.
type figure struct {
	key  string
	kind figureKind
	expr string
}

// Figure keys, as in backend/config.PromQueryNames.
const (
	keyRPS        = "rps"
	keyErrorRate  = "error_rate_pct"
	keyP95        = "p95_seconds"
	keyAvgLatency = "avg_latency_seconds"
	keyCPU        = "cpu_pct"
	keyMemPct     = "memory_pct"
	keyMemBytes   = "memory_bytes"
	keyDisk       = "disk_bytes_per_second"
	keyUptime     = "uptime_pct"
	keyP95Range   = "p95_range"
	keyDBUp       = "db_up"
	keyDBConns    = "db_connections"
	keyDBMaxConns = "db_max_connections"
	keyDBAvgQuery = "db_avg_query_seconds"
	keyDBSlow     = "db_slow_queries"
	keyDBCacheHit = "db_cache_hit_pct"
	keyDepUp      = "dep_up"
	keyDepLatency = "dep_latency_seconds"
	keyDepSuccess = "dep_success_pct"
	keyAlerts     = "alerts" // not PromQL: GET /api/v1/alerts

	keyColourRPS       = "colour_rps"
	keyColourErrorRate = "colour_error_rate_pct"
	keyColourP95       = "colour_p95_seconds"
)

// fields lists every template with its key and kind, in a fixed order.
func (q *Queries) fields() []struct {
	key  string
	kind figureKind
	p    *string
} {
	type f = struct {
		key  string
		kind figureKind
		p    *string
	}
	return []f{
		{keyRPS, perService, &q.RPS},
		{keyErrorRate, perService, &q.ErrorRatePct},
		{keyP95, perService, &q.P95Seconds},
		{keyAvgLatency, perService, &q.AvgLatencySeconds},
		{keyCPU, perService, &q.CPUPct},
		{keyMemPct, perService, &q.MemoryPct},
		{keyMemBytes, perService, &q.MemoryBytes},
		{keyDisk, perService, &q.DiskBytesPerSecond},
		{keyUptime, perService, &q.Uptime},
		{keyP95Range, perService, &q.P95Range},
		{keyDBUp, perDatabase, &q.DBUp},
		{keyDBConns, perDatabase, &q.DBConnections},
		{keyDBMaxConns, perDatabase, &q.DBMaxConnections},
		{keyDBAvgQuery, perDatabase, &q.DBAvgQuerySeconds},
		{keyDBSlow, perDatabase, &q.DBSlowQueries},
		{keyDBCacheHit, perDatabase, &q.DBCacheHitPct},
		{keyDepUp, perDependency, &q.DepUp},
		{keyDepLatency, perDependency, &q.DepLatencySeconds},
		{keyDepSuccess, perDependency, &q.DepSuccessPct},
		{keyColourRPS, perColour, &q.ColourRPS},
		{keyColourErrorRate, perColour, &q.ColourErrorRatePct},
		{keyColourP95, perColour, &q.ColourP95Seconds},
	}
}

// Names returns the figure names Set accepts, in a fixed order; they are
// the keys of sources.prometheus.queries in the config.
func Names() []string {
	var q Queries
	var out []string
	for _, f := range q.fields() {
		out = append(out, f.key)
	}
	return out
}

// Set overrides the template of the named figure (see Names), so a config
// map of overrides can be applied without a switch at the call site.
func (q *Queries) Set(name, expr string) error {
	for _, f := range q.fields() {
		if f.key == name {
			*f.p = expr
			return nil
		}
	}
	return fmt.Errorf("unknown prometheus query %q (known: %v)", name, Names())
}

// render fills zero templates from the defaults and expands {{.Label}}
// and {{.Colour}}. It returns the instant figures in a fixed order and the
// range figure; without a colour label the colour figures are left out.
func (q Queries) render(label, colour string) (instant []figure, p95Range string, err error) {
	def := DefaultQueries()
	defFields := def.fields()
	for i, f := range q.fields() {
		if f.kind == perColour && colour == "" {
			continue
		}
		src := *f.p
		if src == "" {
			src = *defFields[i].p
		}
		t, err := template.New(f.key).Option("missingkey=error").Parse(src)
		if err != nil {
			return nil, "", fmt.Errorf("query %s: %w", f.key, err)
		}
		var b bytes.Buffer
		if err := t.Execute(&b, struct{ Label, Colour string }{label, colour}); err != nil {
			return nil, "", fmt.Errorf("query %s: %w", f.key, err)
		}
		if f.key == keyP95Range {
			p95Range = b.String()
			continue
		}
		instant = append(instant, figure{key: f.key, kind: f.kind, expr: b.String()})
	}
	return instant, p95Range, nil
}
