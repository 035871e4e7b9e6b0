package deploys

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/views/kit"
)

// The steps of the seed's flow before a promote, as the tab watches them:
// the monitor clock (restarted by a gate break the tab sees), the new
// colour's health URLs (checked every healthRefresh while a canary takes
// part of the traffic) and the migration (from the audit log).

// healthRefresh is how often a canary's health URLs are checked again;
// healthTimeout bounds one round.
const (
	healthRefresh = 10 * time.Second
	healthTimeout = 10 * time.Second
)

// healthRead is one check of a project's new colour.
type healthRead struct {
	project string
	run     deploy.HealthRun
}

// watchOf is the project's watch, begun now when first asked for.
func (v *Deploys) watchOf(project string, now time.Time) *deploy.Watch {
	w, ok := v.watch[project]
	if !ok {
		w = &deploy.Watch{Since: now}
		v.watch[project] = w
	}
	return w
}

// watchGap is the longest pause between evaluations that still counts as
// watching: a shown tab evaluates every second (its tick) and on every
// snapshot, a hidden one not at all.
const watchGap = 5 * time.Second

// rewatch notes a pause in the watching (the tab was hidden): a gate break
// in it would not have been seen, so each watch starts over at now.
func (v *Deploys) rewatch(now time.Time) {
	if !v.lastEval.IsZero() && now.Sub(v.lastEval) > watchGap {
		for _, w := range v.watch {
			w.Since = now
		}
	}
	v.lastEval = now
}

// healthRequests checks the new colour of every project in a canary
// whose last check is older than healthRefresh and none is running.
func (v *Deploys) healthRequests() tea.Cmd {
	check := v.C.Deps.Targets
	if check == nil {
		return nil
	}
	now := v.C.Now()
	var cmds []tea.Cmd
	for _, spec := range v.C.Deployments {
		st := v.status[spec.Project]
		h := st.Health
		if !st.Monitor.Active || len(h.Targets) == 0 || v.checking[spec.Project] {
			continue
		}
		if last, ok := v.healthAsked[spec.Project]; ok && now.Sub(last) < healthRefresh {
			continue
		}
		v.checking[spec.Project], v.healthAsked[spec.Project] = true, now
		project, colour, targets := spec.Project, h.Colour, h.Targets
		cmds = append(cmds, kit.Ask(v.ID(), healthTimeout, func(ctx context.Context) tea.Msg {
			return healthRead{project: project, run: deploy.HealthRun{Colour: colour, At: now, Results: check.CheckTargets(ctx, targets)}}
		}))
	}
	return tea.Batch(cmds...)
}

// flowLines are the monitor, health and migration steps of a canary, one
// line each; empty without a canary, the migration's empty when none is
// configured.
func (v *Deploys) flowLines(project string, st deploy.Status) [3]string {
	var out [3]string
	if !st.Monitor.Active {
		return out
	}
	t := v.C.Theme
	step := func(style lipgloss.Style, mark, name, text string) string {
		return kit.FitLine(style.Render(fmt.Sprintf(" %s %-8s ", mark, name))+t.Text.Render(kit.Sanitize(text)), v.width)
	}
	m := st.Monitor
	switch {
	case m.Broken:
		out[0] = step(t.Down, "✖", "monitor", fmt.Sprintf("clock stopped: the gates must hold %s from when they pass again", m.Period))
	case m.Left > 0:
		out[0] = step(t.Warn, "◷", "monitor", fmt.Sprintf("%s left of %s · gates holding since %s", deploy.Countdown(m.Left), m.Period, clock(m.Since)))
	default:
		out[0] = step(t.OK, "✔", "monitor", fmt.Sprintf("gates held %s (since %s)", m.Period, clock(m.Since)))
	}
	if w := v.watch[project]; w != nil && !m.Broken && m.Since.Before(w.Since) {
		// Before that only the audit log and the containers tell.
		out[0] = kit.FitLine(out[0]+t.Subtle.Render(" · watched here since "+clock(w.Since)), v.width)
	}
	out[1] = v.healthLine(st.Health, step)
	mg := st.Migration
	switch mg.State() {
	case deploy.StepPending:
		out[2] = step(t.Subtle, "○", "migrate", fmt.Sprintf("not run for %s · M runs %s", st.Candidate, mg.Command))
	case deploy.StepRunning:
		out[2] = step(t.Warn, "◷", "migrate", fmt.Sprintf("running since %s (%s)", clock(mg.Last.At), kit.OrDash(mg.Last.User)))
	case deploy.StepOK:
		out[2] = step(t.OK, "✔", "migrate", fmt.Sprintf("done at %s by %s", clock(mg.Last.Done), kit.OrDash(mg.Last.User)))
	case deploy.StepFailed:
		out[2] = step(t.Down, "✖", "migrate", fmt.Sprintf("%s at %s by %s · M runs it again", mg.Last.Result, clock(mg.Last.At), kit.OrDash(mg.Last.User)))
	}
	return out
}

func (v *Deploys) healthLine(h deploy.HealthStep, step func(lipgloss.Style, string, string, string) string) string {
	t := v.C.Theme
	name := "health"
	colour := upper(h.Colour)
	switch h.State() {
	case deploy.StepNone:
		return step(t.Subtle, "–", name, fmt.Sprintf("%s: no health URL (deployments[].health_urls.%s)", colour, h.Colour))
	case deploy.StepPending:
		if v.C.Deps.Targets == nil {
			return step(t.Warn, "○", name, colour+": no health checker in this console")
		}
		return step(t.Warn, "○", name, fmt.Sprintf("%s: checking %s", colour, h.Targets[0].URL))
	case deploy.StepFailed:
		r, _ := h.Failing()
		return step(t.Down, "✖", name, fmt.Sprintf("%s %s: %s · %s", colour, r.Target.URL, deploy.Why(r), clock(h.Run.At)))
	}
	r := h.Run.Results[0]
	text := fmt.Sprintf("%s %s: HTTP %d in %s · %s", colour, r.Target.URL, r.Code, r.Latency.Round(time.Millisecond), clock(h.Run.At))
	if n := len(h.Run.Results); n > 1 {
		text = fmt.Sprintf("%s %d/%d URLs healthy · %s", colour, n, n, clock(h.Run.At))
	}
	return step(t.OK, "✔", name, text)
}

// healthRecorded keeps a finished check.
func (v *Deploys) healthRecorded(msg healthRead) {
	v.checking[msg.project] = false
	run := msg.run
	v.watchOf(msg.project, v.C.Now()).Health = &run
}

func clock(t time.Time) string {
	if t.IsZero() {
		return kit.Dash
	}
	return t.UTC().Format("15:04:05")
}

func upper(colour string) string {
	switch colour {
	case "blue":
		return "BLUE"
	case "green":
		return "GREEN"
	}
	return colour
}
