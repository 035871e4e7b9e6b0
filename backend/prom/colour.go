package prom

import (
	"slices"

	"github.com/prometheus/common/model"

	"github.com/manacore/opsdeck/backend"
)

// colourKey is one blue/green environment of a service.
type colourKey struct{ service, colour string }

// byColour indexes a vector by (service, colour); series missing either
// label are not a colour of anything and are dropped.
func byColour(v model.Value, serviceLabel, colourLabel string) map[colourKey]float64 {
	out := map[colourKey]float64{}
	vec, _ := v.(model.Vector)
	for _, s := range vec {
		k := colourKey{string(s.Metric[model.LabelName(serviceLabel)]), string(s.Metric[model.LabelName(colourLabel)])}
		if k.service == "" || k.colour == "" {
			continue
		}
		out[k] = float64(s.Value)
	}
	return out
}

// colourMetrics joins the canary figures into service → colour → Metrics
// (RPS, ErrorRatePct and P95MS; the rest stay missing). A figure a colour
// is absent from is missing, never 0.
func (s *Source) colourMetrics(figs map[string]map[colourKey]float64) map[string]map[string]backend.Metrics {
	keys := map[colourKey]bool{}
	for _, m := range figs {
		for k := range m {
			keys[k] = true
		}
	}
	get := func(fig string, k colourKey) backend.Value {
		v, ok := figs[fig][k]
		if !ok {
			return backend.None()
		}
		return backend.Some(v)
	}
	out := map[string]map[string]backend.Metrics{}
	for k := range keys {
		if len(s.cfg.Services) > 0 && !slices.Contains(s.cfg.Services, k.service) {
			continue
		}
		if out[k.service] == nil {
			out[k.service] = map[string]backend.Metrics{}
		}
		out[k.service][k.colour] = backend.Metrics{
			RPS:          get(keyColourRPS, k),
			ErrorRatePct: get(keyColourErrorRate, k),
			P95MS:        ms(get(keyColourP95, k)),
		}
	}
	return out
}
