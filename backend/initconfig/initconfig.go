// Package initconfig writes the config that `opsdeck init` proposes from
// what it found on this machine: the Docker engine (found as a start
// without a config finds it), its compose projects and services with their
// health URLs where they can be told, the Prometheus and Alertmanager that
// answered, and on request the aliases of ~/.ssh/config as comments (an
// alias is a host without any sources.ssh). Every choice that
// is a guess says so in a comment above it. A start without a config uses
// the same text, without the projects, so both pick the same engine.
//
// It only writes text: finding things is the caller's (and HealthURLs' and
// SSHHosts', which resolves through backend/sshconfig),
// checking the text is backend/config's.
package initconfig

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/docker"
)

// Found is what opsdeck init (or a start without a config) found.
type Found struct {
	Environment string
	Engine      docker.Endpoint
	// UseContext writes an engine found through a docker context as
	// `context: NAME` (opsdeck init: the context stays the one place its
	// address and TLS files are kept) instead of its host and TLS files.
	UseContext bool
	// Projects: write the compose services as projects (opsdeck init);
	// false leaves them to the engine's compose projects.
	Projects bool
	Services []Service
	// Prometheus and Alertmanager; a URL of "" writes a commented example.
	Prometheus, Alertmanager HTTPSource
	SSH                      *SSH // nil: not asked for
	At                       time.Time
}

// HTTPSource is a Prometheus or Alertmanager URL and why it is there.
type HTTPSource struct {
	URL  string
	Note string // "answered /-/ready", "given by --prometheus; did not answer: …"
	// Prometheus: the label found to name the services (see ServiceLabel),
	// and of how many services; "" leaves the default.
	ServiceLabel        string
	Matched, OfServices int
}

// nameRE is a name the config takes (backend/config's rule).
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// composeRE is a compose project or service name the config takes.
var composeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// EngineName is the name the engine gets in the config: the context's,
// lower-cased, or "local".
func EngineName(ep docker.Endpoint) string {
	if n := strings.ToLower(ep.Name); nameRE.MatchString(n) {
		return n
	}
	return "local"
}

// YAML is the config of f, commented.
func YAML(f Found) string {
	var w writer
	w.line("# yaml-language-server: $schema=%s", config.SchemaURL)
	if !f.At.IsZero() {
		w.line("# Written by opsdeck init on %s from what it found on this machine;", f.At.Format("2006-01-02 15:04 MST"))
		w.line("# check it with `opsdeck config validate`. Every key: opsdeck config schema,")
		w.line("# or docs/configuration.md.")
	}
	w.line("environment: %q", f.Environment)
	if f.Projects {
		w.line("")
		w.projects(f)
	}
	w.line("")
	w.line("sources:")
	w.engine(f)
	w.http("prometheus", "Prometheus", f.Prometheus, "http://127.0.0.1:9090")
	w.http("alertmanager", "Alertmanager", f.Alertmanager, "http://127.0.0.1:9093")
	if f.SSH != nil {
		w.ssh(*f.SSH)
	}
	return w.String()
}

type writer struct{ strings.Builder }

func (w *writer) line(format string, args ...any) {
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}

func (w *writer) engine(f Found) {
	ep := f.Engine
	w.line("  docker:")
	w.line("    # found by %s", ep.Why)
	w.line("    - name: %q", EngineName(ep))
	if f.UseContext && strings.HasPrefix(ep.Why, "context ") {
		w.line("      context: %q", ep.Name)
		return
	}
	w.line("      host: %q", ep.Host)
	if t := ep.TLS; t != nil {
		w.line("      tls:")
		for _, kv := range [][2]string{{"ca_file", t.CA}, {"cert_file", t.Cert}, {"key_file", t.Key}} {
			if kv[1] != "" {
				w.line("        %s: %q", kv[0], kv[1])
			}
		}
	}
}

func (w *writer) http(key, what string, s HTTPSource, example string) {
	if s.URL == "" {
		note := s.Note
		if note == "" {
			note = "none answered at " + example + "; give its URL"
		}
		w.line("  # %s: %s", what, note)
		w.line("  # %s: {url: %q}", key, example)
		return
	}
	if s.Note != "" {
		w.line("  # %s: %s", what, s.Note)
	}
	if key != "prometheus" {
		w.line("  %s: {url: %q}", key, s.URL)
		return
	}
	switch {
	case s.ServiceLabel != "" && s.ServiceLabel != "job":
		w.line("  # %s", serviceLabelNote(s.ServiceLabel, s.Matched, s.OfServices))
		w.line("  %s: {url: %q, service_label: %q}", key, s.URL, s.ServiceLabel)
		return
	case s.ServiceLabel == "job":
		w.line("  # service_label: job (the default): %d of the %d services found are its values", s.Matched, s.OfServices)
	default:
		w.line("  # service_label: the label that names a service in your metrics (default job;")
		w.line("  # none of job, service, app, application, service_name holds a service found)")
	}
	w.line("  %s: {url: %q}", key, s.URL)
}

// projects writes the compose services as projects, in the order found.
func (w *writer) projects(f Found) {
	var order []string
	by := map[string][]Service{}
	for _, s := range f.Services {
		if _, ok := by[s.Project]; !ok {
			order = append(order, s.Project)
		}
		by[s.Project] = append(by[s.Project], s)
	}
	ok := func(s Service) bool {
		return nameRE.MatchString(s.Name) && composeRE.MatchString(s.Project) && composeRE.MatchString(s.Service)
	}
	var wrote bool
	for _, p := range order {
		n := 0
		for _, s := range by[p] {
			if ok(s) {
				n++
			}
		}
		if !nameRE.MatchString(p) || n == 0 {
			if !wrote {
				w.line("projects:")
				wrote = true
			}
			w.line("  # compose project %q: its name or its services' names are not names opsdeck", p)
			w.line("  # takes (1-63 lowercase letters, digits, '.', '_', '-'); name it yourself, with compose:")
			continue
		}
		if !wrote {
			w.line("projects:")
			wrote = true
		}
		w.line("  # compose project %s on docker@%s", p, EngineName(f.Engine))
		w.line("  - name: %q", p)
		w.line("    services:")
		for _, s := range by[p] {
			if !ok(s) {
				w.line("      # compose service %q: %q is not a name opsdeck takes; name it yourself, with compose:", s.Service, s.Name)
				continue
			}
			containers := "containers"
			if s.Containers == 1 {
				containers = "container"
			}
			w.line("      # compose service %s, %d %s; component from the %s", s.Service, s.Containers, containers, s.ComponentFrom)
			if s.HealthNote != "" {
				w.line("      # health_url %s", s.HealthNote)
			}
			w.line("      - name: %q", s.Name)
			w.line("        component: %s", s.Component)
			w.line("        compose: %q", s.Project+"/"+s.Service)
			if s.HealthURL != "" {
				w.line("        health_url: %q", s.HealthURL)
			} else {
				w.line("        # health_url: \"http://127.0.0.1:8080/health\"")
			}
		}
	}
	if !wrote {
		w.line("# projects: no compose container was found on the engine; without projects, the")
		w.line("# engine's compose projects are the projects, as they come and go.")
	}
}
