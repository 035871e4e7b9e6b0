package sim

import (
	"context"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// simRule is one of the demo's alerting rules: the alerts raise() derives
// stand for them, so a rule fires exactly when its alert is active.
type simRule struct{ group, alert, query string }

var simRules = []simRule{
	{"fleet.rules", "ServiceDown", `up{job="fleet"} == 0`},
	{"fleet.rules", "HighErrorRate", `sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m])) * 100 > 1`},
	{"fleet.rules", "SlowResponses", `histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.2`},
	{"resources.rules", "HighMemoryUsage", `container_memory_usage_bytes / container_spec_memory_limit_bytes * 100 > 80`},
	{"databases.rules", "SlowQuery", `pg_stat_activity_max_tx_duration > 0.2`},
}

// Rules lists the demo's rules (backend.RuleLister) as the simulated
// Prometheus evaluates them now: each alerting rule firing while its alert
// is active, with that alert count. It fails while the simulated
// Prometheus does (Fail).
func (f *Fleet) Rules(ctx context.Context) ([]backend.Rule, error) {
	if err := f.control(Prometheus).err; err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := f.now()
	active := map[string]int{}
	for _, a := range f.telemetry(now).Alerts {
		if a.State == backend.AlertFiring || a.State == backend.AlertSilenced {
			active[a.Name]++
		}
	}
	// Evaluated on the 5 s grid of the seed's Prometheus.
	last := now.Truncate(5 * time.Second)
	out := make([]backend.Rule, 0, len(simRules))
	for _, r := range simRules {
		state := "inactive"
		if active[r.alert] > 0 {
			state = "firing"
		}
		out = append(out, backend.Rule{
			Group: r.group, File: "/etc/prometheus/rules/" + r.group + ".yml", Name: r.alert, Kind: backend.RuleAlerting,
			Query: r.query, State: state, Health: "ok", LastEvaluation: last, EvaluationTime: 2 * time.Millisecond,
			Active: active[r.alert],
		})
	}
	return out, nil
}
