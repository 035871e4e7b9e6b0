//go:build integration

package alertmanager

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
)

func tbClient(t *testing.T) (*Client, string) {
	t.Helper()
	env := testbed.Need(t, testbed.AlertmanagerURL)
	u, err := url.Parse(env[testbed.AlertmanagerURL])
	if err != nil {
		t.Fatal(err)
	}
	testbed.Loopback(t, u.Host)
	c, err := New(Config{URL: env[testbed.AlertmanagerURL]})
	if err != nil {
		t.Fatal(err)
	}
	return c, u.Host
}

func TestIntegrationAlertmanagerShowsTestbedAlerts(t *testing.T) {
	c, _ := tbClient(t)
	// Rules are evaluated every 5 s and sent on; a young bed may need a moment.
	var part backend.Partial
	var always, errRate *backend.Alert
	testbed.Eventually(t, 60*time.Second, "test bed alerts", func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var err error
		part, err = c.Fetch(ctx)
		always, errRate = nil, nil
		for i, a := range part.Alerts {
			switch {
			case a.Name == "TestbedAlwaysFiring":
				always = &part.Alerts[i]
			case a.Name == "FleetHighErrorRate" && a.Service == "picture-backend":
				errRate = &part.Alerts[i]
			}
		}
		return err == nil && always != nil && errRate != nil, fmt.Sprintf("err %v; alerts %+v", err, part.Alerts)
	})
	if always.Severity != backend.SeverityInfo || always.State != backend.AlertFiring || always.Summary != "test bed alert" || always.Since.IsZero() {
		t.Errorf("TestbedAlwaysFiring: %+v", *always)
	}
	if errRate.Severity != backend.SeverityWarning || !strings.HasPrefix(errRate.Summary, "High Error Rate") {
		t.Errorf("FleetHighErrorRate: %+v", *errRate)
	}
	// Sorted: warning before info.
	for i := 1; i < len(part.Alerts); i++ {
		if severityRankForTest(part.Alerts[i-1].Severity) > severityRankForTest(part.Alerts[i].Severity) {
			t.Errorf("not sorted by severity: %+v", part.Alerts)
		}
	}
}

func severityRankForTest(s backend.Severity) int {
	return map[backend.Severity]int{backend.SeverityCritical: 0, backend.SeverityWarning: 1, backend.SeverityInfo: 2}[s]
}

// TestIntegrationSilenceListExpire uses a matcher no alert has, so the
// silence never hides the test bed's alerts from tests running alongside.
func TestIntegrationSilenceListExpire(t *testing.T) {
	c, host := tbClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	marker := fmt.Sprintf("it-%d-%d", os.Getpid(), time.Now().UnixNano())
	matchers := map[string]string{"alertname": "TestbedAlwaysFiring", "opsdeck_test": marker}
	id, err := c.Silence(ctx, matchers, 10*time.Minute, "opsdeck/integration-test", "backend/alertmanager integration test "+marker)
	if err != nil {
		t.Fatal(err)
	}
	expired := false
	t.Cleanup(func() {
		if !expired {
			_ = c.Expire(context.Background(), id)
		}
	})

	find := func() *Silence {
		t.Helper()
		ss, err := c.Silences(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ss {
			if ss[i].ID == id {
				return &ss[i]
			}
		}
		return nil
	}
	s := find()
	if s == nil {
		t.Fatalf("silence %s not listed", id)
	}
	if s.State != "active" || s.CreatedBy != "opsdeck/integration-test" || len(s.Matchers) != 2 ||
		s.Matchers[0].Name != "alertname" || s.Matchers[1].Value != marker || !s.Matchers[1].IsEqual || s.Matchers[1].IsRegex {
		t.Errorf("listed silence: %+v", *s)
	}
	if d := s.EndsAt.Sub(s.StartsAt); d < 9*time.Minute || d > 11*time.Minute {
		t.Errorf("silence lasts %s, want 10m", d)
	}

	if err := c.Expire(ctx, id); err != nil {
		t.Fatal(err)
	}
	expired = true
	if s := find(); s == nil || s.State != "expired" {
		t.Errorf("after expire: %+v", s)
	}

	// Expiring again is harmless (Alertmanager 0.25 accepts it); an
	// unknown ID is ErrNotFound, in words.
	if err := c.Expire(ctx, id); err != nil {
		t.Logf("expire twice: %v", err)
	}
	err = c.Expire(ctx, "00000000-0000-4000-8000-000000000000")
	if !errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), "alertmanager "+host+": expire: ") {
		t.Errorf("unknown id: %v", err)
	}

	// Alertmanager's own validation comes back readable too.
	_, err = c.Silence(ctx, map[string]string{"opsdeck_test": ""}, time.Minute, "opsdeck/integration-test", "matches everything")
	if err == nil || !strings.HasPrefix(err.Error(), "alertmanager "+host+": silence: 400 Bad Request: ") {
		t.Errorf("invalid silence: %v", err)
	}
	t.Logf("invalid silence: %v", err)
}

