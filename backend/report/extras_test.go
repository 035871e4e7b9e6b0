package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/backend/incident"
)

// blueGreen is the fleet of snapshot() with chat-backend's containers in
// two colours: blue v1.5.2 takes 90 % of the requests, the green canary
// v1.6.0 10 %.
func blueGreen() backend.Snapshot {
	s := snapshot()
	c := func(name, colour, v string, at time.Time) backend.Container {
		return backend.Container{Name: name, Colour: colour, Version: v, State: backend.StateRunning, Health: backend.HealthHealthy, StartedAt: at}
	}
	s.Services[0].Containers = []backend.Container{
		c("chat-backend-blue-1", "blue", "v1.5.2", now.Add(-3*time.Hour)),
		c("chat-backend-green-1", "green", "v1.6.0", now.Add(-10*time.Minute)),
	}
	s.Services[0].ColourMetrics = map[string]backend.Metrics{
		"blue":  {RPS: backend.Some(90), ErrorRatePct: backend.Some(0.05), P95MS: backend.Some(120)},
		"green": {RPS: backend.Some(10), ErrorRatePct: backend.Some(0.1), P95MS: backend.Some(850)},
	}
	return s
}

var chatSpec = deploy.Spec{Project: "chat", Service: "chat-backend",
	Gates: deploy.Gates{MaxErrorRatePct: 1, MaxP95: time.Second}, RollbackWindow: time.Hour}

// The report's deployments are the deployments screen's evaluation: the
// verdict, its reason and each colour's version, share and figures.
func TestDeploymentsAreEvaluatedAsOnScreen(t *testing.T) {
	s := blueGreen()
	st := deploy.Evaluate(chatSpec, s, nil, s.At)
	r := FromSnapshot(s).WithDeployments([]deploy.Spec{chatSpec}, s, nil)
	if len(r.Deployments) != 1 {
		t.Fatalf("deployments %+v", r.Deployments)
	}
	d := r.Deployments[0]
	if d.Verdict != string(st.Verdict) || d.Reason != st.Reason || d.Verdict != string(deploy.VerdictPromote) ||
		deref(d.Stable) != "blue" || deref(d.Candidate) != "green" || d.WindowLeftS != nil {
		t.Errorf("deployment %+v, the screen's %+v", d, st)
	}
	if len(d.Colours) != 2 {
		t.Fatalf("colours %+v", d.Colours)
	}
	for _, c := range d.Colours {
		e := st.Env(c.Colour)
		if deref(c.Version) != e.Version() || c.Up != e.Up || c.Total != e.Total || c.TrafficPct != e.Share ||
			c.ErrorRate != e.Metrics.ErrorRatePct || c.P95MS != e.Metrics.P95MS {
			t.Errorf("colour %+v, the screen's %+v", c, e)
		}
	}
	var out bytes.Buffer
	if err := r.WriteMarkdown(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## Deployments (blue/green)",
		"| chat | blue | v1.5.2 | 1/1 | 90% | 0.05 | 120 ms |",
		"|  | green | v1.6.0 | 1/1 | 10% | 0.10 | 850 ms |",
		"PROMOTE: " + md(st.Reason),
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, out.String())
		}
	}

	// Without deployments configured, neither the section nor a null.
	r = FromSnapshot(s).WithDeployments(nil, s, nil)
	b, _ := json.Marshal(r)
	out.Reset()
	_ = r.WriteMarkdown(&out)
	if !strings.Contains(string(b), `"deployments":[]`) || strings.Contains(out.String(), "Deployments") {
		t.Errorf("no deployments: %s\n%s", b, out.String())
	}
}

// The open incident's timeline is in the markdown report, its text made
// safe for a table cell; the JSON document stays the fleet's.
func TestOpenIncidentInTheMarkdown(t *testing.T) {
	inc := &incident.Incident{ID: "inc-1", Title: "Service Downtime - chat-backend", Started: now.Add(-5 * time.Minute),
		Status: incident.StatusInvestigating, Timeline: []incident.Event{
			{At: now.Add(-5 * time.Minute), Actor: "root", Kind: incident.EventStatus, Text: "opened"},
			{At: now.Add(-time.Minute), Actor: "root", Text: "restart chat-backend | failed\x1b[31m twice"},
		}}
	r := FromSnapshot(snapshot()).WithIncident(inc)
	var out bytes.Buffer
	if err := r.WriteMarkdown(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## Open incident: Service Downtime - chat-backend",
		"Status INVESTIGATING since 2026-11-26T11:55:00Z.",
		"| 11:55:00 | root | opened |",
		`| 11:59:00 | root | restart chat-backend \| failed`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("an escape sequence reached the report:\n%q", out.String())
	}
	b, _ := json.Marshal(r)
	if strings.Contains(string(b), "inc-1") || strings.Contains(string(b), "opened") {
		t.Errorf("the incident leaked into the JSON document: %s", b)
	}
}
