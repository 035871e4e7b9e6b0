package sim

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// matchPrefix marks an action parameter that is a silence matcher, as
// backend/alertmanager reads them: Params["match.service"] = "chat-web".
const matchPrefix = "match."

// silence is one silence made in the demo, with its matchers by label.
type silence struct {
	backend.Silence
	match map[string]string
}

// matchers are the silence matchers of an action's parameters.
func matchers(a backend.Action) map[string]string {
	m := map[string]string{}
	for k, v := range a.Params {
		if name, ok := strings.CutPrefix(k, matchPrefix); ok {
			m[name] = v
		}
	}
	return m
}

// matcherText lists matchers as "alertname=HighMemoryUsage service=picture-backend".
func matcherText(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, " ")
}

// state is a silence's state at t, as Alertmanager computes it.
func (s silence) state(t time.Time) string {
	switch {
	case !t.Before(s.EndsAt):
		return "expired"
	case t.Before(s.StartsAt):
		return "pending"
	}
	return "active"
}

// silence records the silence an action asked for, from at.
func (f *Fleet) silence(a backend.Action, at time.Time) {
	d, _ := time.ParseDuration(a.Params["duration"])
	m := matchers(a)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.silenced = append(f.silenced, silence{match: m, Silence: backend.Silence{
		ID: fmt.Sprintf("sim-%d", len(f.silenced)+1), Matchers: matcherText(m), CreatedBy: a.Actor.User,
		Comment: a.Params["comment"], StartsAt: at, EndsAt: at.Add(d)}})
}

// expire ends silence id at at.
func (f *Fleet) expire(id string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.silenced {
		if s := &f.silenced[i]; s.ID == id && s.state(at) != "expired" {
			s.EndsAt = at
		}
	}
}

// findSilence is silence id as it stands at t.
func (f *Fleet) findSilence(id string, t time.Time) (backend.Silence, bool) {
	for _, s := range f.listSilences(t) {
		if s.ID == id {
			return s, true
		}
	}
	return backend.Silence{}, false
}

// listSilences are the demo's silences at t, newest first.
func (f *Fleet) listSilences(t time.Time) []backend.Silence {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]backend.Silence, len(f.silenced))
	for i, s := range f.silenced {
		out[len(out)-1-i] = s.Silence
		out[len(out)-1-i].State = s.state(t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].State == "active" && out[j].State != "active" })
	return out
}

// mute marks the alerts an active silence matches (every matcher equal to
// the alert's label) as silenced, until the last such silence ends.
func (f *Fleet) mute(t time.Time, alerts []backend.Alert) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range alerts {
		a := &alerts[i]
		for _, s := range f.silenced {
			if s.state(t) != "active" || len(s.match) == 0 || !matches(s.match, a.Labels) {
				continue
			}
			a.State = backend.AlertSilenced
			if s.EndsAt.After(a.SilencedUntil) {
				a.SilencedUntil = s.EndsAt
			}
		}
	}
}

func matches(m, labels map[string]string) bool {
	for k, v := range m {
		if labels[k] != v {
			return false
		}
	}
	return true
}
