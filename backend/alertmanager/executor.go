package alertmanager

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// MatchPrefix marks the action parameters that are silence matchers:
// Params["match.alertname"] = "HighMemory".
const MatchPrefix = "match."

// maxSilence bounds a silence, so a typo cannot mute an alert for a month.
var maxSilence = 7 * 24 * time.Hour

// Executor silences alerts and expires silences (kinds silence, expire).
type Executor struct {
	Client *Client
	// Timeout bounds one API call; the action's plan uses it too.
	Timeout time.Duration
}

var _ backend.ActionExecutor = (*Executor)(nil)

// SilenceDurations are offered in the silence form, shortest first.
var SilenceDurations = []string{"1h", "2h", "4h", "8h", "24h"}

func (x *Executor) timeout() time.Duration {
	if x.Timeout > 0 {
		return x.Timeout
	}
	return 15 * time.Second
}

// matchers extracts the silence matchers from an action's parameters.
func matchers(a backend.Action) map[string]string {
	m := map[string]string{}
	for k, v := range a.Params {
		if name, ok := strings.CutPrefix(k, MatchPrefix); ok {
			m[name] = v
		}
	}
	return m
}

// Plan checks the parameters and states the silence (every matcher, how
// long and until when, by whom and why) or the expiry, which it refuses
// for a silence that has ended already.
func (x *Executor) Plan(ctx context.Context, a backend.Action) (backend.Plan, error) {
	p := backend.Plan{Action: a, Timeout: x.timeout()}
	where := "alertmanager " + x.Client.base.Host
	switch a.Kind {
	case backend.ActKindSilence:
		m := matchers(a)
		if len(m) == 0 {
			return p, fmt.Errorf("silence %s: no label matchers", a.Target)
		}
		d, err := time.ParseDuration(a.Params["duration"])
		if err != nil || d <= 0 || d > maxSilence {
			return p, fmt.Errorf("silence duration %q: want a duration from 1m to %s, e.g. 2h", a.Params["duration"], maxSilence)
		}
		if strings.TrimSpace(a.Params["comment"]) == "" {
			return p, fmt.Errorf("silence %s: a comment is required (why it is muted)", a.Target)
		}
		p.Steps = backend.SilenceSteps(where, m, d, x.Client.now(), a.Actor.User, a.Params["comment"])
	case backend.ActKindExpire:
		if !silenceID.MatchString(a.Target) {
			return p, fmt.Errorf("%q is not a silence ID", a.Target)
		}
		ctx, cancel := context.WithTimeout(ctx, x.timeout())
		defer cancel()
		s, err := x.Client.GetSilence(ctx, a.Target)
		if err != nil {
			return p, err
		}
		if s.State == "expired" {
			return p, fmt.Errorf("expired at %s already: nothing to expire", s.EndsAt.UTC().Format("2006-01-02 15:04 UTC"))
		}
		p.Steps = []string{fmt.Sprintf("%s: expire silence %s now", where, a.Target), "it matches " + describeMatchers(s.Matchers)}
	default:
		return p, fmt.Errorf("alertmanager cannot %s", a.Kind)
	}
	return p, nil
}

// Execute creates the silence or expires it.
func (x *Executor) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	a := p.Action
	info := func(s string) { out(backend.OutputLine{At: time.Now(), Stream: "info", Text: s}) }
	switch a.Kind {
	case backend.ActKindSilence:
		d, err := time.ParseDuration(a.Params["duration"])
		if err != nil {
			return err
		}
		id, err := x.Client.Silence(ctx, matchers(a), d, a.Actor.User, a.Params["comment"])
		if err != nil {
			return err
		}
		info("silence " + id + " created, until " + time.Now().Add(d).UTC().Format("2006-01-02 15:04 UTC"))
		return nil
	case backend.ActKindExpire:
		if err := x.Client.Expire(ctx, a.Target); err != nil {
			return err
		}
		info("silence " + a.Target + " expired")
		return nil
	}
	return fmt.Errorf("alertmanager cannot %s", a.Kind)
}

// describeMatchers writes matchers as Alertmanager does: name=value,
// name=~regex, name!=value, name!~regex.
func describeMatchers(ms []Matcher) string {
	parts := make([]string, len(ms))
	for j, m := range ms {
		op := "="
		switch {
		case m.IsRegex && m.IsEqual:
			op = "=~"
		case m.IsRegex:
			op = "!~"
		case !m.IsEqual:
			op = "!="
		}
		parts[j] = m.Name + op + m.Value
	}
	return strings.Join(parts, " ")
}

// Lister adapts the client to backend.SilenceLister.
type Lister struct{ Client *Client }

// Silences lists every silence, active first.
func (l Lister) Silences(ctx context.Context) ([]backend.Silence, error) {
	ss, err := l.Client.Silences(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]backend.Silence, len(ss))
	for i, s := range ss {
		out[i] = backend.Silence{ID: s.ID, Matchers: describeMatchers(s.Matchers), CreatedBy: s.CreatedBy,
			Comment: s.Comment, StartsAt: s.StartsAt, EndsAt: s.EndsAt, State: s.State}
	}
	return out, nil
}
