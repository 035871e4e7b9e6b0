package report

import (
	"strings"

	"github.com/manacore/opsdeck/backend"
)

// printable is a copy of r in which every string that came from outside
// (names, errors, summaries, findings) is safe to print on a terminal:
// `opsdeck status` output is read with cat, in a pager or in mail, so an
// escape sequence in a container or alert name must be shown, not obeyed.
// JSON needs no such copy: encoding/json escapes control characters.
func (r Status) printable() Status {
	// A line break would split a table row: a space reads better than ␊.
	p := func(s string) string { return backend.Printable(strings.ReplaceAll(s, "\n", " ")) }
	ptr := func(s *string) *string {
		if s == nil {
			return nil
		}
		v := p(*s)
		return &v
	}
	r.Environment = p(r.Environment)
	r.DemoReason = ptr(r.DemoReason)
	r.Summary.WorstP95Service = ptr(r.Summary.WorstP95Service)
	r.Sources = append([]Source(nil), r.Sources...)
	for i := range r.Sources {
		s := &r.Sources[i]
		s.Name, s.Kind, s.Error = p(s.Name), p(s.Kind), ptr(s.Error)
	}
	r.Services = append([]Service(nil), r.Services...)
	for i := range r.Services {
		s := &r.Services[i]
		s.Project, s.Component, s.Name = p(s.Project), p(s.Component), p(s.Name)
		s.Host, s.State, s.Health, s.Version = ptr(s.Host), ptr(s.State), ptr(s.Health), ptr(s.Version)
		findings := make([]string, len(s.Findings))
		for j, f := range s.Findings {
			findings[j] = p(f)
		}
		s.Findings = findings
	}
	r.Alerts = append([]Alert(nil), r.Alerts...)
	for i := range r.Alerts {
		a := &r.Alerts[i]
		a.Name, a.Severity, a.Service, a.Summary, a.State = p(a.Name), p(a.Severity), p(a.Service), p(a.Summary), p(a.State)
	}
	r.Databases = append([]Database(nil), r.Databases...)
	for i := range r.Databases {
		r.Databases[i].Name = p(r.Databases[i].Name)
	}
	r.Dependencies = append([]Dependency(nil), r.Dependencies...)
	for i := range r.Dependencies {
		r.Dependencies[i].Name = p(r.Dependencies[i].Name)
	}
	r.Deployments = append([]Deployment(nil), r.Deployments...)
	for i := range r.Deployments {
		d := &r.Deployments[i]
		d.Project, d.Service, d.Reason = p(d.Project), p(d.Service), p(d.Reason)
		d.Colours = append([]Colour(nil), d.Colours...)
		for j := range d.Colours {
			d.Colours[j].Colour, d.Colours[j].Version = p(d.Colours[j].Colour), ptr(d.Colours[j].Version)
		}
	}
	return r
}
