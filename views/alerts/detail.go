package alerts

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
)

// AlertDetail shows one alert whole: what, where, since when, and every
// label and annotation (runbook links live there).
type AlertDetail struct {
	c             kit.Common
	id            kit.ID
	alert         backend.Alert
	width, height int
}

func newDetail(c kit.Common, a backend.Alert) *AlertDetail {
	return &AlertDetail{c: c, id: c.NewID(), alert: a}
}

func (v *AlertDetail) ID() kit.ID       { return v.id }
func (v *AlertDetail) Title() string    { return kit.Sanitize(v.alert.Name) }
func (v *AlertDetail) SetSize(w, h int) { v.width, v.height = w, h }
func (v *AlertDetail) ShortHelp() []key.Binding {
	out := kit.Enabled(v.c.Keys.Silence)
	if v.alert.Service != "" {
		out = append(out, key.NewBinding(key.WithKeys(v.c.Keys.Open.Keys()...), key.WithHelp(v.c.Keys.Open.Help().Key, "go to "+kit.Sanitize(v.alert.Service))))
	}
	return append(out, v.c.Keys.Back)
}

func (v *AlertDetail) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
		return nil
	case key.Matches(kp, v.c.Keys.Silence):
		return silenceCmd(v.alert)
	case key.Matches(kp, v.c.Keys.Open):
		if v.alert.Service == "" {
			return kit.Notify(kit.LevelWarn, "this alert names no service")
		}
		// Its service's project, the service selected.
		return kit.Open("goto", v.alert.Service)
	}
	return nil
}
func (v *AlertDetail) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *AlertDetail) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	a := v.alert
	st := kit.SeverityStatus(a.Severity)
	lines := []string{
		t.Status(st).Render(kit.SeverityGlyph(a.Severity)+" "+strings.ToUpper(string(a.Severity))) + "  " + t.Title.Render(kit.Sanitize(a.Name)),
		"",
		field(t.Subtle.Render, "service", kit.Sanitize(kit.OrDash(a.Service))),
		field(t.Subtle.Render, "state", kit.Sanitize(stateText(a))),
		field(t.Subtle.Render, "since", a.Since.UTC().Format("2006-01-02 15:04:05 UTC")),
		field(t.Subtle.Render, "summary", kit.Sanitize(a.Summary)),
	}
	section := func(title string, kv map[string]string) {
		if len(kv) == 0 {
			return
		}
		lines = append(lines, "", t.Bold.Render(title))
		keys := make([]string, 0, len(kv))
		for k := range kv {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			// Label values come from outside: never let them reach the
			// terminal as escape sequences.
			lines = append(lines, field(t.Subtle.Render, "  "+kit.Sanitize(k), kit.Sanitize(kv[k])))
		}
	}
	section("LABELS", v.alert.Labels)
	section("ANNOTATIONS", v.alert.Annotations)
	for i, l := range lines {
		lines[i] = kit.FitLine(l, v.width)
	}
	if len(lines) > v.height {
		lines = lines[:v.height]
	}
	return strings.Join(lines, "\n")
}

func field(label func(...string) string, k, val string) string {
	return label(fmt.Sprintf("%-14s", k)) + " " + val
}

// stateText is the alert's state, with until when it is silenced.
func stateText(a backend.Alert) string {
	if a.State == backend.AlertSilenced && !a.SilencedUntil.IsZero() {
		return "silenced until " + a.SilencedUntil.UTC().Format("2006-01-02 15:04 UTC")
	}
	return string(a.State)
}
