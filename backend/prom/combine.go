package prom

import (
	"errors"
	"fmt"
	"strings"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// Every figure whose answer is an instant vector rides in one combined
// request per refresh instead of one request each: seventeen HTTP round
// trips every two seconds were most of what an idle console cost on a
// real fleet. Each figure is tagged with its key by label_replace and the
// tagged vectors are joined with "or"; no series of one figure can match
// a series of another, since the tag differs, so "or" keeps them all, and
// the answer is split back by the tag.
//
// Which figures are instant vectors is learned, not assumed: a figure is
// asked alone until it has answered once (a range vector such as the
// default dep_up, or a scalar, cannot go through label_replace and stays
// alone). If the combined request fails for a reason of the query — one
// figure cannot be evaluated, or a proxy refuses the long query — the
// figures are asked alone in the same refresh, which says which one is at
// fault; that one is asked alone until it answers again. If every figure
// then answers alone, combining is what fails on this server, and it is
// switched off for combineRetry.

// figureLabel carries a figure's key through the combined request.
const figureLabel = "opsdeck_figure"

// combineRetry is how long combining stays off after the server refused a
// combination whose figures all answer alone.
const combineRetry = 10 * time.Minute

// shape is what a figure's answer is, as last seen asking it alone.
type shape uint8

const (
	shapeUnknown shape = iota // not answered yet, or failed: asked alone
	shapeVector               // an instant vector: asked in the combined request
	shapeOther                // a range vector or a scalar: always asked alone
)

func shapeOf(v model.Value) shape {
	if _, ok := v.(model.Vector); ok {
		return shapeVector
	}
	return shapeOther
}

// combinedExpr is the PromQL of one combined request. Each figure's
// expression ends on a line of its own, so a "# comment" at the end of an
// operator's query cannot swallow the rest.
func combinedExpr(figs []figure) string {
	var b strings.Builder
	for i, f := range figs {
		if i > 0 {
			b.WriteString(" or ")
		}
		fmt.Fprintf(&b, "label_replace(%s\n, %q, %q, \"\", \"\")", f.expr, figureLabel, f.key)
	}
	return b.String()
}

// splitCombined files each series of a combined answer under its figure,
// without the tag. Every figure gets a vector, empty when no series
// carried its key; a series without a known tag is dropped.
func splitCombined(v model.Value, figs []figure) ([]model.Vector, error) {
	vec, ok := v.(model.Vector)
	if !ok && v != nil {
		return nil, &v1.Error{Type: v1.ErrBadResponse, Msg: fmt.Sprintf("combined query answered a %s, want a vector", v.Type())}
	}
	pos := make(map[model.LabelValue]int, len(figs))
	for i, f := range figs {
		pos[model.LabelValue(f.key)] = i
	}
	out := make([]model.Vector, len(figs))
	for i := range out {
		out[i] = model.Vector{}
	}
	for _, smp := range vec {
		i, ok := pos[smp.Metric[figureLabel]]
		if !ok {
			continue
		}
		delete(smp.Metric, figureLabel)
		out[i] = append(out[i], smp)
	}
	return out, nil
}

// blamesTheQuery reports whether a combined request failed because of
// what it asked (a figure Prometheus cannot parse or evaluate, a request a
// proxy refuses) rather than because the server could not be reached or
// answered in time, which asking each figure alone would only repeat.
func blamesTheQuery(err error) bool {
	var e *v1.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Type {
	case v1.ErrBadData, v1.ErrExec, v1.ErrClient:
		return true
	}
	return false
}
