// Package config loads opsdeck's YAML config: the fleet to watch (projects,
// services, databases, external dependencies), the thresholds figures are
// coloured against, the sources to poll and key rebindings.
//
// Every problem is reported as an *Error "file:line:col: message" pointing
// at the offending node, so a tired on-call engineer can jump straight to
// it, and every problem of a file is reported at once (Problems). Decoding is strict: an unknown key is an error, never ignored, since
// a misspelt key silently taking its default is how configs rot.
//
// Without a config file opsdeck runs on Default(), the embedded demo fleet
// (default.yaml) on the simulator.
package config

import (
	_ "embed"
	"fmt"
	"os"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/contacts"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/backend/sim"
	"github.com/manacore/opsdeck/backend/yamlpos"
)

// Config is a loaded and validated config.
type Config struct {
	File         string // path it was loaded from, or "(embedded default)"
	Environment  string
	Thresholds   backend.Thresholds
	Projects     []Project
	Databases    []Database
	Dependencies []Dependency
	Sources      Sources
	Actions      Actions
	Deployments  []deploy.Spec // blue/green projects (deployments:)
	Contacts     contacts.Book // emergency contacts, in file order
	Keys         []KeyBinding  // in file order
	Theme        Theme         // theme:; the zero Theme when not set
}

// Project is a group of services deployed together, e.g. chat.
type Project struct {
	Name     string
	Services []ServiceSpec
}

// ServiceSpec is one configured service; Name is unique in the fleet.
type ServiceSpec struct {
	Component             backend.Component
	Name, Host, HealthURL string
	// Compose is "project/service" of the containers that run this
	// service, when their compose labels do not already name it
	// "<project>-<component>" (see backend/docker.DefaultResolve).
	Compose string
	// RollbackCommand names the Actions.Commands entry that rolls this
	// service back; "" means the Docker image rollback.
	RollbackCommand string
}

// Database is a database whose connection pool is watched, and, with
// Backups, restored over SSH on Host.
type Database struct {
	Name, Host string
	HostPos    Pos // where host: stands
	// Services use the database: the DR wizard stops them before a
	// restore and starts them after.
	Services []string
	Backups  *Backups
	// Psql is how the database's detail reads its slow statements and
	// its pool: psql run on Host over SSH; nil when not configured.
	Psql *Psql
}

// Psql is a psql connection on the database's host: where psql is and
// the parameters it connects with; empty ones are psql's defaults. No
// password: a password login reads PassFile (PGPASSFILE) on the host.
type Psql struct {
	BinDir, Host string
	Port         int
	User         string
	DBName       string // the database inspected; default the database's name
	PassFile     string
	Timeout      time.Duration // each query's statement_timeout
}

// Backups is where a database's dumps are and how they are restored.
type Backups struct {
	Dir, Pattern string // dump directory on the host and file pattern (default *.dump)
	BinDir       string // where pg_restore and psql are, "" for $PATH
	Conn         []string
	Integrity    []IntegrityCheck
	Timeout      time.Duration
}

// IntegrityCheck is a query run after a restore; Expect, when set, is the
// exact single value it must return, otherwise it must return a row.
type IntegrityCheck struct{ Name, SQL, Expect string }

// Actions configure what opsdeck does to the fleet and where it keeps its
// records.
type Actions struct {
	AuditLog      string        // JSON-lines audit file
	StateDir      string        // incidents, version history
	HealthTimeout time.Duration // how long a restart waits for healthy
	DRTree        string        // a replacement disaster-recovery tree, "" for the built-in one
	Commands      []Command
}

// Command is a configured remote command: a rollback script, a traffic
// switch. Argv elements may hold {service}, {version}, {project},
// {database}, {colour}, {dump}; values are checked and quoted.
type Command struct {
	Name, Host  string
	HostPos     Pos // where host: stands, for an ssh config alias found missing when SSH is set up
	Argv        []string
	Timeout     time.Duration
	Destructive bool
}

