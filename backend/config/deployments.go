package config

import (
	"maps"
	"regexp"
	"slices"

	"github.com/manacore/opsdeck/backend/deploy"
)

// dockerLabelRE is a Docker label key such as opsdeck.colour.
var dockerLabelRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,127}$`)

// deployments checks the blue/green section after projects, sources and
// actions are known: each names a configured project and service and
// commands under actions.commands. With deployments and Prometheus, the
// Prometheus colour label defaults to "colour".
func (b *builder) deployments(rs []rawDeployment, c *Config) []deploy.Spec {
	var out []deploy.Spec
	seen := map[string]Pos{}
	for i, r := range rs {
		dp := []any{"deployments", i}
		s := deploy.Spec{Project: r.Project, Service: r.Service, ColourLabel: r.ColourLabel}
		var proj *Project
		for k := range c.Projects {
			if c.Projects[k].Name == r.Project {
				proj = &c.Projects[k]
			}
		}
		if proj == nil {
			b.fail(b.at(path(dp, "project")...), "deployment project %q is not a configured project", r.Project)
		} else {
			b.unique(seen, "deployment", r.Project, b.at(path(dp, "project")...))
			var hurl string
			s.Service, hurl = deployService(proj, r.Service)
			s.ServiceHealthURL = hurl
			if s.Service == "" {
				b.fail(b.at(path(dp, "service")...), "deployment of %s: service %q is not a service of the project (default: its backend)", r.Project, r.Service)
			}
		}
		if s.ColourLabel == "" {
			s.ColourLabel = "opsdeck.colour"
		}
		if !dockerLabelRE.MatchString(s.ColourLabel) {
			b.fail(b.at(path(dp, "colour_label")...), "colour_label %q is not a container label key such as opsdeck.colour", s.ColourLabel)
		}
		g := r.Gates
		if g.ErrorRatePct != nil {
			if !finiteNonNegative(*g.ErrorRatePct) || *g.ErrorRatePct == 0 {
				b.fail(b.at(path(dp, "gates", "error_rate_pct")...), "error_rate_pct must be a number above 0, e.g. 1")
			}
			s.Gates.MaxErrorRatePct = *g.ErrorRatePct
		}
		if g.P95 != nil {
			s.Gates.MaxP95 = b.duration(*g.P95, "p95", path(dp, "gates", "p95")...)
		}
		if g.MinRPS != nil {
			if !finiteNonNegative(*g.MinRPS) {
				b.fail(b.at(path(dp, "gates", "min_rps")...), "min_rps must be a number of 0 or more")
			}
			s.Gates.MinRPS = *g.MinRPS
		}
		if r.Monitor != nil {
			s.Monitor = b.duration(*r.Monitor, "monitor", path(dp, "monitor")...)
		}
		for _, colour := range slices.Sorted(maps.Keys(r.HealthURLs)) {
			urls := r.HealthURLs[colour]
			if colour != "blue" && colour != "green" {
				b.fail(b.at(path(dp, "health_urls", colour)...), "health_urls: %q is not a colour (blue or green)", colour)
				continue
			}
			for j, u := range urls {
				b.url(u, "health_urls."+colour, path(dp, "health_urls", colour, j))
			}
			if s.HealthURLs == nil {
				s.HealthURLs = map[string][]string{}
			}
			s.HealthURLs[colour] = urls
		}
		if r.RollbackWindow != nil {
			s.RollbackWindow = b.duration(*r.RollbackWindow, "rollback_window", path(dp, "rollback_window")...)
		}
		cmds := []struct {
			key, name string
			dst       *string
		}{
			{"shift", r.Commands.Shift, &s.Commands.Shift},
			{"promote", r.Commands.Promote, &s.Commands.Promote},
			{"rollback", r.Commands.Rollback, &s.Commands.Rollback},
			{"decommission", r.Commands.Decommission, &s.Commands.Decommission},
			{"migrate", r.Commands.Migrate, &s.Commands.Migrate},
		}
		for _, cm := range cmds {
			if cm.name == "" {
				continue // that step is not offered
			}
			if _, ok := c.Actions.Command(cm.name); !ok {
				b.fail(b.at(path(dp, "commands", cm.key)...), "commands.%s %q is not under actions.commands", cm.key, cm.name)
			}
			*cm.dst = cm.name
		}
		out = append(out, s.WithDefaults())
	}
	if p := c.Sources.Prometheus; p != nil && len(out) > 0 && p.ColourLabel == "" {
		p.ColourLabel = "colour"
	}
	return out
}

// deployService is the named service of the project, or its backend, and
// its health_url.
func deployService(p *Project, name string) (string, string) {
	for _, s := range p.Services {
		if s.Name == name || (name == "" && s.Component == "backend") {
			return s.Name, s.HealthURL
		}
	}
	return "", ""
}