// An alert a silence matches stays listed, silenced until the silence
// ends; once the silence is expired it fires again, and the plan of a
// second expiry refuses. The alert is this test's own (posted with a
// unique label, ending within minutes), so no other test's alert is muted.
func TestIntegrationSilencedAlertIsShownSilenced(t *testing.T) {
	c, _ := tbClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	marker := fmt.Sprintf("it-%d-%d", os.Getpid(), time.Now().UnixNano())
	now := time.Now().UTC()
	alert := []map[string]any{{
		"labels":      map[string]string{"alertname": "OpsdeckSilenceTest", "severity": "info", "opsdeck_test": marker},
		"annotations": map[string]string{"summary": "opsdeck integration test " + marker},
		"startsAt":    now, "endsAt": now.Add(3 * time.Minute),
	}}
	if err := c.do(ctx, "post alert", "POST", c.endpoint(nil, "alerts"), alert, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // resolve it: other tests list the bed's alerts
		alert[0]["endsAt"] = time.Now().UTC()
		_ = c.do(context.Background(), "resolve alert", "POST", c.endpoint(nil, "alerts"), alert, nil)
	})
	find := func() *backend.Alert {
		part, err := c.Fetch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range part.Alerts {
			if a.Labels["opsdeck_test"] == marker {
				return &part.Alerts[i]
			}
		}
		return nil
	}
	testbed.Eventually(t, 20*time.Second, "the posted alert firing", func() (bool, string) {
		a := find()
		return a != nil && a.State == backend.AlertFiring, fmt.Sprintf("%+v", a)
	})
	id, err := c.Silence(ctx, map[string]string{"opsdeck_test": marker}, 10*time.Minute, "opsdeck/integration-test", "silenced alert test "+marker)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Expire(context.Background(), id) })
	s, err := c.GetSilence(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	testbed.Eventually(t, 20*time.Second, "the alert silenced until the silence ends", func() (bool, string) {
		a := find()
		return a != nil && a.State == backend.AlertSilenced && a.SilencedUntil.Equal(s.EndsAt), fmt.Sprintf("%+v, silence ends %v", a, s.EndsAt)
	})
	if err := c.Expire(ctx, id); err != nil {
		t.Fatal(err)
	}
	testbed.Eventually(t, 20*time.Second, "the alert firing again", func() (bool, string) {
		a := find()
		return a != nil && a.State == backend.AlertFiring, fmt.Sprintf("%+v", a)
	})
	x := &Executor{Client: c}
	_, err = x.Plan(ctx, backend.Action{Kind: backend.ActKindExpire, Target: id})
	if err == nil || !strings.Contains(err.Error(), "already: nothing to expire") {
		t.Fatalf("plan of a second expiry: %v", err)
	}
}