// Command returns the configured command with the given name.
func (a Actions) Command(name string) (Command, bool) {
	for _, c := range a.Commands {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// Dependency is an external service the fleet relies on; Name is free text.
type Dependency struct{ Name, URL string }

// Sources are the backends to poll; nil (or empty) means not configured.
type Sources struct {
	Simulator    *Simulator
	Docker       []Docker
	Prometheus   *Prometheus
	Alertmanager *Alertmanager
	SSH          *SSH
}

// Schedule is how often a source is asked and how long one fetch may take.
type Schedule struct {
	Interval, Timeout time.Duration
}

// Docker is one Docker engine.
type Docker struct {
	Name string // shown as docker@<name>, and as the host of its services
	Host string // unix:///var/run/docker.sock, tcp://host:2375 or ssh://user@host; "" with Context
	// Context names a docker context (docker context ls) whose endpoint
	// and TLS files are used instead of Host; read when opsdeck starts.
	Context string
	TLS     *DockerTLS // tcp:// with TLS; nil otherwise
	// Found says how an engine opsdeck found itself was found (no config:
	// "DOCKER_HOST", "context colima (docker context use)", "default
	// socket"); shown beside its name. Never read from a file.
	Found string
	Schedule
}

// DockerTLS are the PEM files that verify a tcp:// engine and identify
// opsdeck to it, as `docker --tlsverify --tlscacert --tlscert --tlskey`.
// Relative paths are taken from the config file's directory, as
// tls_config's are.
type DockerTLS struct {
	CAFile, CertFile, KeyFile string
	// Pos is where tls stands in the file: a certificate file that cannot
	// be read or used is reported there.
	Pos Pos
}

// Prometheus is the metrics source.
type Prometheus struct {
	URL          string
	ServiceLabel string            // label that names the service, default "job"
	ColourLabel  string            // label naming the blue/green colour; default "colour" when deployments are configured
	Queries      map[string]string // PromQL overrides by figure name (see PromQueryNames)
	HTTP         HTTP              // basic_auth, tls_config, … (never printed)
	Schedule
}

// Alertmanager is the alert source (API v2).
type Alertmanager struct {
	URL  string
	HTTP HTTP // basic_auth, tls_config, … (never printed)
	Schedule
}

// SSH holds what remote commands and ssh:// Docker engines connect with.
// Without a sources.ssh section opsdeck uses DefaultSSH.
type SSH struct {
	// ConfigFile is the ssh_config file host names are resolved through
	// ("~/.ssh/config" by default); "none" reads none.
	ConfigFile    string
	KnownHosts    string   // "" : ~/.ssh/known_hosts, or the ssh config's UserKnownHostsFile
	IdentityFiles []string // private keys, tried after the agent
	Agent         bool     // use $SSH_AUTH_SOCK (default true)
	Hosts         []SSHHost
}

// SSHHost is a host reachable over SSH; Jump names another host used as
// the bastion.
type SSHHost struct {
	Name, Addr, User, Jump string
}

// DefaultSSHConfigFile is the ssh_config file read unless
// sources.ssh.config_file says otherwise.
const DefaultSSHConfigFile = "~/.ssh/config"

// DefaultSSH is what SSH uses without a sources.ssh section: the user's
// ssh config and known_hosts, and the agent.
func DefaultSSH() *SSH { return &SSH{ConfigFile: DefaultSSHConfigFile, Agent: true} }

// ReadsConfigFile reports whether an ssh_config file is read.
func (s *SSH) ReadsConfigFile() bool { return s.ConfigFile != "none" }

// Host returns the SSH host with the given name.
func (s *SSH) Host(name string) (SSHHost, bool) {
	for _, h := range s.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return SSHHost{}, false
}

// Simulator is the deterministic simulated fleet.
type Simulator struct {
	Seed              int64
	Interval, Timeout time.Duration
	Profiles          map[string]sim.Profile // by service, database or dependency name
	// ActionStep is how long each step of a simulated action takes.
	ActionStep time.Duration
}

// KeyBinding rebinds one action; Pos is where its name stands in the file,
// for ErrorAt when the keymap rejects it.
type KeyBinding struct {
	Action string
	Keys   []string
	Pos    Pos
}

// DefaultFile is Config.File for the embedded default.
const DefaultFile = "(embedded default)"

// maxSize bounds what Parse reads: a config is a few kilobytes, anything
// near this is a wrong file.
const maxSize = 1 << 20

//go:embed default.yaml
var defaultYAML []byte

// Default is the embedded demo fleet. It panics only if default.yaml is
// broken, which TestDefault guards.
func Default() *Config {
	c, err := Parse(DefaultFile, defaultYAML)
	if err != nil {
		panic("config: embedded default.yaml: " + err.Error())
	}
	return c
}

// Load reads and parses the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		// The path is already in Error.File; keep just the cause.
		return nil, &Error{File: path, Msg: "cannot read config: " + unwrapPath(err).Error()}
	}
	return Parse(path, data)
}

