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
