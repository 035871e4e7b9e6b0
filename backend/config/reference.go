package config

import "slices"

// Field documents one key of the config file. The JSON Schema (Schema)
// takes its descriptions, required keys and value rules from these, and
// the configuration reference in docs/configuration.md is rendered from
// them (ReferenceMarkdown); a test keeps both in step with the raw types
// the decoder reads, so no key goes undocumented.
type Field struct {
	// Path names the key: "." between keys, "[]" for each element of a
	// list, "<name>" for a key of the user's choosing.
	Path string
	// Type says what the value is. The value rules of "name", "host",
	// "duration" and "URL" become patterns in the schema.
	Type     string
	Required bool
	Default  string // in words; with Required, a further condition
	Doc      string
}

// Reference is every key of the config, in file order.
func Reference() []Field {
	return slices.Concat([]Field{
		{Path: "environment", Type: "string", Required: true, Doc: "Name shown in the header, e.g. `production`."},
		{Path: "thresholds", Type: "mapping", Doc: "Levels the figures are rated against. Each figure has a warning level and a down level: above `warn` is a warning, at or above `down` is down (at, so that a full pool or memory at 100% is down). A single number is the warning level, with down at twice it (at most 100 for a share of a maximum). `0` turns a level off; negative values are errors."},
		{Path: "thresholds.p95_target", Type: "duration or mapping", Default: "`500ms`, down `1s`", Doc: "p95 latency target. A duration is the warning level; or `{warn: 500ms, down: 1s}`."},
		{Path: "thresholds.p95_target.warn", Type: "duration", Default: "the figure's default", Doc: "Above it is a warning."},
		{Path: "thresholds.p95_target.down", Type: "duration", Default: "the figure's default", Doc: "At or above it is down."},
		{Path: "thresholds.error_rate_pct", Type: "number or mapping", Default: "`1`, down `2`", Doc: "Share of requests that fail, in percent. A number is the warning level; or `{warn: 1, down: 2}`."},
		{Path: "thresholds.error_rate_pct.warn", Type: "number", Default: "the figure's default", Doc: "Above it is a warning."},
		{Path: "thresholds.error_rate_pct.down", Type: "number", Default: "the figure's default", Doc: "At or above it is down."},
		{Path: "thresholds.memory_pct", Type: "number or mapping", Default: "`80`, down `100`", Doc: "Memory use, percent of the container limit. A number is the warning level; or `{warn: 80, down: 100}`."},
		{Path: "thresholds.memory_pct.warn", Type: "number", Default: "the figure's default", Doc: "Above it is a warning."},
		{Path: "thresholds.memory_pct.down", Type: "number", Default: "the figure's default", Doc: "At or above it is down."},
		{Path: "thresholds.cpu_pct", Type: "number or mapping", Default: "`80`, down `160`", Doc: "CPU use, percent of one core. A number is the warning level; or `{warn: 80, down: 160}`."},
		{Path: "thresholds.cpu_pct.warn", Type: "number", Default: "the figure's default", Doc: "Above it is a warning."},
		{Path: "thresholds.cpu_pct.down", Type: "number", Default: "the figure's default", Doc: "At or above it is down."},
		{Path: "thresholds.db_pool_pct", Type: "number or mapping", Default: "`80`, down `100`", Doc: "Database connections in use, percent of the maximum. A number is the warning level; or `{warn: 80, down: 100}`."},
		{Path: "thresholds.db_pool_pct.warn", Type: "number", Default: "the figure's default", Doc: "Above it is a warning."},
		{Path: "thresholds.db_pool_pct.down", Type: "number", Default: "the figure's default", Doc: "At or above it is down."},
		{Path: "thresholds.dependency_success_pct", Type: "number or mapping", Default: "`99`, down `98`", Doc: "Successful probes of an external dependency, in percent; less is worse. A number is the warning level, with down where failures are twice what it allows (`99` → below `98`); or `{warn: 99, down: 95}`. A dependency whose last probe failed is down whatever its rate."},
		{Path: "thresholds.dependency_success_pct.warn", Type: "number", Default: "the figure's default", Doc: "Below it is a warning."},
		{Path: "thresholds.dependency_success_pct.down", Type: "number", Default: "the figure's default", Doc: "Below it is down."},

		{Path: "projects", Type: "list", Default: "the engines' compose projects", Doc: "Projects, in the order the services table shows them. At least one, unless `sources.docker` is configured: then the engines' compose projects (`com.docker.compose.project`) are the projects, as lazydocker shows them."},
		{Path: "projects[].name", Type: "name", Required: true, Doc: "Project name, unique."},
		{Path: "projects[].services", Type: "list", Required: true, Default: "at least one", Doc: "The project's services."},
		{Path: "projects[].services[].component", Type: "`backend`, `web` or `landing`", Required: true, Doc: "Column of the services table."},
		{Path: "projects[].services[].name", Type: "name", Default: "`<project>-<component>`", Doc: "Service name, unique in the whole fleet."},
		{Path: "projects[].services[].host", Type: "host", Default: "the Docker engine's name", Doc: "Host the service runs on, shown in the host column and in `status`."},
		{Path: "projects[].services[].health_url", Type: "URL", Default: "none", Doc: "Health endpoint (absolute `http://` or `https://`), probed by `c` in the console, by `opsdeck check` and after a rollback."},
		{Path: "projects[].services[].compose", Type: "`project/service`", Default: "none", Doc: "The compose labels (`com.docker.compose.project` / `.service`) of this service's containers, when they are not `<project>` / `<component>` or named `<project>-<component>`."},
		{Path: "projects[].services[].rollback_command", Type: "name", Default: "none", Doc: "An `actions.commands` entry that rolls this service back over SSH instead of the Docker image rollback."},

		{Path: "databases", Type: "list", Default: "none", Doc: "Databases whose connection pools are watched."},
		{Path: "databases[].name", Type: "name", Required: true, Doc: "Database name, unique."},
		{Path: "databases[].host", Type: "host", Default: "none", Doc: "Host the database runs on; with `backups` or `psql`, a `sources.ssh.hosts` name or a `Host` alias of `~/.ssh/config`: the restore and the detail's psql run there."},
		{Path: "databases[].services", Type: "list of service names", Default: "none", Doc: "Services that use the database: `s`/`S` on the databases screen and the incident wizard stop and start them around a restore."},
		{Path: "databases[].backups", Type: "mapping", Default: "none", Doc: "Where the database's dumps are and how they are restored over SSH (`b` on the databases screen)."},
		{Path: "databases[].backups.dir", Type: "absolute path", Required: true, Doc: "Where the dumps are on the host. Every element is a plain name (letters, digits, `_ . : + @ -`, not starting with `-`); directories may be hidden (`/root/.cache/…/dumps`, `/home/ops/.backups`). A directory whose dumps could never be offered is an error."},
		{Path: "databases[].backups.pattern", Type: "file pattern", Default: "`*.dump`", Doc: "Which files are dumps."},
		{Path: "databases[].backups.bin_dir", Type: "absolute path", Default: "`$PATH`", Doc: "Where `pg_restore` and `psql` are, e.g. `/usr/lib/postgresql/15/bin`."},
		{Path: "databases[].backups.conn", Type: "list", Default: "none", Doc: "Connection arguments for both, e.g. `[-h, 127.0.0.1, -p, \"5432\", -U, postgres]`."},
		{Path: "databases[].backups.integrity", Type: "list", Default: "none", Doc: "Checks run after a restore; any failing check fails the restore."},
		{Path: "databases[].backups.integrity[].name", Type: "name", Required: true, Doc: "Name of the check, shown in the restore's output."},
		{Path: "databases[].backups.integrity[].sql", Type: "string", Required: true, Doc: "The query."},
		{Path: "databases[].backups.integrity[].expect", Type: "string", Default: "a row", Doc: "The exact single value the query must return; without it the query must return a row."},
		{Path: "databases[].backups.timeout", Type: "duration", Default: "`30m`", Doc: "The restore gives up after this long."},
		{Path: "databases[].psql", Type: "mapping", Default: "none", Doc: "How `enter` on the databases screen reads the database's slow statements (`pg_stat_statements`) and its connection pool (`pg_stat_activity`): psql run on `host` over SSH, in a read-only transaction with a statement timeout. `psql: {}` takes psql's defaults (the local socket, the SSH user)."},
		{Path: "databases[].psql.bin_dir", Type: "absolute path", Default: "`$PATH`", Doc: "Where `psql` is on the host, e.g. `/usr/lib/postgresql/15/bin`."},
		{Path: "databases[].psql.host", Type: "string", Default: "the local socket", Doc: "`-h`: the server's address as seen from the host, or a socket directory."},
		{Path: "databases[].psql.port", Type: "whole number", Default: "`5432`", Doc: "`-p`: the server's port."},
		{Path: "databases[].psql.user", Type: "string", Default: "the SSH user", Doc: "`-U`: the role to connect as; `pg_read_all_stats` (or a superuser) sees every session's query. A plain name."},
		{Path: "databases[].psql.dbname", Type: "string", Default: "the database's name", Doc: "`-d`: the database whose statements and sessions are shown. A plain name."},
		{Path: "databases[].psql.passfile", Type: "absolute path", Default: "none", Doc: "`PGPASSFILE` on the host, for a password login: there is no password key, and no password passes through opsdeck."},
		{Path: "databases[].psql.timeout", Type: "duration", Default: "`5s`", Doc: "The `statement_timeout` of each query."},

		{Path: "dependencies", Type: "list", Default: "none", Doc: "External services the fleet relies on."},
		{Path: "dependencies[].name", Type: "string", Required: true, Doc: "One line of free text, unique, e.g. `Supabase (chat)`."},
		{Path: "dependencies[].url", Type: "URL", Default: "none", Doc: "What is probed (absolute `http://` or `https://`); Prometheus' blackbox exporter results are matched to it."},

		{Path: "sources", Type: "mapping", Required: true, Default: "at least one of simulator, docker, prometheus, alertmanager", Doc: "Where the data comes from."},
		{Path: "sources.simulator", Type: "mapping", Default: "off", Doc: "The built-in simulated fleet. `simulator:` on its own turns it on with the defaults."},
		{Path: "sources.simulator.seed", Type: "whole number", Default: "`1`", Doc: "The same seed gives the same figures; `--seed` overrides it."},
		{Path: "sources.simulator.interval", Type: "duration", Default: "`2s`", Doc: "Time between fetches; more than 0."},
		{Path: "sources.simulator.timeout", Type: "duration", Default: "`1s`, or `interval` if shorter", Doc: "A fetch gives up after this long; more than 0 and no more than `interval`."},
		{Path: "sources.simulator.profiles", Type: "mapping", Default: "none", Doc: "Levels the simulated figures move around, keyed by a configured service, database or dependency name. A figure left out, or 0, is derived from the seed; negative values are errors."},
		{Path: "sources.simulator.profiles.<name>", Type: "mapping", Doc: "The profile of one service, database or dependency."},
		{Path: "sources.simulator.profiles.<name>.rps", Type: "number", Default: "derived", Doc: "Service: requests per second."},
		{Path: "sources.simulator.profiles.<name>.error_rate_pct", Type: "number", Default: "derived", Doc: "Service: percent of requests that fail."},
		{Path: "sources.simulator.profiles.<name>.p95_ms", Type: "number", Default: "derived", Doc: "Service: p95 latency in ms."},
		{Path: "sources.simulator.profiles.<name>.cpu_pct", Type: "number", Default: "derived", Doc: "Service: CPU, percent of one core."},
		{Path: "sources.simulator.profiles.<name>.memory_pct", Type: "number", Default: "derived", Doc: "Service: memory, percent of the container limit."},
		{Path: "sources.simulator.profiles.<name>.slow_query_ms", Type: "number", Default: "`0` (off)", Doc: "Service: raises an info alert \"Slow Query Detected\"."},
		{Path: "sources.simulator.profiles.<name>.down", Type: "bool", Default: "`false`", Doc: "Service: its containers are exited."},
		{Path: "sources.simulator.profiles.<name>.connections", Type: "number", Default: "derived", Doc: "Database: connections in use."},
		{Path: "sources.simulator.profiles.<name>.max_connections", Type: "number", Default: "derived", Doc: "Database: pool size."},
		{Path: "sources.simulator.profiles.<name>.avg_query_ms", Type: "number", Default: "derived", Doc: "Database: average query time in ms."},
		{Path: "sources.simulator.profiles.<name>.slow_queries", Type: "number", Default: "derived", Doc: "Database: number of slow queries."},
		{Path: "sources.simulator.profiles.<name>.cache_hit_pct", Type: "number", Default: "derived", Doc: "Database: cache hit rate in percent."},
		{Path: "sources.simulator.profiles.<name>.latency_ms", Type: "number", Default: "derived", Doc: "Dependency: probe latency in ms."},
		{Path: "sources.simulator.profiles.<name>.success_pct", Type: "number", Default: "derived", Doc: "Dependency: successful probes in percent."},
		{Path: "sources.simulator.action_step", Type: "duration", Default: "`300ms`", Doc: "How long each step of a simulated action (restart, restore, …) takes; more than 0 and at most `1m`. A longer one leaves time to watch, cancel or background an action in a demo."},

		{Path: "sources.docker", Type: "list", Default: "none", Doc: "Docker engines. Their containers are found by their compose labels (`com.docker.compose.project` / `.service`); state follows the events stream. Container CPU and memory (where Prometheus has none) come every 15 s from at most 48 one-shot stats samples, least recently sampled containers first."},
		{Path: "sources.docker[].name", Type: "name", Default: "`local`", Doc: "Shown as `docker@<name>` and in the host column of its services; unique."},
		{Path: "sources.docker[].host", Type: "URL", Default: "`unix:///var/run/docker.sock`", Doc: "`unix://`, `tcp://` or `ssh://[user@]host[:port]`; an ssh host may be a `sources.ssh.hosts` name or a `Host` alias of `~/.ssh/config`."},
		{Path: "sources.docker[].context", Type: "name", Default: "none", Doc: "A docker context (`docker context ls`, e.g. `colima`, `orbstack`, `desktop-linux`) instead of `host`: its endpoint and TLS files are read from `~/.docker/contexts` (or `$DOCKER_CONFIG`) when opsdeck starts; the name defaults to it."},
		{Path: "sources.docker[].tls", Type: "mapping", Default: "none", Doc: "For a `tcp://` host: verify the engine and identify opsdeck, as `docker --tlsverify`. Relative paths are taken from the config file's directory. A file that cannot be read or used stops opsdeck at this key; a refused certificate reads as what it is, with the key to look at (`the server wants a client certificate it trusts (bad certificate) (tls.cert_file?)`)."},
		{Path: "sources.docker[].tls.ca_file", Type: "path", Default: "the system's roots", Doc: "CA certificate (PEM) the engine's certificate must chain to."},
		{Path: "sources.docker[].tls.cert_file", Type: "path", Default: "none", Doc: "Client certificate (PEM), with `key_file`."},
		{Path: "sources.docker[].tls.key_file", Type: "path", Default: "none", Doc: "Client key (PEM), with `cert_file`."},
		{Path: "sources.docker[].interval", Type: "duration", Default: "`2s`", Doc: "Time between inventory snapshots."},
		{Path: "sources.docker[].timeout", Type: "duration", Default: "`2s`", Doc: "A fetch gives up after this long; no more than `interval`."},

		{Path: "sources.prometheus", Type: "mapping", Default: "none", Doc: "Prometheus: service, database and dependency figures, the 24 h latency chart, and alerts when there is no Alertmanager."},
		{Path: "sources.prometheus.url", Type: "URL", Required: true, Doc: "The HTTP API, e.g. `http://127.0.0.1:9090`."},
		{Path: "sources.prometheus.service_label", Type: "label", Default: "`job`", Doc: "Label whose value is the opsdeck service name."},
		{Path: "sources.prometheus.colour_label", Type: "label", Default: "`colour` with `deployments`, else none", Doc: "Label naming a series' blue/green colour, for the deployments screen's per-colour figures."},
		{Path: "sources.prometheus.interval", Type: "duration", Default: "`5s`", Doc: "Time between fetches."},
		{Path: "sources.prometheus.timeout", Type: "duration", Default: "`3s`", Doc: "A fetch gives up after this long; no more than `interval`."},
		{Path: "sources.prometheus.queries", Type: "mapping", Default: "built in", Doc: "PromQL overrides, one per figure. Each is one group-by query for the whole fleet; the instant ones travel together in one request per refresh (a figure that fails is asked alone, and named in the error)."},
		{Path: "sources.prometheus.queries.<figure>", Type: "PromQL", Doc: "The query of one figure: " + promQueryList() + "."},
	}, httpFields("sources.prometheus"), []Field{
		{Path: "sources.alertmanager", Type: "mapping", Default: "none", Doc: "Alertmanager (API v2): alerts and silences."},
		{Path: "sources.alertmanager.url", Type: "URL", Required: true, Doc: "e.g. `http://127.0.0.1:9093`."},
		{Path: "sources.alertmanager.interval", Type: "duration", Default: "`5s`", Doc: "Time between fetches."},
		{Path: "sources.alertmanager.timeout", Type: "duration", Default: "`3s`", Doc: "A fetch gives up after this long; no more than `interval`."},
	}, httpFields("sources.alertmanager"), []Field{
		{Path: "sources.ssh", Type: "mapping", Default: "`~/.ssh/config`, `~/.ssh/known_hosts` and the agent", Doc: "How opsdeck reaches hosts over SSH: `ssh://` Docker engines, `actions.commands`, database restores. Not needed to use `~/.ssh/config` (see SSH below)."},
		{Path: "sources.ssh.config_file", Type: "path", Default: "`~/.ssh/config`", Doc: "The ssh_config file host names are resolved through (Host aliases, HostName, User, Port, IdentityFile, CertificateFile, IdentitiesOnly, ProxyJump, UserKnownHostsFile); `none` reads none. A file named here must exist; the default may be missing."},
		{Path: "sources.ssh.known_hosts", Type: "path", Default: "the ssh config's `UserKnownHostsFile`, else `~/.ssh/known_hosts`", Doc: "Host keys are always checked, whatever the ssh config says; an unknown or changed key is refused. Given, it is used for every host (with an alias's own `UserKnownHostsFile` beside it)."},
		{Path: "sources.ssh.identity_files", Type: "list of paths", Default: "none (ssh's `~/.ssh/id_*` when the ssh config names none either)", Doc: "Private keys, tried after the agent and an alias's own `IdentityFile`s; a `<key>-cert.pub` beside one is offered too."},
		{Path: "sources.ssh.agent", Type: "bool", Default: "`true`", Doc: "Use the agent at `$SSH_AUTH_SOCK`."},
		{Path: "sources.ssh.hosts", Type: "list", Default: "none", Doc: "Hosts by name, for `host:` keys elsewhere. A name here wins over a `Host` of the same name in the ssh config, which adds only keys and known_hosts (and the user, when none is given)."},
		{Path: "sources.ssh.hosts[].name", Type: "name", Required: true, Doc: "The name other keys use, unique."},
		{Path: "sources.ssh.hosts[].addr", Type: "`host:port`", Required: true, Doc: "Where to connect, e.g. `db-1.internal:22`."},
		{Path: "sources.ssh.hosts[].user", Type: "name", Default: "the `ssh://` URL's user, else yours", Doc: "Login user."},
		{Path: "sources.ssh.hosts[].jump", Type: "name", Default: "none", Doc: "Another host's name, reached first (the bastion)."},

		{Path: "actions", Type: "mapping", Doc: "What opsdeck does to the fleet, and where it keeps its records."},
		{Path: "actions.audit_log", Type: "path", Default: "`<state dir>/audit.jsonl`", Doc: "The JSON-lines audit log."},
		{Path: "actions.state_dir", Type: "path", Default: "`$XDG_STATE_HOME/opsdeck` (`~/.local/state/opsdeck`)", Doc: "Incidents, the version history of services, the audit log by default."},
		{Path: "actions.health_timeout", Type: "duration", Default: "`2m`", Doc: "How long a restart or start waits for each container to be healthy, and a rollback for the service's health check."},
		{Path: "actions.dr_tree", Type: "path", Default: "built in", Doc: "A replacement disaster-recovery tree, with its contacts (format: `backend/drtree/default.yaml`)."},
		{Path: "actions.commands", Type: "list", Default: "none", Doc: "Remote commands run over SSH: rollback scripts, traffic switches."},
		{Path: "actions.commands[].name", Type: "name", Required: true, Doc: "The name `rollback_command` and `deployments[].commands` use, unique."},
		{Path: "actions.commands[].host", Type: "host", Doc: "A `sources.ssh.hosts` name or a `Host` alias of `~/.ssh/config`; required unless the fleet is simulated (the simulator with no `sources.docker`, as in the demo), where a command runs simulated."},
		{Path: "actions.commands[].argv", Type: "list", Required: true, Doc: "The program and its arguments. Elements may hold `{service}`, `{version}`, `{project}`, `{database}`, `{colour}`, `{dump}` and `{weight}`, filled with checked, shell-quoted values."},
		{Path: "actions.commands[].timeout", Type: "duration", Default: "`5m`", Doc: "The command is ended after this long."},
		{Path: "actions.commands[].destructive", Type: "bool", Default: "`true`", Doc: "Confirmed by typing the name of what it acts on (`false`: by `y`)."},

		{Path: "deployments", Type: "list", Default: "none", Doc: "Projects deployed blue/green, shown on the deployments screen (`0`)."},
		{Path: "deployments[].project", Type: "name", Required: true, Doc: "A configured project, once."},
		{Path: "deployments[].service", Type: "name", Default: "the project's backend", Doc: "The service of the project that runs in two colours."},
		{Path: "deployments[].colour_label", Type: "Docker label", Default: "`opsdeck.colour`", Doc: "Container label whose value (`blue` or `green`) is a container's colour."},
		{Path: "deployments[].gates", Type: "mapping", Doc: "What a canary colour must meet to be promoted."},
		{Path: "deployments[].gates.error_rate_pct", Type: "number", Default: "`1`", Doc: "Error rate must stay below this, in percent; above 0."},
		{Path: "deployments[].gates.p95", Type: "duration", Default: "`1s`", Doc: "p95 latency must stay below this."},
		{Path: "deployments[].gates.min_rps", Type: "number", Default: "`0` (off)", Doc: "Requests per second a colour must serve before its figures count: one serving almost nothing would pass every gate."},
		{Path: "deployments[].monitor", Type: "duration", Default: "`10m`", Doc: "How long the canary's gates must hold on its traffic before `P` promotes it: counted from the last traffic step (`T`) in the audit log, else the colour's start, and again from a gate break the console saw."},
		{Path: "deployments[].rollback_window", Type: "duration", Default: "`1h`", Doc: "How long after a full cutover the old colour is kept for a rollback (`D` decommissions it after)."},
		{Path: "deployments[].commands", Type: "mapping", Default: "none", Doc: "The `actions.commands` entries the steps run; a step without one says it is not configured."},
		{Path: "deployments[].commands.shift", Type: "name", Default: "none", Doc: "`T`: shift part of the traffic to a colour (`{colour}`, `{weight}`)."},
		{Path: "deployments[].commands.promote", Type: "name", Default: "none", Doc: "`P`: send all traffic to a colour."},
		{Path: "deployments[].commands.rollback", Type: "name", Default: "none", Doc: "`B`: send all traffic back to the other colour."},
		{Path: "deployments[].commands.decommission", Type: "name", Default: "none", Doc: "`D`: stop the old colour once the rollback window is over."},
		{Path: "deployments[].commands.migrate", Type: "name", Default: "none", Doc: "`M`: the migration for the new colour (`{colour}`, `{version}`), a step between health check and promote; when set, `P` is refused until it ran for that colour since it went live."},
		{Path: "deployments[].health_urls", Type: "mapping", Default: "the service's `health_url`", Doc: "Each colour's own health endpoints, keyed `blue` and `green` (the seed's `curl localhost:3002/api/health`): all must answer 2xx (\"Health check GREEN\") before `P` promotes that colour. Without any, the service's `health_url` is checked; without that, the step is left out."},
		{Path: "deployments[].health_urls.<key>", Type: "list of URLs", Doc: "The colour's URLs (absolute `http://` or `https://`)."},

		{Path: "contacts", Type: "list", Default: "none", Doc: "Emergency contacts, the seed's Quick Reference: listed by `:contacts` with who is on call now, and named by role in the DR tree's escalations."},
		{Path: "contacts[].name", Type: "string", Required: true, Doc: "One line of free text, unique, e.g. `DevOps Lead`."},
		{Path: "contacts[].role", Type: "name", Required: true, Doc: "Unique; what the DR tree's escalations name, the ids of the DR tree's contacts, e.g. `devops_lead`, `db_admin`, `security_team`."},
		{Path: "contacts[].phone", Type: "string", Default: "none", Doc: "A phone number, shown as written."},
		{Path: "contacts[].email", Type: "string", Default: "none", Doc: "An email address."},
		{Path: "contacts[].url", Type: "URL", Default: "none", Doc: "A page to open (a status page, a paging tool). A contact needs at least one of phone, email and url."},
		{Path: "contacts[].on_call", Type: "mapping", Default: "no hours: always offered, never called \"on call now\"", Doc: "When the contact answers."},
		{Path: "contacts[].on_call.days", Type: "string", Default: "every day", Doc: "Days of the hours: `mon-fri`, `sat,sun`, `mon-wed,fri`."},
		{Path: "contacts[].on_call.hours", Type: "string", Required: true, Doc: "`\"09:00-17:00\"` (to before from: past midnight), or `24/7` (then no days or time_zone)."},
		{Path: "contacts[].on_call.time_zone", Type: "string", Default: "none: required unless `hours` is 24/7", Doc: "The IANA time zone of the hours, e.g. `Europe/Berlin`, `UTC`."},
		{Path: "contacts[].fallback", Type: "name", Default: "none", Doc: "The role to call while this contact is off hours; the chain is followed to the first one on call."},
		{Path: "keys", Type: "mapping", Default: "built in", Doc: "Key rebindings, e.g. `quit: [q, ctrl+c]` (the actions: docs/keys.md). An unknown action, or a key bound to two actions, is an error."},
		{Path: "keys.<action>", Type: "list of keys", Doc: "Replaces every key of the action; at least one non-empty key."},
		{Path: "theme", Type: "`auto`, `dark`, `light`, `high-contrast` or a path", Default: "`auto`", Doc: "The colours. `auto` asks the terminal for its background (OSC 11) and draws `dark` or `light` accordingly, `dark` until (or unless) the terminal answers; `high-contrast` has no greys, bold statuses, and its own dark and light variants picked the same way. Any other value is a palette file (a relative path is taken from the config file's directory): `base: dark` or `light` (default `dark`) and the colours it changes by name, `accent`, `on_accent`, `text`, `muted`, `border`, `ok`, `warn`, `down`, `unknown`, each `\"#rrggbb\"`, `\"#rgb\"` or an ANSI number 0-255; its problems are reported at its own file:line:col. `--theme` and `OPSDECK_THEME` override it; `NO_COLOR` and `--no-color` draw no colour whatever it says."},
	})
}

