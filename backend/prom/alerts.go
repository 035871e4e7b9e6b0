package prom

import (
	"maps"
	"strings"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/manacore/opsdeck/backend"
)

// convertAlerts maps Prometheus' /api/v1/alerts to backend alerts (firing
// and pending; inactive ones are dropped), sorted like the seed's ACTIVE
// ALERTS panel. The service is the service label, else "service", else
// "job".
func convertAlerts(in []v1.Alert, serviceLabel string) []backend.Alert {
	out := make([]backend.Alert, 0, len(in))
	for _, a := range in {
		var state backend.AlertState
		switch a.State {
		case v1.AlertStateFiring:
			state = backend.AlertFiring
		case v1.AlertStatePending:
			state = backend.AlertPending
		default:
			continue
		}
		labels, ann := plain(a.Labels), plain(a.Annotations)
		out = append(out, backend.Alert{
			Name:        labels["alertname"],
			Severity:    severity(labels["severity"]),
			Service:     first(labels[serviceLabel], labels["service"], labels["job"]),
			Summary:     first(ann["summary"], ann["description"], labels["alertname"]),
			State:       state,
			Since:       a.ActiveAt,
			Labels:      labels,
			Annotations: ann,
		})
	}
	backend.SortAlerts(out)
	return out
}

// severity reads the severity label; anything unknown counts as a warning,
// so an unlabelled alert is neither lost among infos nor paging as critical.
func severity(s string) backend.Severity {
	switch sev := backend.Severity(strings.ToLower(s)); sev {
	case backend.SeverityCritical, backend.SeverityWarning, backend.SeverityInfo:
		return sev
	}
	return backend.SeverityWarning
}

func plain(ls model.LabelSet) map[string]string {
	out := make(map[string]string, len(ls))
	for k, v := range maps.All(ls) {
		out[string(k)] = string(v)
	}
	return out
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
