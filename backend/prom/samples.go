package prom

import (
	"math"
	"sort"
	"time"

	"github.com/prometheus/common/model"

	"github.com/manacore/opsdeck/backend"
)

// sample is the newest value of one series.
type sample struct {
	v  float64
	at time.Time
}

// byLabel indexes a query result by the value of label: for a vector the
// sample of each series, for a matrix (a range selector) the newest sample
// of each series, for a scalar one entry under "". Series without the label
// are filed under "" too, which is how a per-exporter figure such as
// max(pg_settings_max_connections) reaches every database. When several
// series share a label value the newest sample wins, so the outcome does
// not depend on the order Prometheus lists them in.
func byLabel(v model.Value, label string) map[string]sample {
	out := map[string]sample{}
	put := func(m model.Metric, s sample) {
		k := string(m[model.LabelName(label)])
		if old, ok := out[k]; ok && !s.at.After(old.at) {
			return
		}
		out[k] = s
	}
	switch v := v.(type) {
	case model.Vector:
		for _, s := range v {
			put(s.Metric, sample{float64(s.Value), s.Timestamp.Time()})
		}
	case model.Matrix:
		for _, ss := range v {
			if n := len(ss.Values); n > 0 {
				p := ss.Values[n-1]
				put(ss.Metric, sample{float64(p.Value), p.Timestamp.Time()})
			}
		}
	case *model.Scalar:
		if v != nil {
			out[""] = sample{float64(v.Value), v.Timestamp.Time()}
		}
	}
	return out
}

// value looks key up; absent and NaN/±Inf are both missing.
func value(m map[string]sample, key string) backend.Value {
	s, ok := m[key]
	if !ok {
		return backend.None()
	}
	return backend.Some(s.v)
}

// ms converts a figure in seconds to milliseconds, keeping it missing.
func ms(v backend.Value) backend.Value {
	if !v.Valid {
		return v
	}
	return backend.Some(v.V * 1000)
}

// labelValues lists the distinct non-empty values of label in the results,
// sorted; it names what to report when no names are configured.
func labelValues(results []map[string]sample) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range results {
		for k := range r {
			if k != "" && !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// toSeries lays a range-query result out on the grid start, start+step, …,
// end, one Series per value of label, each value multiplied by scale.
// Grid points without a sample (gaps, NaN) are missing.
func toSeries(v model.Value, label string, start, end time.Time, step time.Duration, scale float64) map[string]backend.Series {
	n := int(end.Sub(start)/step) + 1
	out := map[string]backend.Series{}
	m, _ := v.(model.Matrix)
	for _, ss := range m {
		name := string(ss.Metric[model.LabelName(label)])
		if name == "" {
			continue
		}
		ser, ok := out[name]
		if !ok {
			ser = backend.Series{Start: start, Step: step, Points: make([]backend.Value, n)}
		}
		for _, p := range ss.Values {
			// Prometheus evaluates exactly on the grid; rounding only
			// absorbs the float-seconds encoding of the timestamps.
			i := int(math.Round(float64(p.Timestamp.Time().Sub(start)) / float64(step)))
			if i < 0 || i >= n {
				continue
			}
			if sv := backend.Some(float64(p.Value) * scale); sv.Valid || !ser.Points[i].Valid {
				ser.Points[i] = sv
			}
		}
		out[name] = ser
	}
	return out
}
