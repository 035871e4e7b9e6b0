package prom

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend"
)

// colourVector is an instant vector labelled by service and colour:
// triples of service, colour, value.
func colourVector(ts float64, triples ...string) reply {
	var items []string
	for i := 0; i+2 < len(triples); i += 3 {
		items = append(items, fmt.Sprintf(`{"metric":{"service":%q,"colour":%q},"value":[%s,%q]}`,
			triples[i], triples[i+1], fmtTS(ts), triples[i+2]))
	}
	return ok(`{"resultType":"vector","result":[` + strings.Join(items, ",") + `]}`)
}

// TestColourFigures: with a colour label, one query per canary figure
// brings every (service, colour); values join by both labels, seconds turn
// into milliseconds, a colour absent from a figure is missing, not 0, and
// the number of requests stays independent of the fleet size.
func TestColourFigures(t *testing.T) {
	var counts []int
	for _, n := range []int{2, 200} {
		f := newFake(t)
		cfg := Config{ServiceLabel: "service", ColourLabel: "colour"}
		var rps, errs []string
		for i := range n {
			svc := fmt.Sprintf("svc-%03d", i)
			rps = append(rps, svc, "blue", "90", svc, "green", "10")
			errs = append(errs, svc, "blue", "0.1") // green has no error figure
		}
		s := newSource(t, f, cfg)
		if !strings.Contains(exprOf(t, s, keyColourRPS), `sum by (service, colour)`) ||
			!strings.Contains(exprOf(t, s, keyColourRPS), `{colour!=""}`) {
			t.Fatalf("rendered colour rps: %s", exprOf(t, s, keyColourRPS))
		}
		f.set(exprOf(t, s, keyColourRPS), colourVector(nowTS, rps...))
		f.set(exprOf(t, s, keyColourErrorRate), colourVector(nowTS, errs...))
		f.set(exprOf(t, s, keyColourP95), colourVector(nowTS, "svc-000", "green", "0.85", "svc-000", "", "9"))
		// The first fetch asks each figure alone, the second the instant
		// ones together (and reuses the history: same step): both join
		// the same way.
		for fetch, want := range []int{22, 2} {
			before, _ := f.stats()
			part, err := s.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			checkColours(t, n, part)
			reqs, _ := f.stats()
			if reqs-before != want {
				t.Errorf("%d services, fetch %d: %d requests, want %d (19 + 3 colour figures alone, then 2)", n, fetch+1, reqs-before, want)
			}
			counts = append(counts, reqs-before)
		}
		if f.combined() != 1 {
			t.Errorf("%d services: %d combined requests, want 1", n, f.combined())
		}
	}
	if !slices.Equal(counts[:2], counts[2:]) {
		t.Errorf("requests grow with the fleet: %v", counts)
	}
}

func checkColours(t *testing.T, n int, part backend.Partial) {
	t.Helper()
	if len(part.ColourMetrics) != n {
		t.Fatalf("%d services: colour metrics for %d", n, len(part.ColourMetrics))
	}
	g := part.ColourMetrics["svc-000"]["green"]
	b := part.ColourMetrics["svc-000"]["blue"]
	if g.RPS.V != 10 || !g.P95MS.Valid || g.P95MS.V != 850 || g.ErrorRatePct.Valid {
		t.Errorf("green %+v", g)
	}
	if b.RPS.V != 90 || b.ErrorRatePct.V != 0.1 || b.P95MS.Valid {
		t.Errorf("blue %+v", b)
	}
	if _, ok := part.ColourMetrics["svc-000"][""]; ok {
		t.Error("a series without colour became a colour")
	}
}

func TestColourLabelChecked(t *testing.T) {
	for _, l := range []string{"col-our", "service"} {
		if _, err := New(Config{URL: "http://127.0.0.1:9", ServiceLabel: "service", ColourLabel: l}); err == nil {
			t.Errorf("colour label %q accepted", l)
		}
	}
	s, err := New(Config{URL: "http://127.0.0.1:9"})
	if err != nil || s.QueryCount() != 19 {
		t.Fatalf("without colour label: %d queries, %v", s.QueryCount(), err)
	}
}
