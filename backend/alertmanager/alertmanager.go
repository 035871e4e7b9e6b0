// Package alertmanager is a backend.Source over the Alertmanager API v2
// (active alerts), plus the silence calls the incident actions need.
//
// It uses plain net/http and encoding/json rather than the go-swagger
// client: four calls do not justify the go-openapi dependency tree, and a
// lenient decoder (unknown fields ignored) survives Alertmanager upgrades.
// API v1 was removed in Alertmanager 0.27, so v2 is the only option.
package alertmanager

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Config describes one Alertmanager.
type Config struct {
	Name string // source name, default "alertmanager"
	URL  string // e.g. http://127.0.0.1:9093 (a path prefix is kept)
	// Client sends every request: httpclient.New's, with the source's
	// auth and TLS settings; nil is a plain client.
	Client *http.Client
	// Auth says what Client authenticates with (config.HTTP.Auth), for
	// the error of a 401 or 403.
	Auth string
}

// Client talks to one Alertmanager. It holds no mutable state, so it is
// safe for concurrent use.
type Client struct {
	name string
	base *url.URL
	http *http.Client
	auth string // Config.Auth
	now  func() time.Time
}

var _ backend.Source = (*Client)(nil)

// New validates the config; it does not touch the network.
func New(cfg Config) (*Client, error) {
	if cfg.Name == "" {
		cfg.Name = "alertmanager"
	}
	u, err := url.Parse(strings.TrimSpace(cfg.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("alertmanager url %q: want http://host:port or https://host:port", cfg.URL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("alertmanager url %q: a query or fragment is not allowed", cfg.URL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	hc := cfg.Client
	if hc == nil {
		// No client timeout: every call is bounded by its ctx.
		hc = &http.Client{}
	}
	return &Client{name: cfg.Name, base: u, http: hc, auth: cfg.Auth, now: time.Now}, nil
}

// Name implements backend.Source.
func (c *Client) Name() string { return c.name }

// Kind implements backend.Source.
func (c *Client) Kind() string { return "alertmanager" }

// Feeds implements backend.Source.
func (c *Client) Feeds() []backend.Feed { return []backend.Feed{backend.FeedAlerts} }

// apiAlert is the part of a gettableAlert the console reads.
type apiAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	Status      struct {
		State      string   `json:"state"` // unprocessed | active | suppressed
		SilencedBy []string `json:"silencedBy"`
	} `json:"status"`
}

// Fetch implements backend.Source: the alerts that are firing and not
// inhibited, most urgent first. A silenced alert is kept, marked silenced
// until its silence ends: an engineer must see that it is muted, not
// believe it stopped.
func (c *Client) Fetch(ctx context.Context) (backend.Partial, error) {
	q := url.Values{"active": {"true"}, "silenced": {"true"}, "inhibited": {"false"}}
	var items []apiAlert
	if err := c.do(ctx, "alerts", http.MethodGet, c.endpoint(q, "alerts"), nil, &items); err != nil {
		return backend.Partial{}, err
	}
	out := make([]backend.Alert, 0, len(items))
	var silencedBy [][]string // of each alert in out
	for _, a := range items {
		if len(a.Status.SilencedBy) == 0 && a.Status.State == "suppressed" {
			continue // muted by a time interval: Alertmanager still lists it
		}
		al := convert(a)
		if len(a.Status.SilencedBy) > 0 {
			al.State = backend.AlertSilenced
		}
		out = append(out, al)
		silencedBy = append(silencedBy, a.Status.SilencedBy)
	}
	c.silencedUntil(ctx, out, silencedBy)
	backend.SortAlerts(out)
	return backend.Partial{Alerts: out}, nil
}

// silencedUntil sets when each silenced alert's last silence ends. The
// silences are asked only when an alert is silenced; when they cannot be
// listed the alerts stay silenced without an end, rather than the whole
// fetch failing.
func (c *Client) silencedUntil(ctx context.Context, alerts []backend.Alert, by [][]string) {
	var ends map[string]time.Time
	for i := range alerts {
		for _, id := range by[i] {
			if ends == nil {
				ends = map[string]time.Time{}
				ss, err := c.Silences(ctx)
				if err != nil {
					return
				}
				for _, s := range ss {
					ends[s.ID] = s.EndsAt
				}
			}
			if e := ends[id]; e.After(alerts[i].SilencedUntil) {
				alerts[i].SilencedUntil = e
			}
		}
	}
}

func convert(a apiAlert) backend.Alert {
	l, an := a.Labels, a.Annotations
	return backend.Alert{
		Name:     l["alertname"],
		Severity: severity(l["severity"]),
		Service:  first(l["service"], l["job"]),
		Summary:  first(an["summary"], an["description"], l["alertname"]),
		// Alertmanager only receives alerts Prometheus fires; pending
		// ones never leave Prometheus.
		State:       backend.AlertFiring,
		Since:       a.StartsAt,
		Labels:      l,
		Annotations: an,
	}
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

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
