package initconfig

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// serviceLabels are the labels tried as Prometheus' service label, the
// default first.
var serviceLabels = []string{"job", "service", "app", "application", "service_name"}

// ServiceLabel asks Prometheus (or a server with its API) the values of
// a few labels that commonly name a service, and returns the one holding
// the most of names, with how many; "" when none holds any (or the server
// does not answer). Each question is bounded by timeout.
func ServiceLabel(ctx context.Context, promURL string, names []string, timeout time.Duration) (label string, matched int) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, l := range serviceLabels {
		n := 0
		for _, v := range labelValues(ctx, promURL, l, timeout) {
			if want[v] {
				n++
			}
		}
		if n > matched {
			label, matched = l, n
		}
	}
	return label, matched
}

// labelValues is GET /api/v1/label/<l>/values; nil on any failure.
func labelValues(ctx context.Context, base, label string, timeout time.Duration) []string {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u := strings.TrimSuffix(base, "/") + "/api/v1/label/" + url.PathEscape(label) + "/values"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var doc struct {
		Status string   `json:"status"`
		Data   []string `json:"data"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&doc) != nil || doc.Status != "success" {
		return nil
	}
	return doc.Data
}

// serviceLabelNote is the comment above a service_label opsdeck init chose.
func serviceLabelNote(label string, matched, of int) string {
	return fmt.Sprintf("service_label guessed: %d of the %d services found are values of label %s", matched, of, label)
}
