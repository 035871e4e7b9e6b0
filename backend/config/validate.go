package config

import (
	"fmt"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/goccy/go-yaml/ast"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/sim"
)

// Names end up in docker and ssh command lines, so they are held to a
// shell-safe alphabet (also valid Docker compose project names).
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

const nameRule = "use 1-63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit; " +
	"names are used in shell commands, so nothing else is allowed"

// composeRE is a compose project or service name.
var composeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// Hosts are ssh/docker targets: host names, IPv4 or IPv6 addresses.
var hostRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$`)

// builder turns the raw config into a Config, collecting every problem.
type builder struct {
	file string
	root ast.Node
	errs []*Error
	// hidden are the nulls the shape walk put in place of values of the
	// wrong kind: the builder sees them as not given, and what it would
	// say about that (required, empty) only repeats the walk's problem.
	hidden map[ast.Node]bool
}

// hiddenLine is the line at() gives a problem about a hidden value, which
// fail drops. Real lines are never negative.
const hiddenLine = -1

func (b *builder) fail(p Pos, format string, args ...any) {
	if p.Line == hiddenLine {
		return
	}
	b.errs = append(b.errs, &Error{File: b.file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)})
}

// at and keyAt are the free functions' positions, or hiddenLine when path
// runs through a hidden value.
func (b *builder) at(path ...any) Pos {
	if b.throughHidden(path) {
		return Pos{Line: hiddenLine}
	}
	return at(b.root, path...)
}

func (b *builder) keyAt(path ...any) Pos {
	if b.throughHidden(path) {
		return Pos{Line: hiddenLine}
	}
	return keyAt(b.root, path...)
}

func (b *builder) throughHidden(path []any) bool {
	for _, s := range walk(b.root, path) {
		if b.hidden[s.value] {
			return true
		}
	}
	return false
}

// node is the value at path, or nil when the path does not exist.
func (b *builder) node(path ...any) ast.Node {
	if steps := walk(b.root, path); len(steps) == len(path)+1 {
		return steps[len(path)].value
	}
	return nil
}

// path builds a fresh path slice; appending to a shared prefix would alias.
func path(prefix []any, more ...any) []any {
	return append(slices.Clip(prefix), more...)
}

func (b *builder) build(r *rawConfig) *Config {
	c := &Config{File: b.file, Environment: strings.TrimSpace(r.Environment)}
	if c.Environment == "" {
		b.fail(b.at("environment"), "environment is required: the name shown in the header, e.g. production")
	}
	c.Thresholds = b.thresholds(r.Thresholds)
	c.Projects = b.projects(r.Projects, len(r.Sources.Docker) > 0)
	c.Databases = b.databases(r.Databases)
	c.Dependencies = b.dependencies(r.Dependencies)
	c.Sources = b.sources(r.Sources, c)
	c.Actions = b.actions(r, c)
	c.Deployments = b.deployments(r.Deployments, c)
	c.Contacts = b.contacts(r.Contacts)
	c.Keys = b.keys(r.Keys)
	c.Theme = b.theme(r.Theme)
	return c
}

// finiteNonNegative rejects negatives, NaN (.nan) and +Inf (.inf).
func finiteNonNegative(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }

// duration parses a Go duration string such as 500ms or 2s.
func (b *builder) duration(s, key string, where ...any) time.Duration {
	d, _ := b.durationAt(s, key, b.at(where...))
	return d
}

// durationAt is duration reported at p; false when s is not a duration,
// so that a caller checking its range does not report it twice.
func (b *builder) durationAt(s, key string, p Pos) (time.Duration, bool) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		b.fail(p, "%s: %q is not a duration; write a number with a unit, e.g. 500ms, 2s or 1m", key, s)
		return 0, false
	}
	return d, true
}

// projects checks the projects. None is fine with a Docker engine: its
// compose projects are the projects (as lazydocker and ctop show a local
// engine with no config at all); without one nothing would name a service.
func (b *builder) projects(rs []rawProject, docker bool) []Project {
	if len(rs) == 0 && !docker {
		b.fail(b.at("projects"), "projects: list at least one project, e.g.  - name: chat (with sources.docker, the engine's compose projects are the projects)")
	}
	var out []Project
	seenProject := map[string]Pos{}
	seenService := map[string]Pos{}
	for i, rp := range rs {
		pp := []any{"projects", i}
		p := Project{Name: rp.Name}
		if b.name("project", rp.Name, path(pp, "name")) {
			b.unique(seenProject, "project", rp.Name, b.at(path(pp, "name")...))
		}
		if len(rp.Services) == 0 {
			b.fail(b.at(path(pp, "services")...), "project %q needs at least one service under services:", rp.Name)
		}
		for j, rsv := range rp.Services {
			sp := path(pp, "services", j)
			s := ServiceSpec{Component: backend.Component(rsv.Component), Name: rsv.Name, Host: rsv.Host,
				HealthURL: rsv.HealthURL, Compose: rsv.Compose, RollbackCommand: rsv.RollbackCommand}
			switch {
			case rsv.Component == "":
				b.fail(b.at(path(sp, "component")...), "service needs a component: one of %s", components())
			case !slices.Contains(backend.Components, s.Component):
				b.fail(b.at(path(sp, "component")...), "component %q is not one of %s%s", rsv.Component,
					components(), didYouMean(rsv.Component, strings.Split(components(), ", ")))
			}
			switch {
			case rsv.Name != "":
				if b.name("service", rsv.Name, path(sp, "name")) {
					b.unique(seenService, "service", s.Name, b.at(path(sp, "name")...))
				}
			case nameRE.MatchString(rp.Name) && slices.Contains(backend.Components, s.Component):
				// The default name "<project>-<component>", reported at the
				// service since it has no name node of its own.
				s.Name = rp.Name + "-" + rsv.Component
				if !nameRE.MatchString(s.Name) { // only by length
					b.fail(b.at(sp...), "the default service name %q is longer than 63 characters; set name:", s.Name)
				} else {
					b.unique(seenService, "service", s.Name, b.at(sp...))
				}
			}
			b.host(s.Host, path(sp, "host"))
			b.url(s.HealthURL, "health_url", path(sp, "health_url"))
			if s.Compose != "" {
				proj, svc, ok := strings.Cut(s.Compose, "/")
				if !ok || !composeRE.MatchString(proj) || !composeRE.MatchString(svc) {
					b.fail(b.at(path(sp, "compose")...), "compose %q must be project/service as in the labels com.docker.compose.project and .service, e.g. chat/api", s.Compose)
				}
			}
			p.Services = append(p.Services, s)
		}
		out = append(out, p)
	}
	return out
}

func components() string {
	var s []string
	for _, c := range backend.Components {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}

// name checks a project, service or database name; false if it is bad.
func (b *builder) name(what, name string, where []any) bool {
	switch {
	case name == "":
		b.fail(b.at(where...), "%s name is required", what)
	case !nameRE.MatchString(name):
		b.fail(b.at(where...), "%s name %q is not allowed: %s", what, name, nameRule)
	default:
		return true
	}
	return false
}

// unique records name at p, or reports it if seen before.
func (b *builder) unique(seen map[string]Pos, what, name string, p Pos) {
	if prev, dup := seen[name]; dup {
		b.fail(p, "%s name %q is already used at line %d; names must be unique", what, name, prev.Line)
		return
	}
	seen[name] = p
}

func (b *builder) host(h string, where []any) {
	if h != "" && !hostRE.MatchString(h) {
		b.fail(b.at(where...), "host %q is not a host name or IP address (letters, digits, '.', '-', '_', ':'); hosts are used in ssh and docker commands", h)
	}
}

// url checks an optional health URL: absolute http or https.
func (b *builder) url(s, key string, where []any) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		if strings.Contains(s, "@") { // may hold user:password, which is not repeated
			b.fail(b.at(where...), "%s is not a valid URL", key)
		} else {
			b.fail(b.at(where...), "%s %q is not a valid URL", key, s)
		}
	case u.Scheme != "http" && u.Scheme != "https":
		// Redacted: a password written in the URL is not repeated.
		b.fail(b.at(where...), "%s %q must be an absolute http:// or https:// URL", key, u.Redacted())
	case u.Host == "":
		b.fail(b.at(where...), "%s %q has no host", key, u.Redacted())
	}
}

func (b *builder) databases(rs []rawDatabase) []Database {
	var out []Database
	seen := map[string]Pos{}
	for i, r := range rs {
		dp := []any{"databases", i}
		if b.name("database", r.Name, path(dp, "name")) {
			b.unique(seen, "database", r.Name, b.at(path(dp, "name")...))
		}
		b.host(r.Host, path(dp, "host"))
		out = append(out, Database{Name: r.Name, Host: r.Host, HostPos: b.at(path(dp, "host")...), Services: r.Services, Backups: b.backups(r.Backups, dp), Psql: b.psql(r.Psql, dp)})
	}
	return out
}

func (b *builder) dependencies(rs []rawDependency) []Dependency {
	var out []Dependency
	seen := map[string]Pos{}
	for i, r := range rs {
		dp := []any{"dependencies", i}
		name := strings.TrimSpace(r.Name)
		switch {
		case name == "":
			b.fail(b.at(path(dp, "name")...), "dependency name is required, e.g. Azure OpenAI")
		case strings.IndexFunc(name, unicode.IsControl) >= 0:
			b.fail(b.at(path(dp, "name")...), "dependency name %q must be a single line of text", name)
		default:
			b.unique(seen, "dependency", name, b.at(path(dp, "name")...))
		}
		b.url(r.URL, "url", path(dp, "url"))
		out = append(out, Dependency{Name: name, URL: r.URL})
	}
	return out
}

func (b *builder) sources(r rawSources, c *Config) Sources {
	var s Sources
	// A bare "simulator:" (no settings) turns it on with its defaults.
	if r.Simulator == nil && has(b.root, "sources", "simulator") {
		r.Simulator = &rawSimulator{}
	}
	if r.Simulator == nil && len(r.Docker) == 0 && r.Prometheus == nil && r.Alertmanager == nil {
		b.fail(b.at("sources"), "sources: configure at least one source to poll (docker, prometheus, alertmanager), or sources: {simulator: {}} for the demo fleet")
		return s
	}
	if r.Simulator != nil {
		s.Simulator = b.simulator(r.Simulator, c)
	}
	s.SSH = b.ssh(r.SSH)
	s.Docker = b.docker(r.Docker)
	s.Prometheus = b.prometheus(r.Prometheus)
	s.Alertmanager = b.alertmanager(r.Alertmanager)
	return s
}

// schedule parses a source's interval and timeout. The timeout defaults to
// defTimeout, or the interval when that is shorter, and may not exceed the
// interval: a fetch must give up before the next one is due.
func (b *builder) schedule(interval, timeout *string, defInterval, defTimeout time.Duration, sp []any) Schedule {
	s := Schedule{Interval: defInterval}
	if interval != nil {
		var ok bool
		s.Interval, ok = b.durationAt(*interval, "interval", b.at(path(sp, "interval")...))
		if ok && s.Interval <= 0 {
			b.fail(b.at(path(sp, "interval")...), "interval must be longer than 0, e.g. 2s")
		}
	}
	s.Timeout = min(defTimeout, s.Interval)
	if timeout != nil {
		var ok bool
		s.Timeout, ok = b.durationAt(*timeout, "timeout", b.at(path(sp, "timeout")...))
		switch {
		case !ok:
		case s.Timeout <= 0:
			b.fail(b.at(path(sp, "timeout")...), "timeout must be longer than 0, e.g. 1s")
		case s.Timeout > s.Interval && s.Interval > 0:
			b.fail(b.at(path(sp, "timeout")...), "timeout %v is longer than interval %v; a fetch must give up before the next one is due", s.Timeout, s.Interval)
		}
	}
	return s
}

// DefaultActionStep is how long a simulated action's step takes unless
// sources.simulator.action_step says otherwise: long enough to watch an
// action run, short enough for a demo.
const DefaultActionStep = 300 * time.Millisecond

func (b *builder) simulator(r *rawSimulator, c *Config) *Simulator {
	sp := []any{"sources", "simulator"}
	s := &Simulator{Seed: 1, Profiles: r.Profiles, ActionStep: DefaultActionStep}
	if r.ActionStep != nil {
		var ok bool
		s.ActionStep, ok = b.durationAt(*r.ActionStep, "action_step", b.at(path(sp, "action_step")...))
		if ok && (s.ActionStep <= 0 || s.ActionStep > time.Minute) {
			b.fail(b.at(path(sp, "action_step")...), "action_step must be longer than 0 and at most 1m, e.g. 300ms")
		}
	}
	if r.Seed != nil {
		// The decoder would silently truncate 1.5 to 1.
		if _, float := unwrap(b.node(path(sp, "seed")...)).(*ast.FloatNode); float {
			b.fail(b.at(path(sp, "seed")...), "seed must be a whole number, e.g. 1")
		}
		s.Seed = *r.Seed
	}
	sch := b.schedule(r.Interval, r.Timeout, 2*time.Second, time.Second, sp)
	s.Interval, s.Timeout = sch.Interval, sch.Timeout
	if s.Profiles == nil {
		s.Profiles = map[string]sim.Profile{}
	}
	b.profiles(s.Profiles, c, path(sp, "profiles"))
	return s
}

// profiles checks that each profile names something configured (a typo
// would silently leave the figure at its derived level) and holds no
// negative or infinite figures.
func (b *builder) profiles(ps map[string]sim.Profile, c *Config, pp []any) {
	var known []string
	for _, s := range c.Services() {
		known = append(known, s.Name)
	}
	for _, d := range c.Databases {
		known = append(known, d.Name)
	}
	for _, d := range c.Dependencies {
		known = append(known, d.Name)
	}
	for name, p := range ps {
		if !slices.Contains(known, name) {
			b.fail(b.keyAt(path(pp, name)...), "profile %q matches no configured service, database or dependency%s", name, didYouMean(name, known))
		}
		v, t := reflect.ValueOf(p), reflect.TypeOf(p)
		for i := range t.NumField() {
			if f, ok := v.Field(i).Interface().(float64); ok && !finiteNonNegative(f) {
				key := yamlName(t.Field(i))
				b.fail(b.at(path(pp, name, key)...), "%s must be a number of 0 or more, not %v", key, f)
			}
		}
	}
}
