//go:build unix && integration

package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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
	cfg := configFile(t, r.stdout)
	s := runOpsdeck(t, nil, "status", "--json", "--config", cfg)
	var doc statusDoc
	if err := json.Unmarshal([]byte(s.stdout), &doc); err != nil {
		t.Fatalf("status --json: %v\n%s\n%s", err, s.stdout, s.stderr)
	}
	checkTLSEngine(t, doc, "docker@local", project)
}

// --ssh-hosts lists the Host aliases of ~/.ssh/config (one from an
// included file, behind a ProxyJump; no pattern) as opsdeck resolves them,
// and writes no sources.ssh: the aliases are hosts as they are, which
// config validate resolves for a command's host: (a typo is refused). An
// engine at DOCKER_HOST=ssh://ALIAS is reached through the jump host
// (which logs the hop), written as it is, and the config init wrote shows
// its services in status. Without the file init says so. HOME is a temp
// directory; the Include path is absolute so the library, which expands
// ~ in the account's home directory, never reads the real ~/.ssh.
func TestInitSSHHosts(t *testing.T) {
	t.Parallel()
	env := testbed.Need(t, testbed.DockerHost, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts,
		testbed.SSHJumpAddr, testbed.SSHJumpKnownHosts, testbed.SSHJumpLog)
	sock, ok := strings.CutPrefix(env[testbed.DockerHost], "unix://")
	if !ok {
		t.Fatalf("the bed's engine is not on a unix socket: %s", env[testbed.DockerHost])
	}
	th, tp, _ := net.SplitHostPort(env[testbed.SSHAddr])
	jh, jp, _ := net.SplitHostPort(env[testbed.SSHJumpAddr])
	user := env[testbed.SSHUser]
	home := t.TempDir()
	vars := []string{"HOME=" + home, "DOCKER_HOST=" + env[testbed.DockerHost], "SSH_AUTH_SOCK="}
	r := runOpsdeck(t, vars, "init", "--output", "-", "--ssh-hosts")
	if r.code != 0 || !strings.Contains(r.stdout, "# SSH hosts: there is no ~/.ssh/config") || strings.Contains(r.stdout, "\n  ssh:") {
		t.Fatalf("no ~/.ssh/config: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	files := map[string]string{
		filepath.Join(home, ".ssh", "config"): fmt.Sprintf(`Include %s/conf.d/*.conf
Host tb-jump
  HostName %s
  Port %s
  UserKnownHostsFile %s
Host tb-*
  User %s
  IdentityFile %s
Host *
  ServerAliveInterval 30
`, filepath.Join(home, ".ssh"), jh, jp, env[testbed.SSHJumpKnownHosts], user, env[testbed.SSHKey]),
		// Not matched by tb-*: only the included file names it.
		filepath.Join(home, ".ssh", "conf.d", "target.conf"): fmt.Sprintf(`Host bed-target
  HostName %s
  Port %s
  ProxyJump tb-jump
  UserKnownHostsFile %s
  User %s
  IdentityFile %s
`, th, tp, env[testbed.SSHKnownHosts], user, env[testbed.SSHKey]),
	}
	for p, body := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r = runOpsdeck(t, vars, "init", "--output", "-", "--ssh-hosts")
	t.Logf("opsdeck init --ssh-hosts wrote:\n%s", r.stdout)
	for _, want := range []string{
		"  #   bed-target  " + user + "@" + env[testbed.SSHAddr] + " via tb-jump (" + user + "@" + env[testbed.SSHJumpAddr] + ")\n",
		"  #   tb-jump     " + user + "@" + env[testbed.SSHJumpAddr] + "\n",
	} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("exit %d, no %q in\n%s\n%s", r.code, want, r.stdout, r.stderr)
		}
	}
	if strings.Contains(r.stdout, "tb-*") || strings.Contains(r.stdout, "\n  ssh:") {
		t.Errorf("a pattern listed, or sources.ssh written:\n%s", r.stdout)
	}
	// The aliases as hosts: config validate resolves a command's host:
	// through the file, and refuses one it lacks.
	for _, c := range []struct {
		host string
		ok   bool
	}{{"bed-target", true}, {"bed-typo", false}} {
		body := r.stdout + "actions:\n  commands:\n    - {name: uptime, host: " + c.host + ", argv: [uptime]}\n"
		cfg := configFile(t, body)
		v := runOpsdeck(t, []string{"HOME=" + home}, "config", "validate", cfg)
		if (v.code == 0 && strings.Contains(v.stdout, ": ok")) != c.ok || (!c.ok && !strings.Contains(v.stdout+v.stderr, `host "bed-typo" is neither`)) {
			t.Errorf("config validate, host: %s: exit %d\n%s%s", c.host, v.code, v.stdout, v.stderr)
		}
	}

	// The engine over SSH, at the included alias behind the jump host.
	log := grown(t, env[testbed.SSHJumpLog])
	path := filepath.Join(home, "ssh-engine.yaml")
	vars[1] = "DOCKER_HOST=ssh://bed-target" + sock
	r = runOpsdeck(t, vars, "init", "--output", path, "--ssh-hosts")
	if r.code != 0 || !strings.Contains(r.stdout, "docker@local (DOCKER_HOST)") {
		t.Fatalf("init at ssh://bed-target: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(written), `host: "ssh://bed-target`+sock+`"`) || strings.Contains(string(written), "\n  ssh:") {
		t.Errorf("the engine is not written as ssh://bed-target, or sources.ssh is:\n%s", written)
	}
	testbed.Eventually(t, 5*time.Second, "the jump host logging init's hop to the target", func() (bool, string) {
		l := log()
		return strings.Contains(l, "server_request_direct_tcpip") && strings.Contains(l, "port "+tp), l
	})
	s := runOpsdeck(t, []string{"HOME=" + home, "OPSDECK_DEMO=", "SSH_AUTH_SOCK="}, "status", "--json", "--config", path)
	var doc statusDoc
	if err := json.Unmarshal([]byte(s.stdout), &doc); err != nil {
		t.Fatalf("status --json: %v\n%s\n%s", err, s.stdout, s.stderr)
	}
	if len(doc.Sources) == 0 || len(doc.Services) == 0 {
		t.Fatalf("status of the config init wrote: exit %d, %+v\n%s", s.code, doc, s.stderr)
	}
	for _, src := range doc.Sources {
		if strings.HasPrefix(src.Name, "docker@") && !src.OK {
			t.Errorf("source %s: %v", src.Name, *src.Error)
		}
	}
}
