package views

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
)

// AlertDetail shows one alert whole: what, where, since when, and every
// label and annotation (runbook links live there).
type AlertDetail struct {
	c             Common
	alert         backend.Alert
	width, height int
}

func (v *AlertDetail) Name() string                 { return "alert" }
func (v *AlertDetail) Title() string                { return sanitize(v.alert.Name) }
func (v *AlertDetail) Back() bool                   { return false }
func (v *AlertDetail) Capturing() bool              { return false }
func (v *AlertDetail) SetSnapshot(backend.Snapshot) {}
func (v *AlertDetail) SetSize(w, h int)             { v.width, v.height = w, h }
func (v *AlertDetail) ShortHelp() []key.Binding {
	return append(enabled(v.c.Keys.Silence), v.c.Keys.Back)
}

func (v *AlertDetail) Update(msg tea.Msg) tea.Cmd {
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, v.c.Keys.Silence) {
		return silenceCmd(v.alert)
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
	st := severityStatus(a.Severity)
	lines := []string{
		t.Status(st).Render(severityGlyph(a.Severity)+" "+strings.ToUpper(string(a.Severity))) + "  " + t.Title.Render(sanitize(a.Name)),
		"",
		field(t.Subtle.Render, "service", sanitize(orDash(a.Service))),
		field(t.Subtle.Render, "state", sanitize(string(a.State))),
		field(t.Subtle.Render, "since", a.Since.UTC().Format("2006-01-02 15:04:05 UTC")),
		field(t.Subtle.Render, "summary", sanitize(a.Summary)),
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
			lines = append(lines, field(t.Subtle.Render, "  "+sanitize(k), sanitize(kv[k])))
		}
	}
	section("LABELS", v.alert.Labels)
	section("ANNOTATIONS", v.alert.Annotations)
	for i, l := range lines {
		lines[i] = fitLine(l, v.width)
	}
	if len(lines) > v.height {
		lines = lines[:v.height]
	}
	return strings.Join(lines, "\n")
}

func field(label func(...string) string, k, val string) string {
	return label(fmt.Sprintf("%-14s", k)) + " " + val
}
