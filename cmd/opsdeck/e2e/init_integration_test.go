//go:build unix && integration

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/testbed"
)

// serviceKeys is the services of the document's projects, as
// "project/name component host", sorted.
func serviceKeys(d statusDoc, projects []string) []string {
	var out []string
	for _, s := range d.Services {
		if slices.Contains(projects, s.Project) {
			out = append(out, s.Project+"/"+s.Name+" "+s.Component+" "+s.Host)
		}
	}
	slices.Sort(out)
	return out
}

// opsdeck init on the test bed's engine (DOCKER_HOST, an empty HOME)
// writes the default config path, which then loads and whose status has
// the projects and services of the zero-config status; each service has
// the health URL the bed gives it, found by probing, and Prometheus'
// figures through the service label found; it refuses to replace
// the file (exit 2, the file untouched) and --force replaces it.
func TestInitOnTheTestBed(t *testing.T) {
	t.Parallel()
	env := testbed.Need(t, testbed.DockerHost, testbed.FleetProject, testbed.FleetServices, testbed.PromURL)
	projects := strings.Split(env[testbed.FleetProject], ",")
	home := t.TempDir()
	path := filepath.Join(home, "config", "opsdeck", "config.yaml") // runOpsdeck's XDG_CONFIG_HOME is $HOME/config
	vars := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "OPSDECK_DEMO=", "DOCKER_HOST=" + env[testbed.DockerHost]}

	r := runOpsdeck(t, vars, "init", "--prometheus", env[testbed.PromURL])
	if r.code != 0 || !strings.Contains(r.stdout, "opsdeck init: wrote "+path+": docker@local (DOCKER_HOST)") {
		t.Fatalf("init: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(written)
	t.Logf("opsdeck init wrote:\n%s", text)
	// The bed's health URLs: not named by the health check (an exec of
	// the binary), found on the port of PORT under host networking.
	for _, kv := range strings.Split(env[testbed.FleetServices], ",") {
		name, addr, _ := strings.Cut(kv, "=")
		if !strings.Contains(text, `- name: "`+name+`"`) {
			continue // not a compose project this test compares (deps)
		}
		want := `health_url: "http://` + addr + `/api/health"`
		if !strings.Contains(text, want) {
			t.Errorf("%s: no %s in the config", name, want)
		}
	}
	if !strings.Contains(text, "# health_url guessed: answered when opsdeck init asked it") {
		t.Error("the guessed health URLs are not said to be guesses")
	}

	if r := runOpsdeck(t, vars, "config", "validate"); r.code != 0 {
		t.Fatalf("config validate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	fromInit := zeroStatus(t, vars...)
	if fromInit.Demo || len(fromInit.Sources) == 0 || fromInit.Sources[0].Name != "docker@local" || !fromInit.Sources[0].OK {
		t.Fatalf("status of the written config: demo %v, sources %+v", fromInit.Demo, fromInit.Sources)
	}
	zero := zeroStatus(t, "OPSDECK_DEMO=", "DOCKER_HOST="+env[testbed.DockerHost])
	got, want := serviceKeys(fromInit, projects), serviceKeys(zero, projects)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("services of the written config\n%v\nwant those of the zero-config status\n%v", got, want)
	}
	for _, p := range projects {
		if len(fromInit.projectsOf()[p]) == 0 {
			t.Errorf("project %s is not in the written config's status", p)
		}
	}
	// Prometheus' service label was found (the bed's is "service", not the
	// default job): its figures reach the services.
	if !strings.Contains(text, `service_label: "service"`) {
		t.Error("the bed's Prometheus service label was not found")
	}
	for _, s := range fromInit.Services {
		if s.Name == "chat-backend" && s.RPS == nil {
			t.Errorf("chat-backend has no rps from Prometheus: %+v", s)
		}
	}

	// A second init refuses, before looking at anything, and leaves the
	// file as the user may have edited it.
	edited := text + "# edited by hand\n"
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runOpsdeck(t, vars, "init")
	if r.code != 2 || !strings.Contains(r.stderr, path+" already exists") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("init over a file: exit %d, stderr %q, want 2 naming the file and --force", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != edited {
		t.Error("init without --force changed the file")
	}
	r = runOpsdeck(t, vars, "init", "--force")
	if b, _ := os.ReadFile(path); r.code != 0 || strings.Contains(string(b), "# edited by hand") || !strings.Contains(string(b), `- name: "chat"`) {
		t.Errorf("init --force: exit %d (%s), file:\n%s", r.code, r.stderr, b)
	}
}

// --output - prints the config; an engine through TLS found by the
// environment is written with its TLS files, and the written config
// reaches it.
func TestInitTLSEngine(t *testing.T) {
	t.Parallel()
	host, certs, project := tlsEngine(t)
	vars := []string{"DOCKER_HOST=" + host, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + certs}
	r := runOpsdeck(t, vars, "init", "--output", "-")
	if r.code != 0 || !strings.Contains(r.stdout, `cert_file: "`+filepath.Join(certs, "cert.pem")+`"`) ||
		!strings.Contains(r.stdout, `- name: "`+project+`"`) {
		t.Fatalf("init --output -: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	s := runOpsdeck(t, nil, "status", "--json", "--config", cfg)
	var doc statusDoc
	if err := json.Unmarshal([]byte(s.stdout), &doc); err != nil {
		t.Fatalf("status --json: %v\n%s\n%s", err, s.stdout, s.stderr)
	}
	checkTLSEngine(t, doc, "docker@local", project)
}

// --ssh-hosts adds the Host aliases of ~/.ssh/config, with their
// HostName, User, Port and ProxyJump, to a config that loads; without the
// file it says so and writes none.
func TestInitSSHHosts(t *testing.T) {
	t.Parallel()
	env := testbed.Need(t, testbed.DockerHost, testbed.SSHAddr, testbed.SSHUser)
	host, port, _ := strings.Cut(env[testbed.SSHAddr], ":")
	home := t.TempDir()
	vars := []string{"HOME=" + home, "DOCKER_HOST=" + env[testbed.DockerHost]}
	r := runOpsdeck(t, vars, "init", "--output", "-", "--ssh-hosts")
	if r.code != 0 || !strings.Contains(r.stdout, "# SSH hosts: "+filepath.Join(home, ".ssh", "config")+" could not be read") {
		t.Fatalf("no ~/.ssh/config: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	sshConfig := "Host bastion\n  HostName " + host + "\n  Port " + port + "\n  User " + env[testbed.SSHUser] +
		"\nHost tb-db\n  HostName " + host + "\n  Port " + port + "\n  ProxyJump bastion\nHost *\n  ServerAliveInterval 30\n"
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".ssh", "config"), []byte(sshConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runOpsdeck(t, vars, "init", "--output", "-", "--ssh-hosts")
	for _, want := range []string{
		`known_hosts: "` + filepath.Join(home, ".ssh", "known_hosts") + `"`,
		`- {name: "bastion", addr: "` + env[testbed.SSHAddr] + `", user: "` + env[testbed.SSHUser] + `"}`,
		`- {name: "tb-db", addr: "` + env[testbed.SSHAddr] + `", jump: "bastion"}`,
	} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("exit %d, no %q in\n%s\n%s", r.code, want, r.stdout, r.stderr)
		}
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	if v := runOpsdeck(t, nil, "config", "validate", cfg); v.code != 0 || !strings.Contains(v.stdout, ": ok") {
		t.Errorf("config validate: exit %d\n%s%s", v.code, v.stdout, v.stderr)
	}
}
