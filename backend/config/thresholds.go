package config

import (
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/manacore/opsdeck/backend"
)

// rawLevels is a threshold as written: a number or a duration (the
// shorthand: its warning level) or {warn: …, down: …}. The decoder hands
// over the node and the builder reads it, so that each problem is
// reported where it stands.
type rawLevels struct{ node ast.Node }

// UnmarshalYAML keeps the node (goccy's NodeUnmarshaler).
func (r *rawLevels) UnmarshalYAML(n ast.Node) error {
	r.node = n
	return nil
}

// rawDurations is rawLevels of durations (p95_target), a type of its own
// for the schema.
type rawDurations struct{ rawLevels }

// levelKeys are the keys of a threshold written as a mapping.
var levelKeys = []string{"warn", "down"}

// thresholds reads the thresholds section; a figure left out keeps its
// default levels (backend.DefaultThresholds). A plain number is the
// warning level, with down at twice it (at most 100 for shares of a
// maximum); for the dependencies' success rate, down where failures are
// twice what the warning level allows.
func (b *builder) thresholds(r rawThresholds) backend.Thresholds {
	t := backend.DefaultThresholds()
	t.P95Target, t.P95Down = b.p95(r.P95Target, t.P95Target, t.P95Down)
	t.ErrorRatePct = b.levels("error_rate_pct", r.ErrorRatePct, t.ErrorRatePct, backend.Twice, false)
	t.MemoryPct = b.levels("memory_pct", r.MemoryPct, t.MemoryPct, backend.Capped, false)
	t.CPUPct = b.levels("cpu_pct", r.CPUPct, t.CPUPct, backend.Twice, false)
	t.DBPoolPct = b.levels("db_pool_pct", r.DBPoolPct, t.DBPoolPct, backend.Capped, false)
	dep := b.levels("dependency_success_pct", r.DependencySuccessPct, backend.Limit(t.DependencySuccessPct),
		func(n float64) backend.Limit { return backend.Limit(backend.FailuresTwice(n)) }, true)
	if dep.Warn > 100 || dep.Down > 100 {
		b.fail(b.at("thresholds", "dependency_success_pct"), "thresholds.dependency_success_pct: a success rate is at most 100")
	}
	t.DependencySuccessPct = backend.Floor(dep)
	return t
}

// levels reads thresholds.<key>: a number (short makes both levels of
// it) or a mapping setting one or both levels, the other keeping its
// default. Levels are numbers of 0 or more (0 turns a level off; a quoted
// "80" is text, not a number, and is refused), and down is no milder than warn; less says
// lower figures are worse (a success rate).
func (b *builder) levels(key string, r rawLevels, def backend.Limit, short func(float64) backend.Limit, less bool) backend.Limit {
	if isNull(r.node) {
		return def
	}
	if !b.isLevelMap(r.node) {
		if v, ok := b.number(r.node, key); ok {
			return short(v)
		}
		return def
	}
	out := def
	b.eachLevel(r.node, key, func(lk string, n ast.Node) {
		if v, ok := b.number(n, key+"."+lk); ok && lk == "warn" {
			out.Warn = v
		} else if ok {
			out.Down = v
		}
	})
	switch {
	case out.Warn == 0 || out.Down == 0: // a level that is off orders nothing
	case !less && out.Down < out.Warn:
		b.fail(posOf(r.node), "thresholds.%s: down %s is below warn %s; down is the worse level, at or above warn", key, num(out.Down), num(out.Warn))
	case less && out.Down > out.Warn:
		b.fail(posOf(r.node), "thresholds.%s: down %s is above warn %s; for a success rate the worse level is the lower one", key, num(out.Down), num(out.Warn))
	}
	return out
}

// p95 reads thresholds.p95_target: a duration (the warning level, down
// at twice it) or {warn: 500ms, down: 1s}.
func (b *builder) p95(r rawDurations, warn, down time.Duration) (time.Duration, time.Duration) {
	const key = "p95_target"
	if isNull(r.node) {
		return warn, down
	}
	if !b.isLevelMap(r.node) {
		if d, ok := b.durationNode(r.node, key); ok {
			return d, 2 * d
		}
		return warn, down
	}
	b.eachLevel(r.node, key, func(lk string, n ast.Node) {
		if d, ok := b.durationNode(n, key+"."+lk); ok && lk == "warn" {
			warn = d
		} else if ok {
			down = d
		}
	})
	if warn > 0 && down > 0 && down < warn {
		b.fail(posOf(r.node), "thresholds.%s: down %v is below warn %v; down is the worse level, at or above warn", key, down, warn)
	}
	return warn, down
}

func (b *builder) isLevelMap(n ast.Node) bool {
	switch unwrap(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return true
	}
	return false
}

// eachLevel calls f for the warn and down of a threshold mapping, and
// reports any other key.
func (b *builder) eachLevel(n ast.Node, key string, f func(level string, v ast.Node)) {
	for _, mv := range pairs(n) {
		switch k := keyText(mv.Key); k {
		case "warn", "down":
			if !isNull(mv.Value) {
				f(k, mv.Value)
			}
		default:
			b.fail(posOf(mv.Key), "thresholds.%s: unknown key %q; a threshold has warn and down%s", key, k, didYouMean(k, levelKeys))
		}
	}
}

// number is a threshold level: a YAML number of 0 or more.
func (b *builder) number(n ast.Node, key string) (float64, bool) {
	var v float64
	switch x := unwrap(n).(type) {
	case *ast.IntegerNode:
		switch i := x.Value.(type) {
		case int64:
			v = float64(i)
		case uint64:
			v = float64(i)
		}
	case *ast.FloatNode:
		v = x.Value
	case *ast.InfinityNode:
		v = x.Value
	case *ast.NanNode:
		v = math.NaN()
	default:
		if msg, q := quoted(x, reflect.Float64, "thresholds."+key); q {
			b.fail(posOf(n), "%s", msg)
		} else {
			b.fail(posOf(n), "thresholds.%s: expected a number or {warn: …, down: …}, got %s", key, describe(n))
		}
		return 0, false
	}
	if !finiteNonNegative(v) {
		b.fail(posOf(n), "%s must be a number of 0 or more (0 turns the check off), not %s", key, describe(n))
		return 0, false
	}
	return v, true
}

// durationNode is a p95 level: a duration of 0 or more.
func (b *builder) durationNode(n ast.Node, key string) (time.Duration, bool) {
	s, ok := unwrap(n).(*ast.StringNode)
	if !ok {
		b.fail(posOf(n), "thresholds.%s: expected a duration such as 500ms or {warn: 500ms, down: 1s}, got %s", key, describe(n))
		return 0, false
	}
	d, ok := b.durationAt(s.Value, key, posOf(n))
	if !ok {
		return 0, false
	}
	if d < 0 {
		b.fail(posOf(n), "%s must not be negative", key)
		return 0, false
	}
	return d, true
}

// num formats a level without trailing zeros: 80, 0.5.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