func promQueryList() string {
	s := ""
	for i, n := range PromQueryNames {
		if i > 0 {
			s += ", "
		}
		s += "`" + n + "`"
	}
	return s
}

// httpFields are the HTTP client settings of the source at prefix, the
// keys and meaning of Prometheus' own (remote_write, scrape configs).
func httpFields(prefix string) []Field {
	fs := []Field{
		{Path: "basic_auth", Type: "mapping", Default: "none", Doc: "HTTP basic auth on every request, as in Prometheus. At most one of `basic_auth`, `authorization` and `oauth2`."},
		{Path: "basic_auth.username", Type: "string", Required: true, Doc: "The user; shown in a 401 or 403 (\"401 Unauthorized (basic auth as opsdeck)\")."},
		{Path: "basic_auth.password", Type: "secret", Default: "none: one of `password` and `password_file`", Doc: "The password, never shown or logged. Prefer `password_file`."},
		{Path: "basic_auth.password_file", Type: "path", Default: "none", Doc: "A file holding the password, read at every request (a rotated password is used without a restart). A relative path is taken from the config file's directory."},
		{Path: "authorization", Type: "mapping", Default: "none", Doc: "An `Authorization: <type> <credentials>` header on every request (a bearer token), as in Prometheus."},
		{Path: "authorization.type", Type: "string", Default: "`Bearer`", Doc: "The scheme; not `Basic` (use `basic_auth`)."},
		{Path: "authorization.credentials", Type: "secret", Default: "none: one of `credentials` and `credentials_file`", Doc: "The token, never shown or logged. Prefer `credentials_file`."},
		{Path: "authorization.credentials_file", Type: "path", Default: "none", Doc: "A file holding the token, read at every request."},
		{Path: "oauth2", Type: "mapping", Default: "none", Doc: "OAuth 2.0 client credentials: a token is fetched from `token_url` and renewed before it expires."},
		{Path: "oauth2.client_id", Type: "string", Required: true, Doc: "The client ID."},
		{Path: "oauth2.client_secret", Type: "secret", Default: "none: one of `client_secret` and `client_secret_file`", Doc: "The client secret, never shown or logged."},
		{Path: "oauth2.client_secret_file", Type: "path", Default: "none", Doc: "A file holding the client secret, read again when it changes."},
		{Path: "oauth2.token_url", Type: "URL", Required: true, Doc: "The token endpoint."},
		{Path: "oauth2.scopes", Type: "list", Default: "none", Doc: "Scopes asked for."},
		{Path: "oauth2.endpoint_params", Type: "mapping", Default: "none", Doc: "Extra parameters of the token request."},
		{Path: "oauth2.endpoint_params.<param>", Type: "string", Doc: "One parameter's value."},
		{Path: "tls_config", Type: "mapping", Default: "the system's CAs", Doc: "TLS of an `https://` URL, as in Prometheus. Certificate files are read again when they change."},
		{Path: "tls_config.ca_file", Type: "path", Default: "the system's CAs", Doc: "The CA certificates (PEM) the server's certificate must be signed by."},
		{Path: "tls_config.cert_file", Type: "path", Default: "none", Doc: "A client certificate (PEM), for a server that asks for one; with `key_file`."},
		{Path: "tls_config.key_file", Type: "path", Default: "none", Doc: "The client certificate's key (PEM)."},
		{Path: "tls_config.server_name", Type: "host", Default: "the URL's host", Doc: "The name the server's certificate must be valid for (and the SNI sent)."},
		{Path: "tls_config.insecure_skip_verify", Type: "bool", Default: "`false`", Doc: "Do not check the server's certificate at all. Allowed, and shown as a warning beside the source in the header."},
		{Path: "proxy_url", Type: "URL", Default: "none (`$HTTPS_PROXY` is not read)", Doc: "An `http://`, `https://` or `socks5://` proxy every request goes through."},
		{Path: "http_headers", Type: "mapping", Default: "none", Doc: "Headers sent with every request, as in Prometheus, e.g. `X-Scope-OrgID: {values: [tenant-1]}` for Mimir, Cortex or Grafana Cloud. Headers opsdeck sets itself (`Authorization`, `Host`, `User-Agent`, …) cannot be given."},
		{Path: "http_headers.<header>", Type: "mapping", Doc: "One header: at least one value from `values`, `secrets` and `files`."},
		{Path: "http_headers.<header>.values", Type: "list", Default: "none", Doc: "Values sent as written."},
		{Path: "http_headers.<header>.secrets", Type: "list", Default: "none", Doc: "Values never shown or logged."},
		{Path: "http_headers.<header>.files", Type: "list of paths", Default: "none", Doc: "Files whose content is a value, read at every request."},
		{Path: "follow_redirects", Type: "bool", Default: "`true`", Doc: "Follow HTTP redirects (credentials and `http_headers` are not sent to another host)."},
	}
	for i := range fs {
		fs[i].Path = prefix + "." + fs[i].Path
	}
	return fs
}
