package config

import (
	"github.com/goccy/go-yaml/ast"

	"github.com/manacore/opsdeck/backend/sim"
)

// The raw types mirror the YAML as written. Pointers and strings stand in
// for optional numbers and durations so that "omitted" can take a default
// and a bad duration can be reported at its node (goccy's own duration
// errors carry no position).
type rawConfig struct {
	Environment  string          `yaml:"environment"`
	Thresholds   rawThresholds   `yaml:"thresholds"`
	Projects     []rawProject    `yaml:"projects"`
	Databases    []rawDatabase   `yaml:"databases"`
	Dependencies []rawDependency `yaml:"dependencies"`
	Sources      rawSources      `yaml:"sources"`
	Actions      *rawActions     `yaml:"actions"`
	Deployments  []rawDeployment `yaml:"deployments"`
	Contacts     []rawContact    `yaml:"contacts"`
	Keys         ast.Node        `yaml:"keys"` // walked by hand for order and positions
	Theme        string          `yaml:"theme"`
}

type rawThresholds struct {
	P95Target            rawDurations `yaml:"p95_target"`
	ErrorRatePct         rawLevels    `yaml:"error_rate_pct"`
	MemoryPct            rawLevels    `yaml:"memory_pct"`
	CPUPct               rawLevels    `yaml:"cpu_pct"`
	DBPoolPct            rawLevels    `yaml:"db_pool_pct"`
	DependencySuccessPct rawLevels    `yaml:"dependency_success_pct"`
}

type rawProject struct {
	Name     string       `yaml:"name"`
	Services []rawService `yaml:"services"`
}

type rawService struct {
	Component string `yaml:"component"`
	Name      string `yaml:"name"`
	Host      string `yaml:"host"`
	HealthURL string `yaml:"health_url"`
	Compose   string `yaml:"compose"`
	// RollbackCommand names an actions.commands entry run instead of the
	// Docker image rollback.
	RollbackCommand string `yaml:"rollback_command"`
}

type rawDatabase struct {
	Name     string      `yaml:"name"`
	Host     string      `yaml:"host"`
	Services []string    `yaml:"services"`
	Backups  *rawBackups `yaml:"backups"`
	Psql     *rawPsql    `yaml:"psql"`
}

type rawPsql struct {
	BinDir   string  `yaml:"bin_dir"`
	Host     string  `yaml:"host"`
	Port     *int    `yaml:"port"`
	User     string  `yaml:"user"`
	DBName   string  `yaml:"dbname"`
	PassFile string  `yaml:"passfile"`
	Timeout  *string `yaml:"timeout"`
}

type rawBackups struct {
	Dir       string         `yaml:"dir"`
	Pattern   string         `yaml:"pattern"`
	BinDir    string         `yaml:"bin_dir"`
	Conn      []string       `yaml:"conn"`
	Integrity []rawIntegrity `yaml:"integrity"`
	Timeout   *string        `yaml:"timeout"`
}

type rawIntegrity struct {
	Name   string `yaml:"name"`
	SQL    string `yaml:"sql"`
	Expect string `yaml:"expect"`
}

type rawActions struct {
	AuditLog      string       `yaml:"audit_log"`
	StateDir      string       `yaml:"state_dir"`
	HealthTimeout *string      `yaml:"health_timeout"`
	DRTree        string       `yaml:"dr_tree"`
	Commands      []rawCommand `yaml:"commands"`
}

type rawCommand struct {
	Name        string   `yaml:"name"`
	Host        string   `yaml:"host"`
	Argv        []string `yaml:"argv"`
	Timeout     *string  `yaml:"timeout"`
	Destructive *bool    `yaml:"destructive"`
}

type rawDependency struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

type rawSources struct {
	Simulator    *rawSimulator    `yaml:"simulator"`
	Docker       []rawDocker      `yaml:"docker"`
	Prometheus   *rawPrometheus   `yaml:"prometheus"`
	Alertmanager *rawAlertmanager `yaml:"alertmanager"`
	SSH          *rawSSH          `yaml:"ssh"`
}

type rawDocker struct {
	Name     string        `yaml:"name"`
	Host     string        `yaml:"host"`
	Context  string        `yaml:"context"`
	TLS      *rawDockerTLS `yaml:"tls"`
	Interval *string       `yaml:"interval"`
	Timeout  *string       `yaml:"timeout"`
}

type rawDockerTLS struct {
	CAFile   string `yaml:"ca_file"`
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

type rawPrometheus struct {
	URL          string            `yaml:"url"`
	ServiceLabel string            `yaml:"service_label"`
	ColourLabel  string            `yaml:"colour_label"`
	Interval     *string           `yaml:"interval"`
	Timeout      *string           `yaml:"timeout"`
	Queries      map[string]string `yaml:"queries"`
	HTTP         rawHTTP           `yaml:",inline"`
}

type rawAlertmanager struct {
	URL      string  `yaml:"url"`
	Interval *string `yaml:"interval"`
	Timeout  *string `yaml:"timeout"`
	HTTP     rawHTTP `yaml:",inline"`
}

type rawSSH struct {
	ConfigFile    string       `yaml:"config_file"`
	KnownHosts    string       `yaml:"known_hosts"`
	IdentityFiles []string     `yaml:"identity_files"`
	Agent         *bool        `yaml:"agent"`
	Hosts         []rawSSHHost `yaml:"hosts"`
}

type rawSSHHost struct {
	Name string `yaml:"name"`
	Addr string `yaml:"addr"`
	User string `yaml:"user"`
	Jump string `yaml:"jump"`
}

type rawSimulator struct {
	Seed     *int64                 `yaml:"seed"`
	Interval *string                `yaml:"interval"`
	Timeout  *string                `yaml:"timeout"`
	Profiles map[string]sim.Profile `yaml:"profiles"`
	// ActionStep is how long each step of a simulated action takes.
	ActionStep *string `yaml:"action_step"`
}

type rawDeployment struct {
	Project        string       `yaml:"project"`
	Service        string       `yaml:"service"`
	ColourLabel    string       `yaml:"colour_label"`
	Gates          rawGates     `yaml:"gates"`
	Monitor        *string      `yaml:"monitor"`
	RollbackWindow *string      `yaml:"rollback_window"`
	Commands       rawDeployCmd `yaml:"commands"`
	// HealthURLs are each colour's own health endpoints.
	HealthURLs map[string][]string `yaml:"health_urls"`
}

type rawGates struct {
	ErrorRatePct *float64 `yaml:"error_rate_pct"`
	P95          *string  `yaml:"p95"`
	MinRPS       *float64 `yaml:"min_rps"`
}

type rawDeployCmd struct {
	Shift        string `yaml:"shift"`
	Promote      string `yaml:"promote"`
	Rollback     string `yaml:"rollback"`
	Decommission string `yaml:"decommission"`
	Migrate      string `yaml:"migrate"`
}