// Parse parses and validates a config; file names it in errors. The error
// is Problems: every problem of the file, in file order (see Check), so
// that the console's start says all that `opsdeck config validate` says.
func Parse(file string, data []byte) (*Config, error) {
	c, problems := Check(file, data)
	if len(problems) > 0 {
		return nil, Problems(problems)
	}
	return c, nil
}

// parseRoot parses the file into the body of its single document.
func parseRoot(file string, data []byte) (ast.Node, *Error) {
	if len(data) > maxSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("config is larger than %d KiB; is this the right file?", maxSize>>10)}
	}
	f, err := parseYAML(data)
	if err != nil {
		return nil, fromYAML(file, nil, err)
	}
	bodies := yamlpos.Bodies(f)
	switch len(bodies) {
	case 0:
		return nil, &Error{File: file, Msg: "config is empty; it needs at least environment, projects and sources"}
	case 1:
		return bodies[0], nil
	default:
		p := posOf(bodies[1])
		return nil, &Error{File: file, Line: p.Line, Col: p.Col, Msg: "a second YAML document (after ---); a config is a single document"}
	}
}

// parseYAML and decodeYAML are where goccy/go-yaml parses and decodes. A panic
// inside the library is turned into an error: a bad config must never take
// the console down with a stack trace. Both let a key appear twice in a
// mapping: goccy's parser would stop there as at a syntax error, and
// duplicateKeys reports each one, with everything else in the file.
func parseYAML(data []byte) (f *ast.File, err error) {
	defer recoverYAML(&err)
	return parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
}

func decodeYAML(root ast.Node, raw *rawConfig, strict bool) (err error) {
	defer recoverYAML(&err)
	opts := []yaml.DecodeOption{yaml.AllowDuplicateMapKey()}
	if strict {
		opts = append(opts, yaml.DisallowUnknownField())
	}
	return yaml.NodeToValue(root, raw, opts...)
}

const panicMsg = "the YAML parser failed on this file"

func recoverYAML(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s (%v); please report it", panicMsg, r)
	}
}

// ErrorAt reports a problem found by another package (an unknown key
// binding action, say) at p in this config's file.
func (c *Config) ErrorAt(p Pos, format string, args ...any) error {
	return &Error{File: c.File, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)}
}

// Services is the configured fleet as a skeleton in config order: identity
// and health URL set, containers and metrics left for the sources.
func (c *Config) Services() []backend.Service {
	var out []backend.Service
	for _, p := range c.Projects {
		for _, s := range p.Services {
			out = append(out, backend.Service{
				Project:   p.Name,
				Component: s.Component,
				Name:      s.Name,
				Host:      s.Host,
				HealthURL: s.HealthURL,
			})
		}
	}
	return out
}
