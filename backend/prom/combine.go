package prom

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"golang.org/x/sync/errgroup"
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

// plan sorts the figures of a fetch at now: those asked in the combined
// request, those asked alone, and those whose slow answer is reused (put
// into results here). A combination of one is asked alone.
func (s *Source) plan(now time.Time, results []model.Value) (together, alone []int, reused []bool) {
	reused = make([]bool, len(s.figures))
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.figures {
		if v, ok := s.slow.get(f.key, now); ok {
			results[i], reused[i] = v, true
			continue
		}
		if s.combines(i, now) {
			together = append(together, i)
		} else {
			alone = append(alone, i)
		}
	}
	if len(together) == 1 {
		alone, together = append(alone, together...), nil
	}
	return together, alone, reused
}

// combines reports whether figure i travels in the combined request at
// now. s.mu must be held.
func (s *Source) combines(i int, now time.Time) bool {
	return s.shapes[i] == shapeVector && !now.Before(s.combineOffUntil)
}

// askAlone evaluates one figure and records the shape of its answer; a
// failed figure is asked alone until it answers.
func (s *Source) askAlone(ctx context.Context, i int, now time.Time, timeout time.Duration, cv *caveats) (model.Value, error) {
	v, _, rm, err := s.query.instant(ctx, s.figures[i].expr, now, timeout, 0)
	cv.add(rm, feedOf(s.figures[i].kind))
	sh := shapeUnknown
	if err == nil {
		sh = shapeOf(v)
	}
	s.mu.Lock()
	s.shapes[i] = sh
	s.mu.Unlock()
	return v, err
}

// askTogether evaluates the figures idx in one combined request and files
// the answer into results.
func (s *Source) askTogether(ctx context.Context, idx []int, now time.Time, timeout time.Duration, results []model.Value, cv *caveats) error {
	figs := make([]figure, len(idx))
	for k, i := range idx {
		figs[k] = s.figures[i]
	}
	v, size, rm, err := s.query.instant(ctx, combinedExpr(figs), now, timeout, s.combinedSize)
	if err != nil {
		return err
	}
	cv.add(rm, s.feedsOf(idx)...)
	s.combinedSize = size
	vecs, err := splitCombined(v, figs)
	if err != nil {
		return err
	}
	for k, i := range idx {
		results[i] = vecs[k]
	}
	return nil
}

// fallBack handles a failed combined request. When the query is to blame
// it asks each of its figures alone, so the answers that can arrive do and
// the error names the figure at fault; if none is, the server refuses the
// combination itself and combining is switched off for combineRetry.
// Otherwise (unreachable, timed out) every figure of it failed for that
// reason.
func (s *Source) fallBack(ctx context.Context, idx []int, cause error, now time.Time, timeout time.Duration, results []model.Value, failed []error, cv *caveats) {
	if !blamesTheQuery(cause) {
		for _, i := range idx {
			failed[i] = cause
		}
		return
	}
	g := new(errgroup.Group)
	g.SetLimit(Concurrency)
	for _, i := range idx {
		g.Go(func() error {
			results[i], failed[i] = s.askAlone(ctx, i, now, timeout, cv)
			return nil
		})
	}
	_ = g.Wait()
	for _, i := range idx {
		if failed[i] != nil || shapeOf(results[i]) != shapeVector {
			return
		}
	}
	s.mu.Lock()
	s.combineOffUntil = now.Add(combineRetry)
	s.mu.Unlock()
}
